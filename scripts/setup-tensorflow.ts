/**
 * `npm run setup:tensorflow [-- --gpu] [--wheel FILE | --libtensorflow DIR] [--refresh]`: the optional native
 * backend. The work is src/backend/native-setup.ts; this file only parses flags, prints and sets the exit code
 * (0 ready, 1 something missing or failed — one line says what —, 2 bad flags).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SedError } from '../src/errors.ts';
import { parseSetupArgs, setupTensorflow } from '../src/backend/native-setup.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
try {
  const summary = setupTensorflow({ ...parseSetupArgs(process.argv.slice(2)), root, log: (l) => process.stderr.write(`setup:tensorflow: ${l}\n`) });
  const where = path.relative(root, summary.libtensorflowDir) || summary.libtensorflowDir;
  process.stdout.write(
    `tensorflow backend ready: ${summary.package}@${summary.tfjsVersion} on libtensorflow ${summary.tfVersion} ` +
      `(${summary.build === 'gpu' ? 'CUDA build' : 'CPU build'}, ${summary.usingGpu ? 'using a GPU' : 'running on CPU'}) ` +
      `from ${summary.source}; libraries in ${where}; ${summary.seconds} s` +
      (summary.reused.length > 0 ? ` (already in place: ${summary.reused.join(', ')})` : '') +
      '\nre-run this after `npm ci` (seconds: the libraries and the addon are cached); check with `npx sed doctor`\n',
  );
} catch (err) {
  if (!(err instanceof SedError)) throw err;
  process.stderr.write(`setup:tensorflow: error: ${err.message}\n`);
  process.exitCode = err.exitCode;
}
