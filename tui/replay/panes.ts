/**
 * The lines of each pane of the replay (header, map, trace, footer, help, invalid run), built
 * from the state, the result and the scenario before anything is drawn. Pure.
 */
import type { VerifiedFix } from '../../engine/analysis/diagnose.js';
import { describeEvent } from '../../engine/trace.js';
import type { SimulationResult, TraceEvent } from '../../engine/types.js';
import type { CallChange } from '../../engine/analysis/whatif.js';
import { fit, span, textWidth, truncate, truncateLine, wrapLine, wrapLines, type Line, type Span } from './lines.js';
import type { MapAction, MapStage, MapStatus } from './pipeline-map.js';
import { currentRun, type ReplayState } from './reducer.js';
import { DECISION_LOOK, type Theme, type Tone } from './theme.js';
import { KEY_HELP } from './use-replay-input.js';
import { windowStart } from './layout.js';
import { changeCounts, fixOutcomeText, outcomeChange, type WhatIfRun } from './what-if.js';

const STATUS_LOOK: Readonly<Record<MapStatus, { readonly glyph: keyof Theme['glyph']; readonly tone: Tone }>> = {
  succeeded: { glyph: 'succeeded', tone: 'allow' },
  failed: { glyph: 'failed', tone: 'deny' },
  running: { glyph: 'running', tone: 'accent' },
  'not-run': { glyph: 'notRun', tone: 'muted' },
};

function statusSpans(theme: Theme, status: MapStatus, rolledBack: boolean): Span[] {
  const look = STATUS_LOOK[status];
  return [span(theme.glyph[look.glyph], look.tone, { bold: status === 'failed' }), ...(rolledBack ? [span(theme.glyph.rollback, 'warn')] : [])];
}

/** Pads a line to `width` with spaces in the last span's style (so inverse covers the row). */
function padLine(line: Line, width: number, extra: Partial<Span> = {}): Line {
  const cut = truncateLine(line, width);
  const used = cut.reduce((n, s) => n + [...s.text].length, 0);
  const styled = cut.map((s) => ({ ...s, ...extra }));
  return used < width ? [...styled, { text: ' '.repeat(width - used), ...extra }] : styled;
}

/** A pane title row; inverse when the pane has the focus. */
export function titleLine(text: string, width: number, focused: boolean): Line {
  return padLine([span(`─ ${text} `, 'label', { bold: true })], width, focused ? { inverse: true } : {});
}

/** The top row: the outcome first (it matters most on a narrow terminal), then the scenario. */
export function headerLine(result: SimulationResult, state: ReplayState, width: number): Line {
  const status = result.status;
  const statusTone: Tone = status === 'Succeeded' ? 'allow' : 'deny';
  const glyph = status === 'Succeeded' ? '✔' : '✖';
  const fd = result.firstDenial;
  const parts: Span[] = [span('pipesim ', 'label', { bold: true }), span(`${glyph} ${status}`, statusTone, { bold: true })];
  if (fd) parts.push(span(`  ✖ first denial #${fd.seq} ${fd.operation} [${fd.category}]`, 'deny'));
  if (state.playing) parts.push(span('  ▶ playing', 'accent', { bold: true }));
  parts.push(span(`  ${result.scenario}`, 'muted'));
  return padLine(parts, width);
}

/** What the key bar can offer: the keys, and the order they are dropped in when the row is short (higher first). */
type KeyItem = readonly [text: string, drop: number];

/** The keys of the key bar for a state: the ones that do something now. Pure. */
export function keyBarItems(state: ReplayState, statements: number): readonly KeyItem[] {
  const run = currentRun(state);
  const failed = run.result.status !== 'Succeeded';
  const undo: KeyItem[] = state.runs.length > 1 ? [['u undo', 0]] : [];
  const fixes: KeyItem[] = failed ? [['x fixes', 0]] : [];
  if (state.fixes) return [['↑↓ choose', 0], ['Enter apply and re-run', 0], ['Esc close', 0], ['? help', 1], ['q quit', 0]];
  if (state.focus === 'detail' && statements > 0) {
    return [['↑↓ jk statement', 0], ['space toggle it off/on', 0], ['PgUp PgDn scroll', 2], ...fixes, ...undo, ['tab trace', 1], ['? help', 1], ['q quit', 0]];
  }
  return [
    ['←→ jk step', 0],
    ['space play', 2],
    ['d denial', 1],
    ...fixes,
    ...undo,
    ['f filter', 3],
    ['/ search', 3],
    [statements > 0 ? 'tab detail (space toggles a statement)' : 'tab', 1],
    ['? help', 0],
    ['q quit', 0],
  ];
}

