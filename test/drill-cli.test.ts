/**
 * `pipesim drill` as a user runs it, without a terminal: the scripted mode (--answer, --json,
 * the answer on standard input), the bank's progress-aware choice of the next drill, generated
 * drills by seed, the exit codes, and a corrupt progress file.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from './helpers/cli.js';

let cli: string;
let cleanup: () => void;
let config: string;

beforeAll(() => {
  ({ cli, cleanup } = buildCli());
  config = mkdtempSync(join(tmpdir(), 'pipesim-drill-cli-'));
}, 300_000);
afterAll(() => {
  cleanup?.();
  rmSync(config, { recursive: true, force: true });
});

const env = () => ({ XDG_CONFIG_HOME: config, NO_COLOR: '1' });
const DRILL = 'drills/trap-4-execution-role-trusts-pipeline';

describe('pipesim drill (scripted)', () => {
  it('exits 0 for the right answer and prints every choice simulated', async () => {
    const run = await runCli(cli, ['drill', DRILL, '--answer', 'b'], { env: env() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Your answer: B');
    expect(run.stdout).toContain('✔ Right: B meets the goal');
    expect(run.stdout).toMatch(/Symptom ✖ DeployDev\/Deploy fails: sts:AssumeRole by cloudformation\.amazonaws\.com denied \[SERVICE_ROLE_TRUST\]/);
    expect(run.stdout).toMatch(/✖ D {2}Remove RoleArn[\s\S]*rejected before it runs/);
    expect(run.stdout).toMatch(/Progress in roles: \d+\/\d+ right/);
  });

  it('exits 1 for a wrong answer; --json reports the verdicts and where the wrong choice still fails', async () => {
    const run = await runCli(cli, ['drill', DRILL, '--answer', 'A', '--json'], { env: env() });
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout) as { drill: string; correct: boolean; answer: string; rightAnswer: string; verdicts: { id: string; meetsGoal: boolean; reason: string; failingCall?: { operation: string; category: string } }[]; symptom: { category: string } };
    expect(json).toMatchObject({ drill: DRILL, correct: false, answer: 'A', rightAnswer: 'B', symptom: { category: 'SERVICE_ROLE_TRUST' } });
    expect(json.verdicts.map((c) => c.meetsGoal)).toEqual([false, true, false, false]);
    expect(json.verdicts[0]!.failingCall).toMatchObject({ operation: 'sts:AssumeRole', category: 'SERVICE_ROLE_TRUST' });
  });

  it('reads the answer from standard input', async () => {
    const run = await runCli(cli, ['drill', DRILL], { env: env(), stdin: 'B\n' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✔ Right');
  });

  it('exits 2 without an answer (printing the question), for an unknown choice, and for a scenario without a drill', async () => {
    const none = await runCli(cli, ['drill', DRILL], { env: env(), stdin: '' });
    expect(none.code).toBe(2);
    expect(none.stdout).toMatch(/^B {2}Make the trust policy/m);
    expect(none.stdout).not.toContain('Right');
    expect(none.stderr).toContain('answer with --answer <id>');
    const unknown = await runCli(cli, ['drill', DRILL, '--answer', 'E'], { env: env() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no choice `E`');
    const plain = await runCli(cli, ['drill', 'reference/four-accounts-two-regions', '--answer', 'A'], { env: env() });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('has no drill block');
    const both = await runCli(cli, ['drill', DRILL, '--random'], { env: env() });
    expect(both.code).toBe(2);
  });

  it('without a scenario takes the next bank drill not yet seen, and keeps progress per topic', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'pipesim-drill-bank-'));
    try {
      const first = await runCli(cli, ['drill', '--answer', 'A', '--json'], { env: { XDG_CONFIG_HOME: fresh } });
      const second = await runCli(cli, ['drill', '--answer', 'A', '--json'], { env: { XDG_CONFIG_HOME: fresh } });
      const a = JSON.parse(first.stdout) as { drill: string; source: string };
      const b = JSON.parse(second.stdout) as { drill: string };
      expect(a.source).toBe('bank');
      expect(a.drill).toMatch(/^drills\//);
      expect(b.drill).toMatch(/^drills\//);
      expect(b.drill).not.toBe(a.drill);
      const progress = JSON.parse(readFileSync(join(fresh, 'pipesim', 'progress.json'), 'utf8')) as { attempts: number; drills: Record<string, unknown>; topics: Record<string, { seen: number }> };
      expect(progress.attempts).toBe(2);
      expect(Object.keys(progress.drills).sort()).toEqual([a.drill, b.drill].sort());
      expect(Object.values(progress.topics).reduce((n, t) => n + t.seen, 0)).toBe(2);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('--random --seed gives a reproducible generated drill', async () => {
    const one = await runCli(cli, ['drill', '--random', '--seed', '12', '--answer', 'A', '--json'], { env: env() });
    const two = await runCli(cli, ['drill', '--seed', '12', '--answer', 'A', '--json'], { env: env() });
    const a = JSON.parse(one.stdout) as { seed: number; stem: string; choices: unknown; correct: boolean; rightAnswer: string; progress: unknown };
    const b = JSON.parse(two.stdout) as typeof a;
    expect(a.seed).toBeGreaterThanOrEqual(12);
    // The same drill, verdicts and all (only the progress moved on).
    expect({ ...b, progress: null }).toEqual({ ...a, progress: null });
    expect(one.code).toBe(a.correct ? 0 : 1);
    const bad = await runCli(cli, ['drill', '--seed', 'abc', '--answer', 'A'], { env: env() });
    expect(bad.code).toBe(2);
  });

  it('survives a corrupt progress file: keeps a backup, says so, starts fresh', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'pipesim-drill-corrupt-'));
    try {
      mkdirSync(join(broken, 'pipesim'), { recursive: true });
      writeFileSync(join(broken, 'pipesim', 'progress.json'), 'not json at all');
      const run = await runCli(cli, ['drill', DRILL, '--answer', 'B'], { env: { XDG_CONFIG_HOME: broken } });
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/progress file `.*` is corrupt .*kept it as `.*progress\.json\.corrupt-1` and started fresh/);
      expect(readFileSync(join(broken, 'pipesim', 'progress.json.corrupt-1'), 'utf8')).toBe('not json at all');
      expect(existsSync(join(broken, 'pipesim', 'progress.json'))).toBe(true);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
