/**
 * The replay's state and its pure reducer: `(state, action) → state`. The cursor moves over
 * the events the current filter shows; the views only read this state and the result.
 *
 * What-if lives here too, as data: the runs of the session (scenario, result, the change that
 * led there and its diff), the fixes pane, and the statement cursor. Re-running is an effect:
 * the reducer only sets `pending` to a request; the effect hook in `app.tsx` does the work and
 * answers with `fixes-found`, `rerun-finished` or `rerun-failed`.
 */
import type { VerifiedFix } from '../../engine/analysis/diagnose.js';
import { describeEvent, filterTrace, type TraceFilter } from '../../engine/trace.js';
import type { SimulationResult, TraceEvent } from '../../engine/types.js';
import type { ResultDiff } from '../../engine/analysis/whatif.js';
import type { Scenario } from '../../model/schema.js';
import { callIdentity, relocateSeq, togglePatch, type StatementKey, type StatementTarget, type WhatIfRequest, type WhatIfRun } from './what-if.js';

/** The panes that can hold the focus. */
export type ReplayPane = 'trace' | 'detail';

/** The filters in the order `f` cycles through them. */
export const FILTERS: readonly TraceFilter[] = ['full', 'fails', 'notes'];

/** Everything the replay shows, as plain data. */
export interface ReplayState {
  /** The whole trace. */
  readonly events: readonly TraceEvent[];
  /** Seq of the first denial, or null. */
  readonly firstDenialSeq: number | null;
  readonly filter: TraceFilter;
  /** The events the filter shows, in trace order. */
  readonly visible: readonly TraceEvent[];
  /** INVARIANT: 0 <= index < visible.length, or -1 exactly when `visible` is empty. */
  readonly index: number;
  /** Seq of the selected event; kept while a filter shows nothing, so the next filter can return to it. */
  readonly selectedSeq: number | null;
  readonly playing: boolean;
  readonly focus: ReplayPane;
  /** First shown line of the detail pane. */
  readonly detailScroll: number;
  readonly help: boolean;
  /** The search being typed, or null when the prompt is closed. */
  readonly prompt: string | null;
  /** The last submitted search (`n` repeats it). */
  readonly query: string;
  /** A one-line status message (no match, no denial), cleared by the next move. */
  readonly message: string | null;
  /** The runs of the session, oldest first. INVARIANT: never empty; `events` are the last run's. */
  readonly runs: readonly WhatIfRun[];
  /** The fixes pane, when open: which fix is chosen. */
  readonly fixes: { readonly selected: number } | null;
  /** The work the effect hook is doing for the replay, if any; one at a time. */
  readonly pending: WhatIfRequest | null;
  /** The id the next request gets. */
  readonly nextRequest: number;
  /** The statement the detail pane's cursor is on (null: the first shown). */
  readonly statementCursor: StatementKey | null;
}

/** Where a statement stands in the detail pane: enough to move the cursor onto it and scroll to it. */
export type StatementPlace = Pick<StatementTarget, 'document' | 'at' | 'start' | 'end'>;

/** What the replay can be asked to do. */
export type ReplayAction =
  | { readonly type: 'step-forward' }
  | { readonly type: 'step-back' }
  | { readonly type: 'jump-to-start' }
  | { readonly type: 'jump-to-end' }
  | { readonly type: 'jump-to-denial' }
  | { readonly type: 'page'; readonly delta: number }
  | { readonly type: 'cycle-filter' }
  | { readonly type: 'set-filter'; readonly filter: TraceFilter }
  | { readonly type: 'toggle-play' }
  /** One beat of the play timer: step forward, stop at the end. */
  | { readonly type: 'tick' }
  | { readonly type: 'focus-next' }
  /** Scrolls the detail pane by `delta` lines, within `[0, max]`. */
  | { readonly type: 'scroll-detail'; readonly delta: number; readonly max: number }
  | { readonly type: 'toggle-help' }
  | { readonly type: 'search-open' }
  | { readonly type: 'search-type'; readonly text: string }
  | { readonly type: 'search-erase' }
  | { readonly type: 'search-submit' }
  | { readonly type: 'search-cancel' }
  | { readonly type: 'search-next' }
  /** Opens the fixes pane on the first denial (asks for the fixes when this run has none yet). */
  | { readonly type: 'fixes-open' }
  | { readonly type: 'fixes-close' }
  | { readonly type: 'fixes-move'; readonly delta: number }
  /** Asks for the chosen fix to be applied and the scenario re-run. */
  | { readonly type: 'fixes-apply' }
  /** Moves the statement cursor over the places the detail pane shows, scrolling to keep it in view. */
  | { readonly type: 'move-statement'; readonly delta: number; readonly places: readonly StatementPlace[]; readonly rows: number; readonly max: number }
  /** Asks for a statement to be removed (or put back) and the scenario re-run. */
  | { readonly type: 'toggle-statement'; readonly target: Omit<StatementTarget, 'start' | 'end'> }
  /** Back to the run before the last change. */
  | { readonly type: 'undo' }
  /** The effect hook's answers. */
  | { readonly type: 'fixes-found'; readonly id: number; readonly fixes: readonly VerifiedFix[] }
  | { readonly type: 'rerun-finished'; readonly id: number; readonly scenario: Scenario; readonly result: SimulationResult; readonly diff: ResultDiff }
  | { readonly type: 'rerun-failed'; readonly id: number; readonly message: string };

