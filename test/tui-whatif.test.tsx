/**
 * What-if in the replay: the reducer's new actions (fixes pane, apply request, re-run answers,
 * undo, statement cursor and toggles) on the hand-made fixtures, the keys, and frames of real
 * runs where the fixes and the diff are computed with the engine, then rendered.
 */
import { renderToString } from 'ink';
import { stripVTControlCharacters } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMemo } from '../engine/policy/authorize.js';
import { proposeFixes, type VerifiedFix } from '../engine/analysis/diagnose.js';
import { applyPatch } from '../engine/analysis/patch.js';
import { simulate } from '../engine/execution/simulate.js';
import type { SimulationResult } from '../engine/types.js';
import { diffResults } from '../engine/analysis/whatif.js';
import type { Scenario } from '../model/schema.js';
import { loadScenarioFile } from '../model/source.js';
import { App, engineRunner, type WhatIfRunner } from '../tui/replay/app.js';
import { detailView } from '../tui/replay/detail.js';
import { currentRun, initReplay, replayReducer, scrollToShow, selectedEvent, type ReplayAction, type ReplayState } from '../tui/replay/reducer.js';
import { createTheme } from '../tui/replay/theme.js';
import { keyToCommand } from '../tui/replay/use-replay-input.js';
import { changedSeqs, outcomeChange, relocateSeq, togglePatch, type StatementTarget } from '../tui/replay/what-if.js';
import { failingResult, FIXTURE, fixtureScenario, succeedingResult } from './tui-fixtures.js';

const mono = createTheme({ color: false });
const run = (state: ReplayState, ...actions: ReplayAction[]) => actions.reduce(replayReducer, state);
const seqOf = (state: ReplayState) => selectedEvent(state)?.seq;
const opening = () => initReplay(failingResult, { scenario: fixtureScenario });

/** A fix as `proposeFixes` would give it, for the fixture's bucket-policy Deny. */
const removeDeny: VerifiedFix = {
  id: 'remove-deny',
  group: 'deny',
  target: 'deny',
  description: 'bucket policy of `artifacts-111111111111-us-east-1`: remove statement `DenyProdReads`',
  patch: [{ op: 'remove', path: '/buckets/0/policy/Statement/1' }],
  outcome: { status: 'Succeeded', firstDenial: null, issues: [] },
};
const narrowDeny: VerifiedFix = {
  ...removeDeny,
  id: 'narrow-deny',
  group: 'narrow',
  description: 'bucket policy: narrow `DenyProdReads` to other principals',
  patch: [{ op: 'replace', path: '/buckets/0/policy/Statement/1/Principal', value: { AWS: '*' } }],
  outcome: { status: 'Failed', firstDenial: { seq: 14, stage: 'DeployProd', action: 'Smoke', operation: 'lambda:InvokeFunction', principal: FIXTURE.PIPELINE_ROLE, resource: 'fn', category: 'KEY_POLICY' as const }, issues: [] },
};

/** The statements the detail pane shows for the selected event, as the app computes them. */
function targetsOf(state: ReplayState): readonly StatementTarget[] {
  const r = currentRun(state);
  return detailView({ result: r.result, scenario: r.scenario ?? fixtureScenario, event: selectedEvent(state), width: 80, removed: r.removed, cursor: state.statementCursor, showCursor: state.focus === 'detail' }).targets;
}