/** Joins the key items that fit in `width`: the least droppable first, each where it fits, in their own order. Pure. */
export function keyBar(items: readonly KeyItem[], width: number): string {
  const kept = new Set<number>();
  const text = (set: ReadonlySet<number>) =>
    items
      .filter((_, i) => set.has(i))
      .map(([t]) => t)
      .join(' · ');
  const levels = [...new Set(items.map(([, d]) => d))].sort((a, b) => a - b);
  for (const level of levels) {
    items.forEach(([, d], i) => {
      if (d !== level) return;
      const next = new Set(kept).add(i);
      // The keys that matter most stay even when the row is too short for them all.
      if (level === 0 || textWidth(text(next)) <= width) kept.add(i);
    });
  }
  return text(kept);
}

/** The bottom row: the search prompt, a message, the work under way, or the keys. */
export function footerLine(state: ReplayState, width: number, statements = 0): Line {
  if (state.prompt !== null) return padLine([span('/', 'accent', { bold: true }), span(state.prompt), span('█', 'accent'), span('   Enter: next match  Esc: cancel', 'muted')], width);
  if (state.pending) {
    const what = state.pending.kind === 'fixes' ? 'finding fixes… (each candidate is applied and simulated)' : `re-running… ${state.pending.change.description}`;
    return padLine([span(what, 'accent', { bold: true })], width);
  }
  if (state.message) return padLine([span(state.message, 'warn')], width);
  return padLine([span(keyBar(keyBarItems(state, statements), width), 'muted')], width);
}

/** The line under the header after a what-if: what was applied and what it changed; null for the opening run. Pure. */
export function whatIfLine(run: WhatIfRun, depth: number, width: number): Line | null {
  if (!run.change || !run.diff) return null;
  const counts = changeCounts(run.diff);
  const after = outcomeChange(run.diff);
  const good = run.diff.status.after === 'Succeeded';
  const tail: Span[] = [
    span(' — ', 'muted'),
    span(after, good ? 'allow' : 'warn', { bold: true }),
    ...(counts.decision || counts.reached || counts.unreached ? [span(` · △ ${counts.decision} changed`, 'changed')] : [span(' · no call changed', 'muted')]),
    ...(counts.reached ? [span(` · + ${counts.reached} reached`, 'changed')] : []),
    ...(counts.unreached ? [span(` · ${counts.unreached} no longer reached`, 'muted')] : []),
    span(` · u undo${depth > 1 ? ` (${depth})` : ''}`, 'muted'),
  ];
  const head = 'applied: ';
  const room = width - textWidth(head) - tail.reduce((n, t) => n + textWidth(t.text), 0);
  // The change's description gives way first: the outcome matters most on a narrow terminal.
  return padLine([span(head, 'changed', { bold: true }), span(truncate(run.change.description, Math.max(12, room))), ...tail], width);
}

/** One trace row: cursor, first-denial mark, seq, indentation by depth, the event line. */
export function traceLine(
  theme: Theme,
  e: TraceEvent,
  depth: number,
  opts: { readonly selected: boolean; readonly firstDenial: boolean; readonly width: number; readonly change?: CallChange | null },
): Line {
  const indent = '  '.repeat(Math.min(depth, 6));
  // After a what-if, a column marks the calls it changed: △ a new decision, + newly reached.
  const changeMark: Span[] =
    opts.change === undefined ? [] : opts.change === null ? [span(' ')] : [span(opts.change.kind === 'decision' ? theme.glyph.changed : theme.glyph.reached, 'changed', { bold: true })];
  const head: Span[] = [
    span(opts.selected ? theme.glyph.cursor : ' ', 'accent', { bold: true }),
    opts.firstDenial ? span('✖', 'deny', { bold: true }) : span(' '),
    ...changeMark,
    span(`${String(e.seq).padStart(4)} `, 'muted'),
    span(indent),
  ];
  const text = describeEvent(e);
  let body: Span[];
  if (e.type === 'call.evaluated') {
    const look = DECISION_LOOK[e.decision];
    // describeEvent starts a call with its decision glyph; colour the glyph, and all of a denial.
    body = e.decision === 'Allowed' ? [span(text.slice(0, 1), look.tone), span(text.slice(1))] : [span(text, look.tone, { bold: opts.firstDenial })];
  } else if ((e.type === 'action.finished' || e.type === 'stage.finished' || e.type === 'execution.finished' || e.type === 'stack-instance.finished') && e.status !== 'Succeeded') {
    body = [span(text, 'deny')];
  } else if (e.type === 'rollback.started') {
    body = [span(`${theme.glyph.rollback} ${text}`, 'warn')];
  } else if (e.type === 'note.added' || e.type === 'variables.resolved') {
    body = [span(text, 'muted')];
  } else {
    body = [span(text)];
  }
  return padLine([...head, ...body], opts.width, opts.selected ? { inverse: true } : {});
}

