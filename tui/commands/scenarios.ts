/** `pipesim scenarios [--json]`: list the bundled scenarios. */
import type { Command } from 'commander';
import { out } from '../cli-support.js';

/** Formats bundled scenarios as a two-column table of id and title. Pure. */
export function formatScenarioTable(scenarios: readonly { readonly id: string; readonly title: string | undefined }[]): string {
  if (scenarios.length === 0) return 'no bundled scenarios';
  const width = Math.max(2, ...scenarios.map((s) => s.id.length));
  const rows = scenarios.map((s) => `${s.id.padEnd(width)}  ${s.title ?? ''}`.trimEnd());
  return [`${'ID'.padEnd(width)}  TITLE`, ...rows].join('\n');
}

/** Registers `scenarios`. */
export function register(program: Command): void {
  program
    .command('scenarios')
    .description('list the bundled scenarios')
    .option('--json', 'print [{ id, file, title, description }] as JSON')
    .action(async (options: { readonly json?: boolean }) => {
      const { listBundledScenarios } = await import('../../model/source.js');
      const scenarios = listBundledScenarios();
      out(options.json ? JSON.stringify(scenarios, null, 2) : formatScenarioTable(scenarios));
    });
}