describe('fixes pane', () => {
  it('x opens the pane on the first denial and asks for the fixes', () => {
    // Given the replay moved off the denial
    const state = run(opening(), { type: 'jump-to-start' });
    // When x is pressed
    const open = run(state, { type: 'fixes-open' });
    // Then the pane is open, the cursor is back on the denial, and the effect is asked for the fixes
    expect(open.fixes).toEqual({ selected: 0 });
    expect(seqOf(open)).toBe(11);
    expect(open.pending).toMatchObject({ kind: 'fixes', id: 1, scenario: fixtureScenario, result: failingResult });
    expect(open.nextRequest).toBe(2);
  });

  it('keeps the fixes found and ignores an answer to another request', () => {
    const open = run(opening(), { type: 'fixes-open' });
    expect(run(open, { type: 'fixes-found', id: 7, fixes: [removeDeny] })).toBe(open);
    const found = run(open, { type: 'fixes-found', id: 1, fixes: [removeDeny, narrowDeny] });
    expect(found.pending).toBeNull();
    expect(currentRun(found).fixes).toEqual([removeDeny, narrowDeny]);
    // Closed and opened again: no second request, the fixes are the run's.
    const again = run(found, { type: 'fixes-close' }, { type: 'fixes-open' });
    expect(again.fixes).toEqual({ selected: 0 });
    expect(again.pending).toBeNull();
  });

  it('chooses with ↑/↓ within the list', () => {
    const found = run(opening(), { type: 'fixes-open' }, { type: 'fixes-found', id: 1, fixes: [removeDeny, narrowDeny] });
    expect(run(found, { type: 'fixes-move', delta: 1 }).fixes).toEqual({ selected: 1 });
    expect(run(found, { type: 'fixes-move', delta: 5 }).fixes).toEqual({ selected: 1 });
    expect(run(found, { type: 'fixes-move', delta: -1 }).fixes).toEqual({ selected: 0 });
  });

  it('has nothing to fix in a run that succeeded, and nothing to re-run without a scenario', () => {
    const ok = run(initReplay(succeedingResult, { scenario: fixtureScenario }), { type: 'fixes-open' });
    expect(ok.fixes).toBeNull();
    expect(ok.pending).toBeNull();
    expect(ok.message).toBe('nothing to fix: the run succeeded');
    const bare = run(initReplay(failingResult), { type: 'fixes-open' });
    expect(bare.pending).toBeNull();
    expect(bare.message).toBe('no scenario to re-run');
  });

  it('Enter asks for the chosen fix to be applied and closes the pane', () => {
    const chosen = run(opening(), { type: 'fixes-open' }, { type: 'fixes-found', id: 1, fixes: [removeDeny, narrowDeny] }, { type: 'fixes-move', delta: 1 });
    const applying = run(chosen, { type: 'fixes-apply' });
    expect(applying.fixes).toBeNull();
    expect(applying.pending).toEqual({
      kind: 'apply',
      id: 2,
      scenario: fixtureScenario,
      result: failingResult,
      patch: narrowDeny.patch,
      change: { kind: 'fix', description: narrowDeny.description, patch: narrowDeny.patch },
      removed: [],
    });
    // One request at a time: the fixes can be looked at again, but Enter and u wait for the re-run.
    const looking = run(applying, { type: 'fixes-open' });
    expect(looking.fixes).toEqual({ selected: 0 });
    expect(run(looking, { type: 'fixes-apply' }).message).toMatch(/^re-running… wait/);
    expect(run(looking, { type: 'fixes-apply' }).pending).toBe(applying.pending);
    expect(run(applying, { type: 'undo' }).message).toMatch(/^re-running… wait/);
  });
});

describe('re-run answers and undo', () => {
  const applying = () => run(opening(), { type: 'fixes-open' }, { type: 'fixes-found', id: 1, fixes: [removeDeny] }, { type: 'fixes-apply' });
  const diff = diffResults(failingResult, succeedingResult);

  it('rerun-finished shows the new run with its diff, on the same call', () => {
    // Given a fix being applied while the cursor is on the denied call (#11)
    const state = applying();
    // When the effect answers with the new run
    const after = run(state, { type: 'rerun-finished', id: 2, scenario: fixtureScenario, result: succeedingResult, diff });
    // Then the replay shows the new run, its diff, and the same call, now allowed
    expect(after.pending).toBeNull();
    expect(after.runs).toHaveLength(2);
    expect(currentRun(after)).toMatchObject({ result: succeedingResult, diff, change: { kind: 'fix', description: removeDeny.description } });
    expect(after.events).toBe(succeedingResult.events);
    expect(after.firstDenialSeq).toBeNull();
    expect(seqOf(after)).toBe(11);
    expect(selectedEvent(after)).toMatchObject({ operation: 's3:GetObject', decision: 'Allowed' });
    // The call that changed decision is marked by its seq in the new run; the calls reached only now by theirs.
    expect(changedSeqs(diff).get(11)).toMatchObject({ kind: 'decision', before: 'ExplicitlyDenied', after: 'Allowed' });
    expect(outcomeChange(diff)).toBe('Failed → Succeeded');
    // A late answer to the same request changes nothing.
    expect(run(after, { type: 'rerun-finished', id: 2, scenario: fixtureScenario, result: failingResult, diff })).toBe(after);
  });

  it('rerun-failed says why and leaves the run as it was', () => {
    const failed = run(applying(), { type: 'rerun-failed', id: 2, message: 'cannot apply the change: /0: no such path' });
    expect(failed.pending).toBeNull();
    expect(failed.runs).toHaveLength(1);
    expect(failed.message).toBe('cannot apply the change: /0: no such path');
  });

  it('u goes back to the run before, on the same call', () => {
    const after = run(applying(), { type: 'rerun-finished', id: 2, scenario: fixtureScenario, result: succeedingResult, diff }, { type: 'step-forward' });
    expect(seqOf(after)).toBe(12);
    const undone = run(after, { type: 'undo' });
    expect(undone.runs).toHaveLength(1);
    expect(currentRun(undone).result).toBe(failingResult);
    expect(undone.firstDenialSeq).toBe(11);
    expect(seqOf(undone)).toBe(12);
    expect(undone.message).toBe(`undone: ${removeDeny.description}`);
    // The fixes found for the first run are still there.
    expect(currentRun(undone).fixes).toEqual([removeDeny]);
    expect(run(undone, { type: 'undo' }).message).toBe('nothing to undo');
  });

  it('relocates by call identity, not by seq', () => {
    // #11 is the deploy role's GetObject in both runs; an event with no match falls back to its seq.
    expect(relocateSeq(failingResult.events, succeedingResult.events, 11)).toBe(11);
    expect(relocateSeq(failingResult.events, succeedingResult.events, 13)).toBe(13);
    const shifted = succeedingResult.events.map((e) => ({ ...e, seq: e.seq + 100 }));
    expect(relocateSeq(failingResult.events, shifted, 10)).toBe(110);
  });
});

