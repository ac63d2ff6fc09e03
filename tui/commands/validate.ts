/** `pipesim validate <scenario> [--json]`: load and check only. */
import type { Command } from 'commander';
import type { LocatedIssue } from '../../model/issues.js';
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
      // The structural checks a run applies first (CodePipeline's CreatePipeline validation): one
      // set, engine/execution/plan.ts, so validate finds whatever run would call Invalid.
      const structural: LocatedIssue[] = [];
      if (result.success) {
        const [{ buildWorld }, { planPipeline }] = await Promise.all([import('../../model/world.js'), import('../../engine/execution/plan.js')]);
        for (const issue of planPipeline(result.data, buildWorld(result.data)).issues) {
          const at = result.locate(issue.path) ?? { line: 1, column: 1 };
          structural.push({ code: issue.code, path: issue.path, message: issue.message, severity: 'error', file: result.file, line: at.line, column: at.column });
        }
      }
      const valid = result.success && structural.length === 0;
      const issues = result.success ? [...structural, ...result.warnings] : result.issues;
      if (options.json) {
        out(JSON.stringify({ valid, issues }, null, 2));
      } else {
        for (const issue of issues) err(formatIssue(issue, result.file));
        if (valid) {
          const warnings = issues.length === 0 ? '' : ` (${issues.length} warning${issues.length === 1 ? '' : 's'})`;
          out(`${result.file}: valid${warnings}`);
        } else if (result.success) {
          out(`${result.file}: invalid: CodePipeline would reject the pipeline (${structural.length} issue${structural.length === 1 ? '' : 's'})`);
        }
      }
      // A scenario that loads but whose pipeline CodePipeline rejects exits 1, as `run` does for Invalid.
      process.exitCode = !result.success ? loadExitCode(result.issues) : structural.length > 0 ? EXIT.failed : EXIT.ok;
    });
}
