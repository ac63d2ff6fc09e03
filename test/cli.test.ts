// The CLI's shared edge: issue lines, exit codes for usage errors and for bugs.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProgram, formatIssue, runProgram } from '../tui/cli-support.js';
import { formatScenarioTable } from '../tui/commands/scenarios.js';

describe('formatIssue', () => {
  it('prints file:line:column: severity: path: message [code]', () => {
    expect(formatIssue({ code: 'unknown_role', path: 'pipeline.pipeline.roleArn', message: 'pipeline service role `x` is not declared in `roles`', file: 'a.yaml', line: 3, column: 14, severity: 'error' })).toBe(
      'a.yaml:3:14: error: pipeline.pipeline.roleArn: pipeline service role `x` is not declared in `roles` [unknown_role]',
    );
    expect(formatIssue({ code: 'empty_document', path: '', message: 'the document is empty' }, 'b.yaml')).toBe('b.yaml:1:1: error: the document is empty [empty_document]');
  });
});

describe('formatScenarioTable', () => {
  it('aligns ids and titles', () => {
    expect(formatScenarioTable([{ id: 'a/long-id', title: 'First' }, { id: 'b', title: undefined }])).toBe('ID         TITLE\na/long-id  First\nb');
    expect(formatScenarioTable([])).toBe('no bundled scenarios');
  });
});

describe('runProgram', () => {
  let stderr: string[];
  let savedExitCode: typeof process.exitCode;
  beforeEach(() => {
    stderr = [];
    savedExitCode = process.exitCode;
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = savedExitCode;
  });

  const programWith = (action: () => void) => {
    const program = createProgram('0.0.0');
    program.command('boom').action(action);
    return program;
  };

  it('an exception in a command exits 70 with a one-line bug report and no stack', async () => {
    delete process.env.PIPESIM_DEBUG;
    await runProgram(programWith(() => { throw new Error('kaboom\nsecond line'); }), ['node', 'pipesim', 'boom'], async () => undefined);
    expect(process.exitCode).toBe(70);
    expect(stderr.join('')).toBe('internal error: kaboom (this is a bug: please report it)\n');
  });

  it('PIPESIM_DEBUG=1 adds the stack', async () => {
    process.env.PIPESIM_DEBUG = '1';
    try {
      await runProgram(programWith(() => { throw new Error('kaboom'); }), ['node', 'pipesim', 'boom'], async () => undefined);
    } finally {
      delete process.env.PIPESIM_DEBUG;
    }
    expect(process.exitCode).toBe(70);
    expect(stderr.join('')).toMatch(/\n\s+at /);
  });

  it('usage errors exit 2, help exits 0, no arguments runs the home screen', async () => {
    await runProgram(programWith(() => undefined), ['node', 'pipesim', 'nope'], async () => undefined);
    expect(process.exitCode).toBe(2);
    process.exitCode = undefined;
    await runProgram(programWith(() => undefined), ['node', 'pipesim', '--help'], async () => undefined);
    expect(process.exitCode).toBe(0);
    let home = false;
    await runProgram(programWith(() => undefined), ['node', 'pipesim'], async () => {
      home = true;
    });
    expect(home).toBe(true);
  });
});