describe('statements', () => {
  const detailFocus = () => run(opening(), { type: 'focus-next' });

  it('finds the statements of the shown documents by their JSON Pointers', () => {
    const targets = targetsOf(detailFocus());
    // The denial at #11 shows the bucket policy: AllowProdRead (0) and the deciding DenyProdReads (1).
    expect(targets.map((t) => [t.document, t.at, t.sid, t.off])).toEqual([
      ['/buckets/0/policy', 0, 'AllowProdRead', false],
      ['/buckets/0/policy', 1, 'DenyProdReads', false],
    ]);
  });

  it('moves the statement cursor and scrolls it into view', () => {
    const state = detailFocus();
    const places = targetsOf(state);
    const moved = run(state, { type: 'move-statement', delta: 1, places, rows: 3, max: 40 });
    expect(moved.statementCursor).toEqual({ document: '/buckets/0/policy', at: 1 });
    expect(moved.detailScroll).toBe(scrollToShow(0, places[1]!.start, places[1]!.end, 3, 40));
    expect(moved.detailScroll).toBeGreaterThan(0);
    expect(run(moved, { type: 'move-statement', delta: 1, places, rows: 3, max: 40 }).statementCursor).toEqual({ document: '/buckets/0/policy', at: 1 });
    expect(run(moved, { type: 'move-statement', delta: -1, places, rows: 40, max: 40 }).statementCursor).toEqual({ document: '/buckets/0/policy', at: 0 });
  });

  it('space asks for the statement to be removed, and put back once it is off', () => {
    // Given the cursor on DenyProdReads
    const state = detailFocus();
    const target = targetsOf(state)[1]!;
    const { start: _s, end: _e, ...deny } = target;
    // When it is toggled
    const off = run(state, { type: 'toggle-statement', target: deny });
    // Then a patch removing it (after checking it is still there) is requested
    expect(off.pending).toMatchObject({
      kind: 'apply',
      id: 1,
      patch: [
        { op: 'test', path: '/buckets/0/policy/Statement/1', value: target.statement },
        { op: 'remove', path: '/buckets/0/policy/Statement/1' },
      ],
      change: { kind: 'statement-off', description: 'statement 1 DenyProdReads of bucket policy of artifacts-111111111111-us-east-1 off' },
    });
    expect(off.pending?.kind === 'apply' && off.pending.removed).toEqual([
      { document: '/buckets/0/policy', title: 'bucket policy of artifacts-111111111111-us-east-1', at: 1, statement: target.statement, call: expect.stringContaining('s3:GetObject') },
    ]);
    expect(off.statementCursor).toEqual({ document: '/buckets/0/policy', at: 1 });
    // And once the re-run is in, it is drawn off and space puts it back with an add at its place
    const patched = applyPatch(fixtureScenario, off.pending?.kind === 'apply' ? off.pending.patch : []);
    if (!patched.success) throw new Error('the toggle patch does not apply');
    const rerun = run(off, { type: 'rerun-finished', id: 1, scenario: patched.data, result: succeedingResult, diff: diffResults(failingResult, succeedingResult) });
    expect(currentRun(rerun).removed).toHaveLength(1);
    const back = targetsOf(rerun).find((t) => t.sid === 'DenyProdReads');
    expect(back).toMatchObject({ off: true, at: 1, document: '/buckets/0/policy' });
    const { start: _s2, end: _e2, ...offTarget } = back!;
    const on = run(rerun, { type: 'toggle-statement', target: offTarget });
    expect(on.pending).toMatchObject({ kind: 'apply', patch: [{ op: 'add', path: '/buckets/0/policy/Statement/1', value: target.statement }], change: { kind: 'statement-on' }, removed: [] });
  });

  it('counts the statements toggled off before a place when it patches', () => {
    const base = { document: '/roles/0/inlinePolicies/P', title: 'inline policy P', single: false, statement: { Effect: 'Allow' } };
    // Statements 1 and 3 (as drawn) are off: drawn 4 is live index 2, drawn 2 is live index 1.
    const removed = [1, 3].map((at) => ({ document: base.document, title: base.title, at, statement: {}, call: '' }));
    expect(togglePatch({ ...base, at: 4, off: false }, removed, '').change.patch.at(-1)).toEqual({ op: 'remove', path: '/roles/0/inlinePolicies/P/Statement/2' });
    expect(togglePatch({ ...base, at: 3, off: true }, removed, '').change.patch).toEqual([{ op: 'add', path: '/roles/0/inlinePolicies/P/Statement/2', value: base.statement }]);
    // Another document's removals do not count.
    expect(togglePatch({ ...base, document: '/keys/0/policy', at: 4, off: false }, removed, '').change.patch.at(-1)).toEqual({ op: 'remove', path: '/keys/0/policy/Statement/4' });
    // A lone statement object becomes an empty list.
    expect(togglePatch({ ...base, at: 0, off: false, single: true }, [], '').change.patch.at(-1)).toEqual({ op: 'replace', path: '/roles/0/inlinePolicies/P/Statement', value: [] });
  });
});

