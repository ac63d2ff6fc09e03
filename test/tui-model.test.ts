/**
 * Model-based test of the replay reducer: random traces, random key sequences, and a much
 * simpler model — a list of visible seqs and an index into it — that must agree with the
 * reducer after every action.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filterTrace, type TraceFilter } from '../engine/trace.js';
import type { SimulationResult, TraceEvent } from '../engine/types.js';
import { initReplay, replayReducer, searchableText, selectedEvent, type ReplayAction, type ReplayState } from '../tui/replay/reducer.js';

/** A random trace: a tree by parentSeq, seqs in order, some denials, failures and notes. */
const traceArb: fc.Arbitrary<readonly TraceEvent[]> = fc
  .array(fc.tuple(fc.nat(), fc.constantFrom('allow', 'deny', 'note', 'vars', 'failed', 'ok', 'stage'), fc.constantFrom('alpha', 'beta', 'gamma')), { minLength: 1, maxLength: 30 })
  .map((specs) =>
    specs.map(([p, kind, word], seq): TraceEvent => {
      const parentSeq = seq === 0 ? null : p % seq;
      const time = '2026-01-01T00:00:00Z';
      switch (kind) {
        case 'allow':
        case 'deny':
          return {
            type: 'call.evaluated', seq, parentSeq, time, operation: `s3:GetObject`, principal: `arn:aws:iam::111111111111:role/${word}`, resource: `arn:aws:s3:::${word}/k`, region: 'us-east-1',
            callerAccount: '111111111111', resourceAccount: '111111111111', decision: kind === 'allow' ? 'Allowed' : 'ImplicitlyDenied', statements: [], missingAllow: [], explanation: word, context: {}, purpose: word,
          };
        case 'note':
          return { type: 'note.added', seq, parentSeq, time, text: word };
        case 'vars':
          return { type: 'variables.resolved', seq, parentSeq, time, variables: { v: word } };
        case 'failed':
        case 'ok':
          return { type: 'action.finished', seq, parentSeq, time, action: word, status: kind === 'ok' ? 'Succeeded' : 'Failed' };
        default:
          return { type: 'stage.started', seq, parentSeq, time, stage: word };
      }
    }),
  );

const actionArb: fc.Arbitrary<ReplayAction> = fc.oneof(
  fc.constant<ReplayAction>({ type: 'step-forward' }),
  fc.constant<ReplayAction>({ type: 'step-back' }),
  fc.constant<ReplayAction>({ type: 'jump-to-start' }),
  fc.constant<ReplayAction>({ type: 'jump-to-end' }),
  fc.constant<ReplayAction>({ type: 'jump-to-denial' }),
  fc.integer({ min: -12, max: 12 }).map((delta): ReplayAction => ({ type: 'page', delta })),
  fc.constant<ReplayAction>({ type: 'cycle-filter' }),
  fc.constantFrom<TraceFilter>('full', 'fails', 'notes').map((filter): ReplayAction => ({ type: 'set-filter', filter })),
  fc.constant<ReplayAction>({ type: 'toggle-play' }),
  fc.constant<ReplayAction>({ type: 'tick' }),
  fc.constantFrom('alpha', 'beta', 'gamma', 'nothing').map((q): ReplayAction => ({ type: 'search-type', text: q })),
);

/** The model: which seqs the filter shows, which one is selected, and whether it plays. */
interface Model {
  readonly filter: TraceFilter;
  readonly list: readonly number[];
  /** Index into `list`; -1 when it is empty. */
  readonly i: number;
  /** The selected seq, remembered across an empty list. */
  readonly anchor: number | null;
  readonly playing: boolean;
}

const ORDER: readonly TraceFilter[] = ['full', 'fails', 'notes'];