/** Options of the opening state. */
export interface ReplayInit {
  readonly filter?: TraceFilter;
  /** The scenario the result is a run of; without it nothing can be re-run. */
  readonly scenario?: Scenario;
}

/** The opening state: the first denial selected, else the last event. Pure. */
export function initReplay(result: SimulationResult, init: ReplayInit = {}): ReplayState {
  const filter = init.filter ?? 'full';
  const visible = filterTrace(result.events, filter);
  const firstDenialSeq = result.firstDenial?.seq ?? null;
  const base: ReplayState = {
    events: result.events,
    firstDenialSeq,
    filter,
    visible,
    index: -1,
    selectedSeq: null,
    playing: false,
    focus: 'trace',
    detailScroll: 0,
    help: false,
    prompt: null,
    query: '',
    message: null,
    runs: [{ scenario: init.scenario ?? null, result, change: null, diff: null, fixes: null, removed: [] }],
    fixes: null,
    pending: null,
    nextRequest: 1,
    statementCursor: null,
  };
  if (visible.length === 0) return { ...base, selectedSeq: firstDenialSeq ?? result.events[result.events.length - 1]?.seq ?? null };
  const target = firstDenialSeq ?? (visible[visible.length - 1] as TraceEvent).seq;
  return select(base, nearestIndex(visible, target));
}

/** The run the replay shows: the last of the session. Pure. */
export function currentRun(state: Pick<ReplayState, 'runs'>): WhatIfRun {
  return state.runs[state.runs.length - 1] as WhatIfRun;
}

/** The selected event, or undefined when the filter shows nothing. Pure. */
export function selectedEvent(state: ReplayState): TraceEvent | undefined {
  return state.visible[state.index];
}

/** The replay reducer. Pure. */
export function replayReducer(state: ReplayState, action: ReplayAction): ReplayState {
  switch (action.type) {
    case 'step-forward':
      return moveTo(pause(state), state.index + 1);
    case 'step-back':
      return moveTo(pause(state), state.index - 1);
    case 'jump-to-start':
      return moveTo(pause(state), 0);
    case 'jump-to-end':
      return moveTo(pause(state), state.visible.length - 1);
    case 'page':
      return moveTo(pause(state), state.index + action.delta);
    case 'jump-to-denial': {
      const s = pause(state);
      if (s.firstDenialSeq === null) return { ...s, message: 'no denial in this run' };
      const i = s.visible.findIndex((e) => e.seq === s.firstDenialSeq);
      // A denial is kept by every filter; this guards a trace whose denial was filtered anyway.
      if (i < 0) return select(setFilter(s, 'full'), s.events.findIndex((e) => e.seq === s.firstDenialSeq));
      return select(s, i);
    }
    case 'cycle-filter':
      return setFilter(state, FILTERS[(FILTERS.indexOf(state.filter) + 1) % FILTERS.length] as TraceFilter);
    case 'set-filter':
      return setFilter(state, action.filter);
    case 'toggle-play': {
      if (state.playing) return { ...state, playing: false };
      if (state.visible.length === 0) return state;
      // Play from the start when the cursor already stands on the last event.
      const from = state.index >= state.visible.length - 1 ? select(state, 0) : state;
      return { ...from, playing: true, message: null };
    }
    case 'tick': {
      if (!state.playing) return state;
      const next = moveTo(state, state.index + 1);
      return next.index >= next.visible.length - 1 ? { ...next, playing: false } : next;
    }
    case 'focus-next':
      return { ...state, focus: state.focus === 'trace' ? 'detail' : 'trace' };
    case 'scroll-detail':
      return { ...state, detailScroll: clamp(state.detailScroll + action.delta, 0, Math.max(0, action.max)) };
    case 'toggle-help':
      return { ...state, help: !state.help };
    case 'search-open':
      return { ...pause(state), prompt: '', message: null };
    case 'search-type':
      return state.prompt === null ? state : { ...state, prompt: state.prompt + action.text };
    case 'search-erase':
      return state.prompt === null ? state : { ...state, prompt: state.prompt.slice(0, -1) };
    case 'search-cancel':
      return { ...state, prompt: null };
    case 'search-submit': {
      if (state.prompt === null) return state;
      const query = state.prompt.trim();
      const closed = { ...state, prompt: null };
      return query === '' ? closed : searchFrom({ ...closed, query }, query);
    }
    case 'search-next':
      return state.query === '' ? { ...state, message: 'no search yet: press / to search' } : searchFrom(pause(state), state.query);
    case 'fixes-open':
      return openFixes(state);
    case 'fixes-close':
      return state.fixes ? { ...state, fixes: null } : state;
    case 'fixes-move': {
      const count = currentRun(state).fixes?.length ?? 0;
      if (!state.fixes || count === 0) return state;
      return { ...state, fixes: { selected: clamp(state.fixes.selected + action.delta, 0, count - 1) } };
    }
    case 'fixes-apply':
      return applyFix(state);
    case 'move-statement':
      return moveStatement(state, action);
    case 'toggle-statement':
      return toggleStatement(state, action.target);
    case 'undo':
      return undo(state);
    case 'fixes-found': {
      if (state.pending?.kind !== 'fixes' || state.pending.id !== action.id) return state;
      const runs = [...state.runs.slice(0, -1), { ...currentRun(state), fixes: action.fixes }];
      return { ...state, runs, pending: null, fixes: state.fixes ? { selected: 0 } : null };
    }
    case 'rerun-finished': {
      const p = state.pending;
      if (p?.kind !== 'apply' || p.id !== action.id) return state;
      const run: WhatIfRun = { scenario: action.scenario, result: action.result, change: p.change, diff: action.diff, fixes: null, removed: p.removed };
      return { ...showRun({ ...state, pending: null }, [...state.runs, run], p.change.kind !== 'fix'), message: null };
    }
    case 'rerun-failed':
      return state.pending?.id === action.id ? { ...state, pending: null, message: action.message } : state;
  }
}

