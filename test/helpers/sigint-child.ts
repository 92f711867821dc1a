/**
 * Child process for test/train.test.ts: listens with interruptOnSigint, and after the first Ctrl-C keeps its event
 * loop busy for 10 s (as a long training step or checkpoint encode would). A second SIGINT must end it at once.
 */
import { interruptOnSigint } from '../../src/cli/interrupt.ts';
import { createLogger } from '../../src/util/log.ts';

const interrupt = interruptOnSigint(createLogger({ write: (line) => process.stderr.write(line) }), 'finishing the current step');
interrupt.signal.addEventListener('abort', () => {
  setImmediate(() => {
    process.stderr.write('busy\n');
    const end = Date.now() + 10_000;
    while (Date.now() < end); // no event loop turn: only the default SIGINT action can stop this
    process.stderr.write('finished the busy loop\n');
    process.exit(0);
  });
});
setTimeout(() => {}, 60_000);
process.stderr.write('ready\n');
