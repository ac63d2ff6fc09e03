#!/usr/bin/env node
/**
 * The `pipesim` command line: a thin registry. Each command lives in `tui/commands/<name>.ts`
 * and exports `register(program)`; add one line to COMMANDS to add a command.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../model/package-root.js';
import { type CommandModule, createProgram, runProgram } from './cli-support.js';

const COMMANDS: readonly CommandModule[] = [
  await import('./commands/validate.js'),
  await import('./commands/scenarios.js'),
  await import('./commands/lint.js'),
  await import('./commands/run.js'),
  await import('./commands/diagnose.js'),
  await import('./commands/fix.js'),
  await import('./commands/whatif.js'),
  await import('./commands/import.js'),
  await import('./commands/drill.js'),
];

const version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { readonly version: string }).version;
const program = createProgram(version);
for (const command of COMMANDS) command.register(program);
await runProgram(program, process.argv, async () => (await import('./commands/home.js')).home());