/** Why a what-if cannot start now, or null when it can. */
function busy(state: ReplayState): string | null {
  if (state.pending) return 're-running… wait for it to finish';
  if (!currentRun(state).scenario) return 'no scenario to re-run';
  return null;
}

function openFixes(state: ReplayState): ReplayState {
  const run = currentRun(state);
  const s = pause(state);
  if (run.result.status === 'Succeeded') return { ...s, message: 'nothing to fix: the run succeeded' };
  if (run.fixes === null && busy(s)) return { ...s, message: busy(s) };
  // Show the denial being fixed in the trace.
  const onDenial = s.firstDenialSeq === null ? s : replayReducer(s, { type: 'jump-to-denial' });
  const opened: ReplayState = { ...onDenial, fixes: { selected: 0 }, message: null };
  if (run.fixes !== null || !run.scenario) return opened;
  return { ...opened, pending: { kind: 'fixes', id: s.nextRequest, scenario: run.scenario, result: run.result }, nextRequest: s.nextRequest + 1 };
}

function applyFix(state: ReplayState): ReplayState {
  const run = currentRun(state);
  const fix = state.fixes ? run.fixes?.[state.fixes.selected] : undefined;
  if (!fix || !run.scenario) return state;
  if (busy(state)) return { ...state, message: busy(state) };
  const change = { kind: 'fix', description: fix.description, patch: fix.patch } as const;
  const pending: WhatIfRequest = { kind: 'apply', id: state.nextRequest, scenario: run.scenario, result: run.result, patch: fix.patch, change, removed: run.removed };
  return { ...pause(state), fixes: null, pending, nextRequest: state.nextRequest + 1, message: null };
}

function toggleStatement(state: ReplayState, target: Omit<StatementTarget, 'start' | 'end'>): ReplayState {
  const run = currentRun(state);
  const event = selectedEvent(state);
  if (!run.scenario || busy(state)) return { ...state, message: busy(state) };
  const call = event?.type === 'call.evaluated' ? callIdentity(event) : '';
  const { change, removed } = togglePatch(target, run.removed, call);
  const pending: WhatIfRequest = { kind: 'apply', id: state.nextRequest, scenario: run.scenario, result: run.result, patch: change.patch, change, removed };
  return { ...pause(state), pending, nextRequest: state.nextRequest + 1, statementCursor: { document: target.document, at: target.at }, message: null };
}