function modelStep(events: readonly TraceEvent[], denial: number | null, m: Model, a: ReplayAction): Model {
  const list = (f: TraceFilter) => filterTrace(events, f).map((e) => e.seq);
  const at = (mm: Model, i: number): Model => (mm.list.length === 0 ? mm : { ...mm, i: Math.min(mm.list.length - 1, Math.max(0, i)), anchor: mm.list[Math.min(mm.list.length - 1, Math.max(0, i))] ?? null });
  const paused = { ...m, playing: false };
  const refilter = (f: TraceFilter): Model => {
    const l = list(f);
    if (l.length === 0) return { ...m, filter: f, list: l, i: -1, playing: false };
    if (m.anchor === null) return { ...m, filter: f, list: l, i: l.length - 1, anchor: l[l.length - 1] ?? null };
    // Linear scan for the closest seq; the earlier one wins a tie.
    let best = 0;
    for (let j = 1; j < l.length; j++) if (Math.abs((l[j] as number) - m.anchor) < Math.abs((l[best] as number) - m.anchor)) best = j;
    return { ...m, filter: f, list: l, i: best, anchor: l[best] ?? null };
  };
  switch (a.type) {
    case 'step-forward':
      return at(paused, m.i + 1);
    case 'step-back':
      return at(paused, m.i - 1);
    case 'jump-to-start':
      return at(paused, 0);
    case 'jump-to-end':
      return at(paused, m.list.length - 1);
    case 'page':
      return at(paused, m.i + a.delta);
    case 'jump-to-denial':
      return denial === null ? paused : at(paused, m.list.indexOf(denial));
    case 'cycle-filter':
      return refilter(ORDER[(ORDER.indexOf(m.filter) + 1) % 3] as TraceFilter);
    case 'set-filter':
      return refilter(a.filter);
    case 'toggle-play':
      if (m.playing) return paused;
      if (m.list.length === 0) return m;
      return { ...(m.i === m.list.length - 1 ? at(m, 0) : m), playing: true };
    case 'tick': {
      if (!m.playing) return m;
      const next = at(m, m.i + 1);
      return next.i === next.list.length - 1 ? { ...next, playing: false } : next;
    }
    case 'search-type': {
      // A search for `text` from the cursor: the next event after it (wrapping) whose text holds it.
      const n = m.list.length;
      for (let k = 1; k <= n; k++) {
        const j = (m.i + k) % n;
        const e = events.find((x) => x.seq === m.list[j]) as TraceEvent;
        if (searchableText(e).includes(a.text)) return at(paused, j);
      }
      return paused;
    }
    default:
      return m;
  }
}

/** The reducer's view of a search: open the prompt, type, submit. */
function toReducer(a: ReplayAction): readonly ReplayAction[] {
  return a.type === 'search-type' ? [{ type: 'search-open' }, a, { type: 'search-submit' }] : [a];
}

describe('replay reducer against a model', () => {
  it('agrees with an index into the filtered list after every action', () => {
    fc.assert(
      fc.property(traceArb, fc.array(actionArb, { maxLength: 40 }), (events, actions) => {
        const denial = events.find((e) => e.type === 'call.evaluated' && e.decision !== 'Allowed')?.seq ?? null;
        const result: SimulationResult = {
          formatVersion: 1,
          scenario: 'model',
          status: denial === null ? 'Succeeded' : 'Failed',
          issues: [],
          cloudTrail: [],
          eventBridge: [],
          events,
          firstDenial: denial === null ? null : { seq: denial, stage: null, action: null, operation: 's3:GetObject', principal: '', sessionArn: null, resource: '', decision: 'ImplicitlyDenied', category: 'BUCKET_POLICY', message: '' },
        };
        let state: ReplayState = initReplay(result);
        const full = events.map((e) => e.seq);
        const open = denial ?? (full[full.length - 1] as number);
        let model: Model = { filter: 'full', list: full, i: full.indexOf(open), anchor: open, playing: false };
        for (const a of actions) {
          state = toReducer(a).reduce(replayReducer, state);
          model = modelStep(events, denial, model, a);
          expect(state.filter).toBe(model.filter);
          expect(state.visible.map((e) => e.seq)).toEqual(model.list);
          expect(state.index).toBe(model.i);
          expect(selectedEvent(state)?.seq).toBe(model.i < 0 ? undefined : model.list[model.i]);
          expect(state.selectedSeq).toBe(model.anchor);
          expect(state.playing).toBe(model.playing);
        }
      }),
      { numRuns: 300 },
    );
  });
});