/** The visible rows of the trace pane, windowed so the cursor stays in view. */
export function traceLines(theme: Theme, state: ReplayState, depth: ReadonlyMap<number, number>, rows: number, width: number, changes: ReadonlyMap<number, CallChange> | null = null): readonly Line[] {
  if (state.visible.length === 0) return [padLine([span(`  the ${state.filter} view shows no events (f: next filter)`, 'muted')], width)];
  const start = windowStart(state.visible.length, state.index, rows);
  return state.visible.slice(start, start + rows).map((e, i) =>
    traceLine(theme, e, depth.get(e.seq) ?? 0, {
      selected: start + i === state.index,
      firstDenial: e.seq === state.firstDenialSeq,
      width,
      ...(changes ? { change: changes.get(e.seq) ?? null } : {}),
    }),
  );
}

/** The title of the fixes pane. Pure. */
export function fixesTitle(state: ReplayState): string {
  const run = currentRun(state);
  const fd = run.result.firstDenial;
  const what = fd ? `#${fd.seq} ${fd.operation}` : run.result.issues[0] ? `\`${run.result.issues[0].code}\`` : 'the run';
  const count = run.fixes ? ` · ${run.fixes.length ? (state.fixes?.selected ?? 0) + 1 : 0}/${run.fixes.length}` : '';
  return `fixes for ${what}${count} · Enter apply · Esc close`;
}

/**
 * The fixes pane: each verified fix with where it leads, the chosen one behind the cursor with
 * its patch; windowed so the chosen one is in view. Pure.
 */
export function fixesLines(theme: Theme, fixes: readonly VerifiedFix[] | null, selected: number, rows: number, width: number): readonly Line[] {
  if (fixes === null) return [padLine([span('  finding fixes… each candidate is applied to a copy and simulated', 'accent')], width)];
  if (fixes.length === 0) return [padLine([span('  no verified fix: no candidate gets the denied call through', 'muted')], width)];
  const lines: Line[] = [];
  let from = 0;
  let to = 0;
  fixes.forEach((fix, i) => {
    const chosen = i === selected;
    if (chosen) from = lines.length;
    const number = `${i + 1}. `;
    lines.push(...wrapLine([span(chosen ? theme.glyph.cursor : ' ', 'accent', { bold: true }), span(` ${number}`, 'label'), span(fix.description, undefined, { bold: chosen })], width, 5));
    const good = fix.outcome.status === 'Succeeded';
    lines.push(...wrapLine([span('     after: ', 'label'), span(fixOutcomeText(fix.outcome), good ? 'allow' : 'warn')], width, 12));
    if (fix.warning) lines.push(...wrapLine([span('     ! ', 'warn', { bold: true }), span(fix.warning, 'warn')], width, 7));
    if (chosen) {
      for (const op of fix.patch) lines.push(...wrapLine([span('     patch: ', 'label'), span(`${op.op} ${op.path}`, 'muted')], width, 12));
      to = lines.length;
    }
  });
  const start = Math.min(from, Math.max(0, to - rows));
  return lines.slice(start, start + rows).map((l) => padLine(l, width));
}

function actionSpans(theme: Theme, a: MapAction): Span[] {
  return [
    ...statusSpans(theme, a.status, a.rolledBack),
    span(' '),
    span(a.name, a.firstDenial ? 'deny' : a.status === 'not-run' ? 'muted' : undefined, { bold: a.current || a.firstDenial }),
    span(` ${a.accountName} ${a.region}`, 'muted'),
  ];
}

