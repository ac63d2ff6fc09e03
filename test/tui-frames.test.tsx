/**
 * Frames of the replay, rendered with Ink's `renderToString` from hand-made results and from
 * real runs; assertions are on the text (ANSI stripped).
 */
import { renderToString } from 'ink';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { simulate } from '../engine/execution/simulate.js';
import type { SimulationResult } from '../engine/types.js';
import type { Scenario } from '../model/schema.js';
import { loadScenarioFile } from '../model/source.js';
import { Picker } from '../tui/picker/app.js';
import { App } from '../tui/replay/app.js';
import type { ReplayAction } from '../tui/replay/reducer.js';
import { colorFromEnv, createTheme } from '../tui/replay/theme.js';
import { failingResult, fixtureScenario, invalidResult, succeedingResult } from './tui-fixtures.js';

const mono = createTheme({ color: false });

function frame(result: SimulationResult, options: { readonly columns?: number; readonly rows?: number; readonly actions?: readonly ReplayAction[]; readonly scenario?: Scenario } = {}): string {
  const columns = options.columns ?? 80;
  const rows = options.rows ?? 30;
  const out = renderToString(<App result={result} scenario={options.scenario ?? fixtureScenario} columns={columns} rows={rows} theme={mono} actions={options.actions ?? []} />, { columns });
  return stripVTControlCharacters(out);
}

const linesOf = (text: string) => text.split('\n');
/** The trace row the cursor is on. */
const cursorRow = (text: string) => linesOf(text).find((l) => /^›.\s*\d+ /.test(l)) ?? '';

function expectFits(text: string, columns: number, rows: number) {
  const lines = linesOf(text);
  expect(lines.length).toBe(rows);
  for (const l of lines) expect([...l].length).toBeLessThanOrEqual(columns);
}

