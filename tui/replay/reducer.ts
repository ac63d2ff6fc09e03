/**
 * The replay's state and its pure reducer: `(state, action) → state`. The cursor moves over
 * the events the current filter shows; the views only read this state and the result.
 */
import { describeEvent, filterTrace, type TraceFilter } from '../../engine/trace.js';
import type { SimulationResult, TraceEvent } from '../../engine/types.js';

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
}

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
  | { readonly type: 'search-next' };

/** Options of the opening state. */
export interface ReplayInit {
  readonly filter?: TraceFilter;
}

/** The opening state: the first denial selected, else the last event. Pure. */
export function initReplay(result: Pick<SimulationResult, 'events' | 'firstDenial'>, init: ReplayInit = {}): ReplayState {
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
  };
  if (visible.length === 0) return { ...base, selectedSeq: firstDenialSeq ?? result.events[result.events.length - 1]?.seq ?? null };
  const target = firstDenialSeq ?? (visible[visible.length - 1] as TraceEvent).seq;
  return select(base, nearestIndex(visible, target));
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
  }
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
