/**
 * The drill view's lines: the question (stem, symptom, choices) and the verdict (the answer, then
 * every choice's simulation: why the right one works, where each wrong one still fails, and the
 * explanation). Pure: from verdicts and state to styled lines; also the plain text of the
 * scripted mode.
 */
import type { ChoiceVerdict, DrillVerdicts } from '../../engine/drills/evaluate.js';
import type { TopicRecord } from '../../engine/drills/progress.js';
import { windowStart } from '../replay/layout.js';
import { lineText, span, truncateLine, wrapLines, type Line } from '../replay/lines.js';
import type { DrillState } from './reducer.js';

/** What the header says about the drill and the user's progress in its topic. */
export interface DrillContextInfo {
  /** `bank`, `generated (seed 42)` or the file the drill came from. */
  readonly source?: string;
  readonly topic?: TopicRecord;
}

const wrap = (lines: readonly Line[], columns: number, indent = 0): Line[] => [...wrapLines(lines, columns, indent)];

/** Paragraphs of authored text: single line breaks join, blank lines separate. Pure. */
export function paragraphs(text: string): string[] {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
    .filter(Boolean);
}

function header(v: DrillVerdicts, info: DrillContextInfo): Line {
  const t = info.topic;
  const stats = t ? `  ${v.topic}: ${t.correct}/${t.seen} right, streak ${t.streak}` : `  ${v.topic}`;
  return [span('pipesim drill ', 'label', { bold: true }), span(v.scenario, 'accent', { bold: true }), span(info.source ? `  (${info.source})` : '', 'muted'), span(stats, 'muted')];
}

/** The symptom block (one headline, the message under it). */
function symptomLines(v: DrillVerdicts, columns: number): Line[] {
  const s = v.symptom;
  const mark = s.kind === 'finding' || s.kind === 'allowed-call' || s.kind === 'trace-missing' ? '!' : '✖';
  const out: Line[] = [[span('Symptom ', 'label', { bold: true }), span(`${mark} ${s.headline}`, mark === '✖' ? 'deny' : 'warn')]];
  if (s.message) out.push(...wrap([[span(`  ${s.message}`, 'muted')]], columns, 2));
  return out;
}

function goalWords(v: DrillVerdicts): string {
  switch (v.goal.kind) {
    case 'run-succeeds':
      return 'the run must succeed';
    case 'lint-clean':
      return `lint ${v.goal.rule} must be gone, the run no worse`;
    case 'denied':
      return 'the named call must be denied, the other stay allowed';
    case 'trace-has':
      return 'the trace or CloudTrail must show the record';
  }
}

/** The question: stem, symptom, the choices with the cursor. Pure. */
export function questionBody(v: DrillVerdicts, state: DrillState, columns: number): Line[] {
  const out: Line[] = [];
  out.push(...wrap(paragraphs(v.stem).map((l) => [span(l)]), columns));
  out.push([]);
  out.push(...symptomLines(v, columns));
  out.push([span('Goal    ', 'label', { bold: true }), span(goalWords(v), 'muted')]);
  out.push([]);
  v.choices.forEach((c, i) => {
    const selected = i === state.cursor;
    const extra = selected ? { inverse: true } : {};
    out.push(...wrap([[span(selected ? '› ' : '  ', 'accent', { bold: true }), span(`${c.id}  `, 'label', { bold: true, ...extra }), span(c.text, undefined, extra)]], columns, 5));
  });
  return out;
}

function verdictOf(c: ChoiceVerdict, answer: string | null, columns: number, goal: DrillVerdicts['goal'], symptomMessage: string): Line[] {
  const chosen = answer !== null && c.id.toLowerCase() === answer.toLowerCase();
  const mark = c.meetsGoal ? '✔' : '✖';
  const tags = [c.isAnswer ? 'the answer' : '', chosen ? 'your choice' : ''].filter(Boolean).join(', ');
  const out: Line[] = wrap([[span(`${mark} `, c.meetsGoal ? 'allow' : 'deny', { bold: true }), span(`${c.id}  `, 'label', { bold: true }), span(c.text, undefined, chosen ? { bold: true } : {}), span(tags ? `  (${tags})` : '', 'accent')]], columns, 5);
  const run = goal.kind === 'denied' && c.status !== 'Unapplied' ? ` (run ${c.status})` : '';
  out.push(...wrap([[span('     '), span(c.reason, c.meetsGoal ? 'allow' : undefined), span(run, 'muted')]], columns, 7));
  const call = c.failingCall;
  if (call && !c.meetsGoal && call.decision !== 'Allowed' && call.message && !c.reason.includes(call.message)) {
    out.push(...wrap([[span(call.message === symptomMessage ? '       (the same denial as the unpatched run)' : `       ${call.message}`, 'muted')]], columns, 7));
  }
  return out;
}

