/**
 * `pipesim whatif <scenario> --patch <p.json|p.yaml> [--json]`: run the scenario before and after
 * a JSON Patch (RFC 6902) and show which calls changed decision, where the first denial moved and
 * how the status changed. Patch paths address the scenario as loaded (defaults filled in).
 * Exit codes: 0 the patched run succeeds, 1 it fails or is rejected, 2 a scenario or patch that
 * does not load (located: file, line and column of the operation), or a usage error; 70 a bug.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { EXIT, err, formatIssue, loadScenarioArgument, out } from '../cli-support.js';

/** Options of `whatif`. */
interface WhatIfCommandOptions {
  readonly patch: string;
  readonly json?: boolean;
}

/** Registers `whatif`. */
export function register(program: Command): void {
  program
    .command('whatif')
    .description('run a scenario before and after a JSON Patch and show what changed')
    .argument('<scenario>', 'a path, - for standard input, or the id of a bundled scenario')
    .requiredOption('--patch <file>', 'the JSON Patch (RFC 6902), as JSON or YAML')
    .option('--json', 'print { before, after, diff } as JSON')
    .action(async (scenario: string, options: WhatIfCommandOptions) => {
      const { readPatchText, locateIssue } = await import('../../engine/analysis/patch.js');
      const file = options.patch;
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) {
        err(formatIssue({ code: 'file_not_found', path: '', message: `no such patch file \`${file}\``, severity: 'error' }, file));
        process.exitCode = EXIT.unloadable;
        return;
      }
      const read = readPatchText(await readFile(file, 'utf8'), file);
      if (!read.success) {
        for (const issue of read.issues) err(formatIssue(issue, file));
        process.exitCode = EXIT.unloadable;
        return;
      }
      const loaded = await loadScenarioArgument(scenario);
      if (!loaded) return;
      const { whatIf } = await import('../../engine/analysis/whatif.js');
      const result = await whatIf(loaded.data, read.patch);
      if (!result.success) {
        for (const issue of result.issues) err(formatIssue(locateIssue(issue, file, read.locate), file));
        process.exitCode = EXIT.unloadable;
        return;
      }
      if (options.json) {
        out(JSON.stringify({ formatVersion: 1, scenario: result.before.scenario, patch: read.patch, diff: result.diff, before: result.before, after: result.after }, null, 2));
      } else {
        const { formatWhatIf } = await import('../format/diagnose.js');
        process.stdout.write(formatWhatIf(result.before.scenario, result.diff));
      }
      process.exitCode = result.after.status === 'Succeeded' ? EXIT.ok : EXIT.failed;
    });
}