function moveStatement(state: ReplayState, action: Extract<ReplayAction, { type: 'move-statement' }>): ReplayState {
  const { places } = action;
  if (places.length === 0) return state;
  const key = state.statementCursor;
  const found = key ? places.findIndex((p) => p.document === key.document && p.at === key.at) : -1;
  // No cursor yet stands for the first statement (the pane draws it there).
  const i = clamp(Math.max(0, found) + action.delta, 0, places.length - 1);
  const place = places[i] as StatementPlace;
  return { ...state, statementCursor: { document: place.document, at: place.at }, detailScroll: scrollToShow(state.detailScroll, place.start, place.end, action.rows, action.max), message: null };
}

function undo(state: ReplayState): ReplayState {
  if (state.pending) return { ...state, message: busy(state) };
  const last = currentRun(state);
  if (state.runs.length < 2 || !last.change) return { ...state, message: 'nothing to undo' };
  return { ...showRun(state, state.runs.slice(0, -1), true), message: `undone: ${last.change.description}` };
}

/** Switches to the last of `runs`, keeping the selection on the same event where the new run has it. */
function showRun(state: ReplayState, runs: readonly WhatIfRun[], keepScroll: boolean): ReplayState {
  const run = runs[runs.length - 1] as WhatIfRun;
  const events = run.result.events;
  const target = relocateSeq(state.events, events, state.selectedSeq);
  const next: ReplayState = { ...state, runs, events, firstDenialSeq: run.result.firstDenial?.seq ?? null, selectedSeq: target, playing: false, fixes: null };
  // The filter stays; the selection goes to the event nearest the relocated one.
  const shown = setFilter(next, state.filter);
  return keepScroll ? { ...shown, detailScroll: state.detailScroll } : shown;
}

/** The first shown line that keeps lines `[start, end)` in a window of `rows` (their start when they do not fit). Pure. */
export function scrollToShow(scroll: number, start: number, end: number, rows: number, max: number): number {
  // One line above the statement stays visible where it can: it names the document or the statement before.
  let next = scroll;
  if (start <= scroll) next = start - 1;
  else if (end > scroll + rows) next = Math.min(start - 1, end - rows);
  return clamp(next, 0, Math.max(0, max));
}

/** The text a search looks in: the trace line plus who, why and where. Pure. */
export function searchableText(e: TraceEvent): string {
  const parts = [`#${e.seq}`, describeEvent(e), e.stage ?? '', e.action ?? ''];
  if (e.type === 'call.evaluated') parts.push(e.principal, e.purpose, e.explanation, e.message ?? '', e.category ?? '');
  return parts.join(' ').toLowerCase();
}

/** Index of the event whose seq is nearest to `seq` (the earlier one on a tie); -1 for an empty list. Pure. */
export function nearestIndex(events: readonly TraceEvent[], seq: number): number {
  // INVARIANT: events are in increasing seq order (the recorder numbers them as it appends).
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((events[mid] as TraceEvent).seq < seq) lo = mid + 1;
    else hi = mid;
  }
  // lo is the first event with seq >= target.
  if (lo >= events.length) return events.length - 1;
  if ((events[lo] as TraceEvent).seq === seq || lo === 0) return lo;
  const before = seq - (events[lo - 1] as TraceEvent).seq;
  const after = (events[lo] as TraceEvent).seq - seq;
  return before <= after ? lo - 1 : lo;
}

function setFilter(state: ReplayState, filter: TraceFilter): ReplayState {
  const visible = filterTrace(state.events, filter);
  const next: ReplayState = { ...state, filter, visible, message: null };
  if (visible.length === 0) return { ...next, index: -1, playing: false, message: `the ${filter} view shows no events` };
  if (state.selectedSeq === null) return select(next, visible.length - 1);
  return select(next, nearestIndex(visible, state.selectedSeq));
}

function searchFrom(state: ReplayState, query: string): ReplayState {
  const needle = query.toLowerCase();
  const n = state.visible.length;
  for (let k = 1; k <= n; k++) {
    const i = (state.index + k + n) % n;
    if (searchableText(state.visible[i] as TraceEvent).includes(needle)) {
      const found = select(state, i);
      return k === n ? { ...found, message: `only match for \`${query}\`` } : found;
    }
  }
  return { ...state, message: `no match for \`${query}\`` };
}

function moveTo(state: ReplayState, index: number): ReplayState {
  if (state.visible.length === 0) return state;
  return select(state, clamp(index, 0, state.visible.length - 1));
}

function select(state: ReplayState, index: number): ReplayState {
  const seq = state.visible[index]?.seq ?? null;
  if (index === state.index && seq === state.selectedSeq) return { ...state, message: null };
  return { ...state, index, selectedSeq: seq, detailScroll: 0, message: null };
}

function pause(state: ReplayState): ReplayState {
  return state.playing ? { ...state, playing: false } : state;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}
