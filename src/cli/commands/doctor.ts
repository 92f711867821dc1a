import { formatDoctor, runDoctor } from '../../backend/doctor.ts';
import type { CliContext } from '../context.ts';
import { withExamples } from '../help.ts';

export function registerDoctor(ctx: CliContext) {
  const cmd = ctx.program
    .command('doctor')
    .description('which compute backends load here and why not the others, libtensorflow version and build, devices, wasm SIMD/threads (exit 0)')
    .option('--json', 'print the report as JSON')
    .action(async (opts) => {
      const report = await runDoctor();
      ctx.io.stdout(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctor(report));
    });
  return withExamples(cmd, [
    ['npx sed doctor', "after `npm run setup:tensorflow`: the tensorflow row says 'yes' with libtensorflow's version"],
    ['npx sed doctor --json', 'the same as JSON'],
  ]);
}