describe('replay frames (fixtures)', () => {
  it('opens on the first denial with the deciding statement inside its bucket policy, at 80 columns', () => {
    const text = frame(failingResult);
    expectFits(text, 80, 30);
    // The header and the trace mark the first denial.
    expect(linesOf(text)[0]).toContain('✖ Failed');
    expect(linesOf(text)[0]).toContain('✖ first denial #11 s3:GetObject [EXPLICIT_DENY]');
    expect(cursorRow(text)).toMatch(/^›✖\s+11\s+✖ s3:GetObject/);
    // The map: stages, actions, account names and regions, status glyphs as of the cursor.
    expect(text).toMatch(/✔ Source\s+✔ Fetch tooling us-east-1/);
    expect(text).toMatch(/›✖ DeployProd\s+›✖ Deploy prod us-east-1\s+· Smoke tooling eu-west-1/);
    // The detail: decision, caller with session, resource, then the Deny inside its document.
    expect(text).toContain('decision  ✖ ExplicitlyDenied [EXPLICIT_DENY]  ✖ first denial');
    expect(text).toContain('caller    arn:aws:iam::444444444444:role/ProdDeployRole (prod)');
    expect(text).toContain('session   assumed-role/ProdDeployRole/codepipeline-00000000');
    expect(text).toContain('denied by bucket policy of artifacts-111111111111-us-east-1');
    expect(text).toContain('{ "Version": "2012-10-17", "Statement": [');
    // The allowing statement 0 is folded; the deciding statement 1 is shown in full behind ▶.
    expect(text).toMatch(/^ {4}\{"Sid":"AllowProdRead"/m);
    expect(text).toMatch(/^▶ {5}"Sid": "DenyProdReads",$/m);
    expect(text).toMatch(/^▶ {5}"Effect": "Deny",$/m);
  });

  it('shows the rest of the detail when scrolled: category, AWS message, CloudTrail', () => {
    const text = frame(failingResult, { rows: 60 });
    expect(text).toContain('category  EXPLICIT_DENY: a Deny in an identity policy');
    expect(text).toMatch(/AWS says {2}User: arn:aws:sts::444444444444:assumed-role\/ProdDeployRole/);
    expect(text).toContain('CloudTrail (1)');
    expect(text).toMatch(/tooling 111111111111 us-east-1 s3\.amazonaws\.com GetObject AccessDenied/);
    const scrolled = frame(failingResult, { actions: [{ type: 'focus-next' }, { type: 'scroll-detail', delta: 100, max: 100 }] });
    expect(scrolled).toContain('CloudTrail (1)');
    expect(scrolled).not.toContain('decision  ✖');
  });

  it('puts the map on the left at 120 columns', () => {
    const text = frame(failingResult, { columns: 120, rows: 32 });
    expectFits(text, 120, 32);
    expect(text).toMatch(/^─ pipeline fixture-pipeline\s+│─ trace · full · 12\/17/m);
    expect(text).toMatch(/^ {2}›✖ Deploy prod us-east-1\s+│/m);
    expect(text).toMatch(/│›✖\s+11\s+✖ s3:GetObject/);
    expect(text).toMatch(/│▶ {5}"Sid": "DenyProdReads",/);
  });

  it('steps back to an allowed call, then jumps to the denial again', () => {
    const back = frame(failingResult, { actions: [{ type: 'step-back' }] });
    expect(cursorRow(back)).toMatch(/^›\s+10\s+✔ sts:AssumeRole arn:aws:iam::444444444444:role\/ProdDeployRole/);
    expect(back).toContain('decision  ✔ Allowed');
    expect(back).toContain('allowed by inline policy PipelinePolicy of arn:aws:iam::111111111111:role/Pipeli');
    expect(back).toMatch(/^▶ {5}"Sid": "AssumeDeploy",$/m);
    // Both sides of the cross-account call: the trust policy follows, further down.
    expect(frame(failingResult, { rows: 60, actions: [{ type: 'step-back' }] })).toMatch(/^▶ {5}"Sid": "TrustPipelineRole",$/m);
    // The map is as of #10: the deploy action runs, the smoke test has not run.
    expect(back).toMatch(/›▸ Deploy prod us-east-1/);
    // The first denial keeps its mark while the cursor is elsewhere.
    expect(back).toMatch(/^ ✖\s+11\s+✖ s3:GetObject/m);
    const again = frame(failingResult, { actions: [{ type: 'step-back' }, { type: 'step-back' }, { type: 'jump-to-denial' }] });
    expect(again).toBe(frame(failingResult));
  });

  it('shows only the failures and their ancestors under the fails filter', () => {
    const text = frame(failingResult, { actions: [{ type: 'cycle-filter' }] });
    expect(text).toContain('─ trace · fails · 4/8 of 17');
    expect(cursorRow(text)).toMatch(/11\s+✖ s3:GetObject/);
    expect(text).not.toContain('variables #{SourceVariables');
    expect(text).not.toMatch(/\d+\s+stage Source\b/);
    expect(text).toContain('⟳ rollback (stage): stage failed with onFailure ROLLBACK');
    expect(text).toMatch(/\d+\s+action Deploy Failed/);
  });

  it('shows the help screen', () => {
    const text = frame(failingResult, { actions: [{ type: 'toggle-help' }] });
    expectFits(text, 80, 30);
    expect(text).toContain('jump to the first denial');
    expect(text).toContain('cycle the filter: full → fails → notes');
    expect(text).toContain('search (Enter jumps to the next match, Esc cancels)');
    expect(text).toContain('quit');
    expect(text).not.toContain('─ trace');
  });

  it('shows the search prompt and its result', () => {
    const typing = frame(failingResult, { actions: [{ type: 'search-open' }, { type: 'search-type', text: 'Smoke' }] });
    expect(linesOf(typing).at(-1)).toMatch(/^\/Smoke█ {3}Enter: next match {2}Esc: cancel/);
    const missing = frame(failingResult, { actions: [{ type: 'search-open' }, { type: 'search-type', text: 'nowhere' }, { type: 'search-submit' }] });
    expect(linesOf(missing).at(-1)).toMatch(/^no match for `nowhere`/);
  });

  it('replays a succeeding run: opens on the last event, every action green', () => {
    const text = frame(succeedingResult);
    expectFits(text, 80, 30);
    expect(linesOf(text)[0]).toContain('✔ Succeeded');
    expect(text).not.toContain('first denial');
    expect(cursorRow(text)).toMatch(/16\s+execution Succeeded/);
    expect(text).toMatch(/✔ DeployProd\s+✔ Deploy prod us-east-1\s+✔ Smoke tooling eu-west-1/);
    expect(text).toContain('status    ✔ Succeeded');
    const denial = frame(succeedingResult, { actions: [{ type: 'jump-to-denial' }] });
    expect(linesOf(denial).at(-1)).toMatch(/^no denial in this run/);
    const fails = frame(succeedingResult, { actions: [{ type: 'set-filter', filter: 'fails' }] });
    expect(fails).toContain('the fails view shows no events');
  });

  it('lists the issues of an Invalid run', () => {
    const text = frame(invalidResult);
    expect(linesOf(text)[0]).toContain('✖ Invalid');
    expect(text).toContain('✖ pipeline.pipeline.stages[1].actions[1].region: no artifact store for region');
    expect(text).toContain('`eu-west-1` [missing_region_artifact_store, MISSING_REGION_ARTIFACT_STORE]');
  });

  it('asks for a bigger terminal below 40×12', () => {
    expect(frame(failingResult, { columns: 30, rows: 10 })).toContain('pipesim needs at least 40×12');
  });

  it('honours NO_COLOR: the same text, no colour in the theme', () => {
    expect(colorFromEnv({ NO_COLOR: '1' })).toBe(false);
    expect(colorFromEnv({ NO_COLOR: '' })).toBe(true);
    expect(colorFromEnv({})).toBe(true);
    const colour = createTheme({ color: true });
    expect(colour.tone('deny').color).toBe('red');
    expect(mono.tone('deny').color).toBeUndefined();
    expect(mono.tone('allow').color).toBeUndefined();
    expect(mono.decision('ExplicitlyDenied').symbol).toBe('✖');
    const coloured = renderToString(<App result={failingResult} scenario={fixtureScenario} columns={80} rows={30} theme={colour} />, { columns: 80 });
    expect(stripVTControlCharacters(coloured)).toBe(frame(failingResult));
    const plain = renderToString(<App result={failingResult} scenario={fixtureScenario} columns={80} rows={30} theme={mono} />, { columns: 80 });
    expect(plain).not.toMatch(/\u001B\[3[0-9]m/);
  });
});

describe('picker frames', () => {
  const items = [
    { id: 'reference/four-accounts-two-regions', title: 'Reference: four accounts', description: 'the green reference topology' },
    { id: 'traps/1-key-policy-and-iam-must-agree', title: 'Trap 1: kms:Decrypt granted in IAM only', description: 'key policy and IAM must agree' },
    { id: 'traps/3-aws-managed-key', title: 'Trap 3: aws/s3', description: undefined },
  ];

  it('lists the scenarios with the selected one described', () => {
    const text = stripVTControlCharacters(renderToString(<Picker items={items} columns={80} rows={14} theme={mono} />, { columns: 80 }));
    expect(text).toContain('pick a scenario to replay  3/3');
    expect(text).toMatch(/^› reference\/four-accounts-two-regions\s+Reference: four accounts/m);
    expect(text).toContain('the green reference topology');
    expect(text).toContain('↑/↓ j/k move · Enter replay · / filter · q quit');
  });

  it('filters by typed words', () => {
    const text = stripVTControlCharacters(renderToString(<Picker items={items} columns={80} rows={14} theme={mono} actions={[{ type: 'filter-open' }, { type: 'filter-type', text: 'trap' }]} />, { columns: 80 }));
    expect(text).toContain('2/3');
    expect(text).toMatch(/^› traps\/1-key-policy-and-iam-must-agree/m);
    expect(text).not.toContain('reference/four');
  });
});

describe('replay frames (real runs)', () => {
  async function real(id: string) {
    const loaded = await loadScenarioFile(id);
    if (!loaded.success) throw new Error(`${id} does not load: ${loaded.issues.map((i) => i.message).join('; ')}`);
    return { scenario: loaded.data, result: await simulate(loaded.data) };
  }

  it('opens a failing bundled scenario on its first denial, at 80 and 120 columns', async () => {
    const { scenario, result } = await real('traps/1-key-policy-and-iam-must-agree');
    expect(result.status).toBe('Failed');
    const fd = result.firstDenial;
    expect(fd).not.toBeNull();
    for (const columns of [80, 120]) {
      const text = frame(result, { scenario, columns, rows: 34 });
      expectFits(text, columns, 34);
      expect(text).toContain(`✖ first denial #${fd?.seq} ${fd?.operation}`);
      expect(text).toMatch(new RegExp(`›✖\\s+${fd?.seq}\\s+✖ ${fd?.operation}`));
      expect(text).toContain(`decision  ✖ ${fd?.decision}`);
      // An implicit denial names the documents that lack an allow and shows them.
      expect(text).toContain('no allow in: key policy');
      expect(text).toMatch(/key policy of arn:aws:kms:/);
    }
  });

  it('replays the reference scenario', async () => {
    const { scenario, result } = await real('reference/four-accounts-two-regions');
    const text = frame(result, { scenario, columns: 100, rows: 34 });
    expectFits(text, 100, 34);
    expect(text).toContain(`─ pipeline ${scenario.pipeline.pipeline.name}`);
    for (const stage of scenario.pipeline.pipeline.stages) expect(text).toContain(stage.name);
  });
});