/** The verdict: right or wrong, every choice's simulation, the explanation. Pure. */
export function verdictBody(v: DrillVerdicts, state: DrillState, columns: number): Line[] {
  const right = state.answer !== null && state.answer.toLowerCase() === v.answer.toLowerCase();
  const out: Line[] = [];
  out.push(right ? [span('✔ Right: ', 'allow', { bold: true }), span(`${v.answer} meets the goal, and no other choice does.`)] : [span('✖ Wrong: ', 'deny', { bold: true }), span(`you chose ${state.answer ?? 'nothing'}; the answer is ${v.answer}.`)]);
  out.push([]);
  out.push(...symptomLines(v, columns));
  out.push([]);
  out.push([span('Every choice, simulated', 'label', { bold: true })]);
  const ordered = [...v.choices].sort((a, b) => Number(b.isAnswer) - Number(a.isAnswer));
  for (const c of ordered) {
    out.push(...verdictOf(c, state.answer, columns, v.goal, v.symptom.message));
  }
  out.push([]);
  out.push([span('Why', 'label', { bold: true }), span(v.guideItem ? `  (${v.guideItem})` : '', 'muted')]);
  out.push(...wrap(paragraphs(v.explanation).map((l) => [span(l)]), columns));
  return out;
}

/** The frame's lines (exactly `rows` of them, each at most `columns` wide). Pure. */
export function drillLines(v: DrillVerdicts, state: DrillState, columns: number, rows: number, info: DrillContextInfo = {}): readonly Line[] {
  const body = state.phase === 'question' ? questionBody(v, state, columns) : verdictBody(v, state, columns);
  const footer: Line = state.phase === 'question' ? [span('↑/↓ or a letter choose · Enter answer · q quit', 'muted')] : [span('↑/↓ scroll · n next drill · q quit', 'muted'), span(body.length > rows - 3 ? `   ${Math.min(state.scroll + rows - 3, body.length)}/${body.length}` : '', 'muted')];
  const room = Math.max(1, rows - 3);
  const start = state.phase === 'question' ? windowStart(body.length, cursorLine(v, state, columns), room) : Math.min(state.scroll, Math.max(0, body.length - room));
  const shown = body.slice(start, start + room);
  const padded = [...shown, ...Array.from({ length: Math.max(0, room - shown.length) }, (): Line => [])];
  return [header(v, info), [], ...padded, footer].map((l) => truncateLine(l, columns));
}

/** The body line the cursor's choice starts on (so the window keeps it in view). */
function cursorLine(v: DrillVerdicts, state: DrillState, columns: number): number {
  const body = questionBody(v, state, columns);
  const id = v.choices[state.cursor]?.id ?? '';
  const i = body.findIndex((l) => lineText(l).startsWith(`› ${id}  `));
  return i < 0 ? 0 : i;
}

/** The plain text of a drill's question (scripted mode, no TTY). Pure. */
export function formatQuestion(v: DrillVerdicts, columns = 100): string {
  const lines = [header(v, {}), [], ...questionBody(v, { phase: 'question', cursor: -1, answer: null, scroll: 0 }, columns)];
  return `${lines.map(lineText).join('\n').replace(/^ {2}([A-Z])  /gm, '$1  ')}\n`;
}

/** The plain text of a drill's verdict for an answer (scripted mode). Pure. */
export function formatVerdict(v: DrillVerdicts, answer: string, columns = 100): string {
  return `${verdictBody(v, { phase: 'verdict', cursor: 0, answer, scroll: 0 }, columns).map(lineText).join('\n')}\n`;
}