describe('what-if keys', () => {
  const ctx = { detailMax: 30, detailPage: 10, tracePage: 8 };
  const trace = { prompt: null, help: false, focus: 'trace' as const, fixes: null, statementCursor: null };

  it('x opens the fixes, u undoes; the fixes pane holds ↑↓, Enter and Esc', () => {
    expect(keyToCommand('x', {}, trace, ctx)).toEqual({ type: 'fixes-open' });
    expect(keyToCommand('u', {}, trace, ctx)).toEqual({ type: 'undo' });
    const pane = { ...trace, fixes: { selected: 0 } };
    expect(keyToCommand('', { downArrow: true }, pane, ctx)).toEqual({ type: 'fixes-move', delta: 1 });
    expect(keyToCommand('k', {}, pane, ctx)).toEqual({ type: 'fixes-move', delta: -1 });
    expect(keyToCommand('', { return: true }, pane, ctx)).toEqual({ type: 'fixes-apply' });
    expect(keyToCommand('', { escape: true }, pane, ctx)).toEqual({ type: 'fixes-close' });
    expect(keyToCommand('x', {}, pane, ctx)).toEqual({ type: 'fixes-close' });
    expect(keyToCommand('d', {}, pane, ctx)).toBeNull();
    expect(keyToCommand('q', {}, pane, ctx)).toEqual({ type: 'quit' });
  });

  it('in the detail pane, ↑↓ jk move the statement cursor and space toggles the statement under it', () => {
    const state = run(opening(), { type: 'focus-next' });
    const statements = targetsOf(state);
    const detail = { ...trace, focus: 'detail' as const };
    const withStatements = { ...ctx, statements, detailRows: 12 };
    expect(keyToCommand('j', {}, detail, withStatements)).toEqual({ type: 'move-statement', delta: 1, places: statements, rows: 12, max: 30 });
    expect(keyToCommand('', { upArrow: true }, detail, withStatements)).toMatchObject({ type: 'move-statement', delta: -1 });
    const { start: _s, end: _e, ...second } = statements[1]!;
    expect(keyToCommand(' ', {}, { ...detail, statementCursor: { document: '/buckets/0/policy', at: 1 } }, withStatements)).toEqual({ type: 'toggle-statement', target: second });
    // Without statements j scrolls and space plays, as before; in the trace space still plays.
    expect(keyToCommand('j', {}, detail, ctx)).toEqual({ type: 'scroll-detail', delta: 1, max: 30 });
    expect(keyToCommand(' ', {}, trace, withStatements)).toEqual({ type: 'toggle-play' });
  });
});

