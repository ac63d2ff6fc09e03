/** `pipesim validate <scenario> [--json]`: load and check only. */
import type { Command } from 'commander';
import { EXIT, err, formatIssue, loadExitCode, out } from '../cli-support.js';

/** Registers `validate`. */
export function register(program: Command): void {
  program
    .command('validate')
    .description('load and check a scenario without running it')
    .argument('<scenario>', 'a path, - for standard input, or the id of a bundled scenario')
    .option('--json', 'print { valid, issues } as JSON on standard output')
    .action(async (scenario: string, options: { readonly json?: boolean }) => {
      const { loadScenarioFile } = await import('../../model/source.js');
      const result = await loadScenarioFile(scenario);
      const issues = result.success ? result.warnings : result.issues;
      if (options.json) {
        out(JSON.stringify({ valid: result.success, issues }, null, 2));
      } else {
        for (const issue of issues) err(formatIssue(issue, result.file));
        if (result.success) {
          const warnings = issues.length === 0 ? '' : ` (${issues.length} warning${issues.length === 1 ? '' : 's'})`;
          out(`${result.file}: valid${warnings}`);
        }
      }
      process.exitCode = result.success ? EXIT.ok : loadExitCode(result.issues);
    });
}
