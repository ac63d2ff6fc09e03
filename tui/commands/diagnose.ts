/**
 * `pipesim diagnose <scenario> [--json]`: the first denial (or structural issue), its category,
 * the domain guide's checklist item, why, and every verified fix with its JSON Patch and how far
 * the run gets after it. Exit codes: 0 the run succeeds (nothing to diagnose), 1 a denial, an
 * issue or a failure was diagnosed, 2 a document that does not load or a usage error, 70 a bug.
 */
import type { Command } from 'commander';
import { EXIT, loadScenarioArgument, out } from '../cli-support.js';

/** Options of `diagnose`. */
interface DiagnoseCommandOptions {
  readonly json?: boolean;
}

/** Registers `diagnose`. */
export function register(program: Command): void {
  program
    .command('diagnose')
    .description('explain the first denial and propose the smallest verified fixes')
    .argument('<scenario>', 'a path, - for standard input, or the id of a bundled scenario')
    .option('--json', 'print the diagnosis as JSON')
    .action(async (scenario: string, options: DiagnoseCommandOptions) => {
      const loaded = await loadScenarioArgument(scenario);
      if (!loaded) return;
      const { diagnose } = await import('../../engine/analysis/diagnose.js');
      const diagnosis = await diagnose(loaded.data);
      if (options.json) out(JSON.stringify(diagnosis, null, 2));
      else process.stdout.write((await import('../format/diagnose.js')).formatDiagnosis(diagnosis));
      process.exitCode = diagnosis.status === 'Succeeded' ? EXIT.ok : EXIT.failed;
    });
}
