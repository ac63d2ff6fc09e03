/**
 * Frames of the drill view, rendered with Ink's `renderToString` from a real drill of the bank:
 * the question (stem, symptom, choices) and the verdict (every choice simulated, the answer
 * first, the explanation). Assertions are on the text (ANSI stripped).
 */
import { renderToString } from 'ink';
import { stripVTControlCharacters } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDrillContext } from '../engine/drills/context.js';
import { evaluateDrill, type DrillVerdicts } from '../engine/drills/evaluate.js';
import { loadScenarioFile } from '../model/source.js';
import { DrillApp } from '../tui/drill/app.js';
import { drillReducer, initDrill, type DrillAction } from '../tui/drill/reducer.js';
import { drillKeyToCommand } from '../tui/drill/use-drill-input.js';
import { formatQuestion, formatVerdict, paragraphs } from '../tui/drill/view.js';
import { createTheme } from '../tui/replay/theme.js';

const mono = createTheme({ color: false });
let verdicts: DrillVerdicts;

beforeAll(async () => {
  const loaded = await loadScenarioFile('drills/faq-q5-self-approval');
  if (!loaded.success) throw new Error('drills/faq-q5-self-approval does not load');
  verdicts = await evaluateDrill(loaded.data, { context: createDrillContext() });
});

function frame(actions: readonly DrillAction[], columns = 100, rows = 36): string {
  return stripVTControlCharacters(renderToString(<DrillApp verdicts={verdicts} columns={columns} rows={rows} theme={mono} actions={actions} info={{ source: 'bank', topic: { seen: 3, correct: 2, streak: 1, bestStreak: 2 } }} />, { columns }));
}

const lines = (text: string) => text.split('\n');

describe('drill view frames', () => {
  it('shows the stem, the symptom and the four choices, with the cursor on the selected one', () => {
    // Given the question, with choice B selected
    const text = frame([{ type: 'select', id: 'b' }]);
    // Then the header names the drill and the progress of its topic
    expect(lines(text)[0]).toContain('pipesim drill drills/faq-q5-self-approval');
    expect(lines(text)[0]).toContain('approvals: 2/3 right, streak 1');
    // The stem, joined into one paragraph and wrapped
    expect(text).toContain('Developers in account 270315846932 use the PaymentsEngineer role');
    // The symptom: the call that should be denied is allowed, and by which statement
    expect(text).toMatch(/Symptom ! codepipeline:PutApprovalResult by PaymentsEngineer is allowed \(run Succeeded\)/);
    expect(text).toContain('allowed by identity policy PaymentsEngineerAccess statement OperatePaymentsPipeline');
    // Four choices, the cursor on B
    for (const id of ['A', 'B', 'C', 'D']) expect(text).toMatch(new RegExp(`^(› |  )${id}  `, 'm'));
    expect(text).toMatch(/^› B {2}Attach an SCP/m);
    expect(lines(text).at(-1)).toContain('Enter answer');
    // The frame fits
    expect(lines(text).length).toBe(36);
    for (const l of lines(text)) expect([...l].length).toBeLessThanOrEqual(100);
  });

  it('after a wrong answer, shows every choice simulated: the answer first, where the others fail, and why', () => {
    const text = frame([{ type: 'select', id: 'B' }, { type: 'submit' }], 100, 60);
    const flat = text.replace(/\s+/g, ' ');
    expect(text).toContain('✖ Wrong: you chose B; the answer is D.');
    // The right choice first, with why it meets the goal
    const right = text.indexOf('✔ D  Replace codepipeline:* in the PaymentsEngineer policy');
    expect(right).toBeGreaterThan(0);
    expect(text).toContain('(the answer)');
    expect(flat).toMatch(/PutApprovalResult by PaymentsEngineer is denied \[APPROVAL_PERMISSION\] while codepipeline:PutApprovalResult by ReleaseApprover stays allowed .* \(run Failed\)/);
    // The chosen wrong one, with the call that now fails for the release manager too
    expect(text).toContain('✖ B  Attach an SCP to the tooling account');
    expect(text).toContain('(your choice)');
    expect(flat).toMatch(/but so is codepipeline:PutApprovalResult by ReleaseApprover/);
    expect(flat).toMatch(/with an explicit deny in a service control policy/);
    // The resource-policy choice: the developer is still allowed
    expect(flat).toMatch(/✖ A Add a resource-based policy.*is still allowed/);
    // The explanation, with the domain-guide item
    expect(text).toContain('Why  (FAQ Q5: prevent a developer from approving their own change)');
    expect(flat).toContain('CodePipeline does not support resource-based policies');
    expect(lines(text).at(-1)).toContain('n next drill');
  });

  it('after the right answer says so', () => {
    const text = frame([{ type: 'select', id: 'd' }, { type: 'submit' }]);
    expect(text).toContain('✔ Right: D meets the goal, and no other choice does.');
  });

  it('scrolls the verdict in a short frame', () => {
    const top = frame([{ type: 'select', id: 'd' }, { type: 'submit' }], 80, 20);
    const down = frame([{ type: 'select', id: 'd' }, { type: 'submit' }, { type: 'scroll', delta: 1000 }], 80, 20);
    expect(lines(top).length).toBe(20);
    expect(top).toContain('✔ Right');
    expect(down).not.toContain('✔ Right');
    expect(down).toContain('Why');
  });
});

describe('drill reducer and keys', () => {
  it('moves within the choices, selects by letter, submits once', () => {
    const reduce = (s: ReturnType<typeof initDrill>, a: DrillAction) => drillReducer(verdicts, s, a);
    let s = initDrill();
    s = reduce(s, { type: 'move', delta: -1 });
    expect(s.cursor).toBe(0);
    s = reduce(s, { type: 'move', delta: 10 });
    expect(s.cursor).toBe(3);
    s = reduce(s, { type: 'select', id: 'x' });
    expect(s.cursor).toBe(3);
    s = reduce(s, { type: 'select', id: 'b' });
    expect(s.cursor).toBe(1);
    s = reduce(s, { type: 'submit' });
    expect(s).toMatchObject({ phase: 'verdict', answer: 'B' });
    // Once answered, the answer no longer changes
    expect(reduce(s, { type: 'select', id: 'a' })).toBe(s);
    expect(reduce(s, { type: 'submit' })).toBe(s);
  });

  it('maps keys to commands by phase', () => {
    expect(drillKeyToCommand('c', {}, { phase: 'question' }, 10)).toEqual({ type: 'select', id: 'c' });
    expect(drillKeyToCommand('', { return: true }, { phase: 'question' }, 10)).toEqual({ type: 'submit' });
    expect(drillKeyToCommand('', { downArrow: true }, { phase: 'question' }, 10)).toEqual({ type: 'move', delta: 1 });
    expect(drillKeyToCommand('n', {}, { phase: 'verdict' }, 10)).toEqual({ type: 'next' });
    expect(drillKeyToCommand('', { pageDown: true }, { phase: 'verdict' }, 10)).toEqual({ type: 'scroll', delta: 10 });
    expect(drillKeyToCommand('q', {}, { phase: 'verdict' }, 10)).toEqual({ type: 'quit' });
  });

  it('prints the plain question without revealing the answer, and the plain verdict', () => {
    const q = formatQuestion(verdicts);
    expect(q).toMatch(/^A {2}/m);
    expect(q).not.toContain('the answer');
    expect(formatVerdict(verdicts, 'D')).toContain('✔ Right: D');
    expect(paragraphs('one\ntwo\n\nthree')).toEqual(['one two', 'three']);
  });
});