/** The map in the narrow layout: one row per stage, its actions side by side. */
export function mapLinesNarrow(theme: Theme, stages: readonly MapStage[], rows: number, width: number): readonly Line[] {
  const nameWidth = Math.min(16, Math.max(...stages.map((s) => s.name.length)) + 1);
  const lines = stages.map((s): Line => {
    const parts: Span[] = [
      span(s.current ? theme.glyph.cursor : ' ', 'accent', { bold: true }),
      ...statusSpans(theme, s.status, s.rolledBack),
      span(' '),
      span(fit(s.name, nameWidth), s.firstDenial ? 'deny' : 'label', { bold: s.current }),
    ];
    s.actions.forEach((a, i) => parts.push(span(i ? '  ' : ' '), ...(a.current ? [span(theme.glyph.cursor, 'accent', { bold: true })] : []), ...actionSpans(theme, a)));
    return padLine(parts, width);
  });
  const current = Math.max(0, stages.findIndex((s) => s.current));
  const start = windowStart(lines.length, current, rows);
  return lines.slice(start, start + rows);
}

/** The map in the wide layout: a row per stage, then a row (or two) per action. */
export function mapLinesWide(theme: Theme, stages: readonly MapStage[], rows: number, width: number): readonly Line[] {
  const lines: Line[] = [];
  let currentLine = 0;
  for (const s of stages) {
    if (s.current && !s.actions.some((a) => a.current)) currentLine = lines.length;
    lines.push(padLine([span(s.current ? theme.glyph.cursor : ' ', 'accent', { bold: true }), ...statusSpans(theme, s.status, s.rolledBack), span(' '), span(s.name, s.firstDenial ? 'deny' : 'label', { bold: true })], width));
    for (const a of s.actions) {
      if (a.current) currentLine = lines.length;
      const row: Line = [span(a.current ? `  ${theme.glyph.cursor}` : '   ', 'accent', { bold: true }), ...actionSpans(theme, a)];
      lines.push(...wrapLine(row, width, 5).map((l) => padLine(l, width)));
    }
  }
  const start = windowStart(lines.length, currentLine, rows);
  return lines.slice(start, start + rows);
}

/** The help screen. */
export function helpLines(width: number): readonly Line[] {
  const out: Line[] = [[span('keys', 'accent', { bold: true })], []];
  for (const [k, what] of KEY_HELP) out.push(...wrapLine([span(`  ${k.padEnd(15)}`, 'label', { bold: true }), span(what)], width, 17));
  out.push(
    [],
    ...wrapLines(
      [
        [span('panes', 'accent', { bold: true })],
        [span('  map     stages and actions with account, region and status as of the selected event (✔ succeeded, ✖ failed, ▸ running, · not run, ⟳ rollback)')],
        [span('  trace   a row per event under its parent; ✖ the first denial; after a what-if △ a changed decision, + a call reached only now')],
        [span('  detail  the selected event: who, what, where, the decision, the deciding statements in their documents (▶; - off: toggled off), the AWS message')],
      ],
      width,
      10,
    ),
    [],
    [span('press ? or Esc to go back', 'muted')],
  );
  return out;
}

/** The body of a run the declaration check rejected: its issues. */
export function invalidLines(result: SimulationResult, width: number): readonly Line[] {
  const out: Line[] = [[span('✖ the pipeline declaration is rejected before it runs', 'deny', { bold: true })], []];
  for (const issue of result.issues) {
    out.push(...wrapLine([span('✖ ', 'deny'), span(`${issue.path}: `, 'label'), span(issue.message), span(` [${issue.code}${issue.category ? `, ${issue.category}` : ''}]`, 'muted')], width, 2));
  }
  if (!result.issues.length) out.push([span('no events', 'muted')]);
  return out;
}

/** Exactly `rows` lines: cut, or padded with empty ones. */
export function exactly(lines: readonly Line[], rows: number): readonly Line[] {
  if (lines.length >= rows) return lines.slice(0, rows);
  return [...lines, ...Array.from({ length: rows - lines.length }, (): Line => [])];
}

/** A short one-line note for a frame too small to draw. */
export function tooSmallLine(columns: number, rows: number): Line {
  return [span(truncate(`pipesim needs at least 40×12; this terminal is ${columns}×${rows}`, Math.max(1, columns)), 'warn')];
}