// ---------------------------------------------------------------------------
// Frames of real runs: fixes and diffs computed with the engine, then rendered.
// ---------------------------------------------------------------------------

/** A runner that never answers: frames show the state the actions left. */
const idle: WhatIfRunner = { fixes: () => new Promise(() => undefined), rerun: () => new Promise(() => undefined) };

function frame(result: SimulationResult, scenario: Scenario, columns: number, rows: number, actions: readonly ReplayAction[]): string {
  return stripVTControlCharacters(renderToString(<App result={result} scenario={scenario} columns={columns} rows={rows} theme={mono} actions={actions} whatIf={idle} />, { columns }));
}

const linesOf = (text: string) => text.split('\n');

function expectFits(text: string, columns: number, rows: number) {
  const lines = linesOf(text);
  expect(lines.length).toBe(rows);
  for (const l of lines) expect([...l].length).toBeLessThanOrEqual(columns);
}

describe('what-if frames (real runs)', () => {
  const ID = 'checklist/1-action-role-trusts-pipeline-role';
  let scenario: Scenario;
  let before: SimulationResult;
  let fixes: readonly VerifiedFix[];
  let patched: Scenario;
  let after: SimulationResult;

  beforeAll(async () => {
    const loaded = await loadScenarioFile(ID);
    if (!loaded.success) throw new Error(`${ID} does not load`);
    scenario = loaded.data;
    const memo = createMemo();
    before = await simulate(scenario, { memo });
    fixes = await proposeFixes(scenario, before, { memo });
    const applied = applyPatch(scenario, fixes[0]?.patch ?? []);
    if (!applied.success) throw new Error('the first fix does not apply');
    patched = applied.data;
    after = await simulate(patched, { memo });
  });

  /** x, the fixes found (request 1), Enter (request 2), the re-run's answer. */
  const applyFirst = (): readonly ReplayAction[] => [
    { type: 'fixes-open' },
    { type: 'fixes-found', id: 1, fixes },
    { type: 'fixes-apply' },
    { type: 'rerun-finished', id: 2, scenario: patched, result: after, diff: diffResults(before, after) },
  ];

  it('lists the verified fixes of the first denial, at 80 and 120 columns', () => {
    const fd = before.firstDenial;
    expect(before.status).toBe('Failed');
    expect(fixes.length).toBeGreaterThan(0);
    for (const columns of [80, 120]) {
      const text = frame(before, scenario, columns, 32, [{ type: 'fixes-open' }, { type: 'fixes-found', id: 1, fixes }]);
      expectFits(text, columns, 32);
      expect(text).toContain(`─ fixes for #${fd?.seq} ${fd?.operation} · 1/${fixes.length} · Enter apply · Esc close`);
      // The chosen fix: its description, where the run gets after it, its patch.
      expect(text).toMatch(/› 1\. trust policy of `StagingDeployRole`: allow/);
      expect(text).toMatch(/after: ✔ Succeeded/);
      expect(text).toMatch(/patch: add \/roles\/\d+\/trustPolicy\/Statement\/-/);
      // The trace stays above, on the denial.
      expect(text).toMatch(new RegExp(`›✖\\s+${fd?.seq}\\s+✖ ${fd?.operation}`));
      expect(linesOf(text).at(-1)).toMatch(/^↑↓ choose · Enter apply and re-run · Esc close/);
    }
  });

  it('says it is working while the fixes are found and while the scenario re-runs', () => {
    const finding = frame(before, scenario, 80, 32, [{ type: 'fixes-open' }]);
    expect(finding).toContain('finding fixes… each candidate is applied to a copy and simulated');
    const rerunning = frame(before, scenario, 80, 32, applyFirst().slice(0, 3));
    expect(linesOf(rerunning).at(-1)).toMatch(/^re-running… trust policy of `StagingDeployRole`/);
  });

  it('replays the run after the fix: the status change in the header, changed calls marked, at 80 and 120 columns', () => {
    const diff = diffResults(before, after);
    const denied = before.firstDenial?.seq;
    const decisions = diff.changes.filter((c) => c.kind === 'decision');
    expect(after.status).toBe('Succeeded');
    expect(decisions.length).toBeGreaterThan(0);
    for (const columns of [80, 120]) {
      const text = frame(before, scenario, columns, 32, applyFirst());
      expectFits(text, columns, 32);
      expect(linesOf(text)[0]).toContain('✔ Succeeded');
      expect(linesOf(text)[1]).toMatch(/^applied: trust polic.* — Failed → Succeeded · △ \d+ changed · \+ \d+ reached · u undo/);
      expect(linesOf(text)[1]).toContain(`△ ${decisions.length} changed`);
      // The call that was the first denial, now allowed, marked △ under the cursor; calls reached only now marked +.
      expect(text).toMatch(new RegExp(`› △\\s+${denied}\\s+✔ sts:AssumeRole`));
      expect(text).toMatch(/(^|│) {2}\+\s+\d+\s+✔ /m);
      expect(text).toMatch(/before {4}✖ ImplicitlyDenied \[TRUST_POLICY\] {2}△ changed by trust policy of/);
    }
  });

  it('undoes the fix: the failing run, no what-if line', () => {
    const undone = frame(before, scenario, 80, 32, [...applyFirst(), { type: 'undo' }]);
    expect(linesOf(undone).slice(0, -1)).toEqual(linesOf(frame(before, scenario, 80, 32, [])).slice(0, -1));
    expect(linesOf(undone)[0]).toContain('✖ Failed');
    expect(linesOf(undone).at(-1)).toMatch(/^undone: trust policy of `StagingDeployRole`/);
  });

  it('toggles a statement off from the detail pane: the run re-runs, the statement is drawn struck under the cursor', async () => {
    // Given the SCP change freeze's Deny deciding the first denial, the detail pane focused
    const loaded = await loadScenarioFile('denials/scp-change-freeze');
    if (!loaded.success) throw new Error('denials/scp-change-freeze does not load');
    const freeze = loaded.data;
    const runner = engineRunner(createMemo());
    const result = await simulate(freeze);
    expect(result.firstDenial).toMatchObject({ decision: 'ExplicitlyDenied', category: 'EXPLICIT_DENY' });
    const actions: ReplayAction[] = [{ type: 'focus-next' }];
    let state = run(initReplay(result, { scenario: freeze }), ...actions);
    const deny = targetsOf(state).find((t) => t.sid === 'DenyCloudFormationDuringFreeze');
    expect(deny).toMatchObject({ document: expect.stringMatching(/^\/organization\/policies\/\d+\/document$/), off: false });
    // When space is pressed on it, and the effect's work is done with the engine
    const { start: _s, end: _e, ...target } = deny!;
    actions.push({ type: 'toggle-statement', target });
    state = run(state, { type: 'toggle-statement', target });
    const p = state.pending;
    if (p?.kind !== 'apply') throw new Error('no re-run requested');
    const rerun = await runner.rerun(p.scenario, p.patch);
    if (!rerun.success) throw new Error(rerun.message);
    actions.push({ type: 'rerun-finished', id: p.id, scenario: rerun.scenario, result: rerun.result, diff: diffResults(p.result, rerun.result) });
    // Then the call gets through, marked △, and the Deny is drawn off (struck) where it stood, the cursor on it
    for (const columns of [80, 120]) {
      const text = frame(result, freeze, columns, 40, actions);
      expectFits(text, columns, 40);
      expect(linesOf(text)[1]).toMatch(/^applied: statement 0 .* — Failed → Succeeded · △ 1 changed/);
      if (columns === 120) expect(linesOf(text)[1]).toContain('applied: statement 0 DenyCloudFormationDuringFreeze of SCP');
      expect(text).toMatch(new RegExp(`(^|│)› △\\s+${result.firstDenial?.seq}\\s+✔ `, 'm'));
      expect(text).toContain('decision  ✔ Allowed');
      expect(text).toMatch(/toggled off in SCP ProdChangeFreeze/);
      expect(text).toMatch(/-› {2}off \{"Sid":"DenyCloudFormationDuringFreeze"/);
      expect(linesOf(text).at(-1)).toMatch(/^↑↓ jk statement · space toggle it off\/on/);
    }
    // And space again puts it back: the patch adds it at its place
    const back = run(run(initReplay(result, { scenario: freeze }), ...actions), { type: 'toggle-statement', target: { ...target, off: true } });
    expect(back.pending).toMatchObject({ kind: 'apply', patch: [{ op: 'add', path: `${target.document}/Statement/0`, value: target.statement }], removed: [] });
  });
});
