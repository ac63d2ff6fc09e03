/**
 * The event recorder one step writes into: it hands out sequence numbers and simulated
 * time, and evaluates calls through the policy layer. Local to a step; the step stays pure
 * from the outside (same state and plan in, same events out).
 */
import { parseArn } from '../../model/arn.js';
import { ownerAccount, type World } from '../../model/world.js';
import { authorize, type Memo } from '../policy/authorize.js';
import type { Call, CallEvaluatedEvent, Evaluation, TraceEvent } from '../types.js';

/** Decides one call; `authorize` unless a caller injects another (benchmarks, tests). */
export type Authorizer = (world: World, call: Call, memo?: Memo) => Promise<Evaluation>;

/** A distributive Omit, so each member of the event union keeps its own fields. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event before it has a sequence number and time. */
export type EventDraft = DistributiveOmit<TraceEvent, 'seq' | 'time'>;

/** What every step needs to evaluate calls. */
export interface StepContext {
  readonly world: World;
  readonly memo?: Memo;
  /** The policy layer; defaults to `authorize`. */
  readonly authorize?: Authorizer;
  /** Epoch milliseconds of the simulated start. */
  readonly startMs: number;
}

/** Collects the events of one step. */
export interface Recorder {
  /** Appends an event and returns its seq. */
  readonly emit: (draft: EventDraft) => number;
  /** Evaluates a call and records it under `parentSeq`; resolves to the recorded event. */
  readonly call: (parentSeq: number, where: { readonly stage?: string; readonly action?: string }, call: Call, purpose: string) => Promise<CallEvaluatedEvent>;
  readonly events: () => readonly TraceEvent[];
  readonly nextSeq: () => number;
}

/** ISO 8601 times already formatted, by epoch milliseconds (runs repeat the same clock; bounded). */
const isoTimes = new Map<number, string>();

function isoTime(ms: number): string {
  let text = isoTimes.get(ms);
  if (text === undefined) {
    text = new Date(ms).toISOString().replace('.000Z', 'Z');
    if (isoTimes.size >= 100_000) isoTimes.clear();
    isoTimes.set(ms, text);
  }
  return text;
}

/** Creates a recorder that numbers events from `seq`. */
export function createRecorder(ctx: StepContext, seq: number): Recorder {
  const events: TraceEvent[] = [];
  let next = seq;
  const time = (s: number) => isoTime(ctx.startMs + s * 1000);
  const emit = (draft: EventDraft): number => {
    const n = next++;
    events.push({ ...draft, seq: n, time: time(n) } as TraceEvent);
    return n;
  };
  const call: Recorder['call'] = async (parentSeq, where, c, purpose) => {
    const ev = await (ctx.authorize ?? authorize)(ctx.world, c, ctx.memo);
    const principal = c.caller.kind === 'role' ? c.caller.roleArn : c.caller.service;
    const callerAccount = c.caller.kind === 'role' ? parseArn(c.caller.roleArn)?.account ?? '' : c.caller.sourceAccount ?? '';
    // Field by field, in the trace's order (conditional spreads are V8's slow path on this hot line).
    const draft: Record<string, unknown> = { type: 'call.evaluated', parentSeq };
    if (where.stage !== undefined) draft['stage'] = where.stage;
    if (where.action !== undefined) draft['action'] = where.action;
    draft['operation'] = c.operation;
    draft['principal'] = principal;
    if (c.caller.kind === 'role') draft['sessionArn'] = c.caller.sessionArn;
    draft['resource'] = c.resource;
    draft['region'] = c.region;
    draft['callerAccount'] = callerAccount;
    draft['resourceAccount'] = ownerAccount(ctx.world, c.resource) ?? '';
    draft['decision'] = ev.decision;
    draft['statements'] = ev.statements;
    draft['missingAllow'] = ev.missingAllow;
    draft['explanation'] = ev.explanation;
    if (ev.category) draft['category'] = ev.category;
    if (ev.message) draft['message'] = ev.message;
    draft['context'] = ev.context;
    draft['purpose'] = purpose;
    // As emit does, without copying the draft this function owns.
    const n = next++;
    draft['seq'] = n;
    draft['time'] = time(n);
    const event = draft as unknown as CallEvaluatedEvent;
    events.push(event);
    return event;
  };
  return { emit, call, events: () => events, nextSeq: () => next };
}
