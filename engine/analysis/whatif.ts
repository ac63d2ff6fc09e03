/**
 * What-if: run a scenario before and after a JSON Patch and say what changed — which calls
 * changed decision (matched by stage, action, operation, principal and resource, never by seq),
 * where the first denial moved, and how the status changed. `diffResults` is pure.
 */
import type { Scenario } from '../../model/schema.js';
import { createMemo, type Memo } from '../policy/authorize.js';
import { callKey } from './diagnose.js';
import { applyPatch, type PatchIssue } from './patch.js';
import { simulate } from '../execution/simulate.js';
import type { CallEvaluatedEvent, Category, Decision, FirstDenial, Issue, SimulationResult, Status } from '../types.js';

/** A call's decision in one run, or that the run never made it. */
export type CallState = Decision | 'NotReached';

/** One call whose decision differs between the runs. */
export interface CallChange {
  readonly stage: string | null;
  readonly action: string | null;
  readonly operation: string;
  readonly principal: string;
  readonly resource: string;
  /** 1 for the first call with these five fields in a run, 2 for the second, … */
  readonly occurrence: number;
  readonly before: CallState;
  readonly after: CallState;
  readonly seqBefore: number | null;
  readonly seqAfter: number | null;
  readonly categoryBefore: Category | null;
  readonly categoryAfter: Category | null;
  /** `decision`: made in both runs with different verdicts; `reached`/`unreached`: made in one run only. */
  readonly kind: 'decision' | 'reached' | 'unreached';
}

/** Where the first denial went. */
export type DenialMove = 'none' | 'unchanged' | 'resolved' | 'introduced' | 'later' | 'earlier' | 'moved';

/** What differs between two results of (versions of) one scenario. */
export interface ResultDiff {
  readonly status: { readonly before: Status; readonly after: Status; readonly changed: boolean };
  readonly firstDenial: { readonly before: FirstDenial | null; readonly after: FirstDenial | null; readonly move: DenialMove };
  /** Calls whose decision changed, in the order of the run that made them (before's first). */
  readonly changes: readonly CallChange[];
  /** Structural issues present in only one of the runs. */
  readonly issues: { readonly added: readonly Issue[]; readonly removed: readonly Issue[] };
}

interface Keyed {
  readonly key: string;
  readonly occurrence: number;
  readonly ev: CallEvaluatedEvent;
}

function keyed(result: SimulationResult): Keyed[] {
  const seen = new Map<string, number>();
  const out: Keyed[] = [];
  for (const e of result.events) {
    if (e.type !== 'call.evaluated') continue;
    const key = callKey(e);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    out.push({ key: `${key}#${n}`, occurrence: n, ev: e });
  }
  return out;
}

const issueKey = (i: Issue) => `${i.code}|${i.path}`;

/** Compares two results call by call. Pure. */
export function diffResults(before: SimulationResult, after: SimulationResult): ResultDiff {
  const a = keyed(before);
  const b = keyed(after);
  const inAfter = new Map(b.map((k) => [k.key, k] as const));
  const inBefore = new Map(a.map((k) => [k.key, k] as const));
  const changes: CallChange[] = [];
  const change = (x: Keyed | undefined, y: Keyed | undefined): CallChange => {
    const ev = (x ?? y)!.ev;
    const before_: CallState = x ? x.ev.decision : 'NotReached';
    const after_: CallState = y ? y.ev.decision : 'NotReached';
    return {
      stage: ev.stage ?? null,
      action: ev.action ?? null,
      operation: ev.operation,
      principal: ev.principal,
      resource: ev.resource,
      occurrence: (x ?? y)!.occurrence,
      before: before_,
      after: after_,
      seqBefore: x?.ev.seq ?? null,
      seqAfter: y?.ev.seq ?? null,
      categoryBefore: x?.ev.category ?? null,
      categoryAfter: y?.ev.category ?? null,
      kind: x && y ? 'decision' : x ? 'unreached' : 'reached',
    };
  };
  for (const x of a) {
    const y = inAfter.get(x.key);
    if (!y || y.ev.decision !== x.ev.decision) changes.push(change(x, y));
  }
  for (const y of b) if (!inBefore.has(y.key)) changes.push(change(undefined, y));

  const beforeIssues = new Set(before.issues.map(issueKey));
  const afterIssues = new Set(after.issues.map(issueKey));
  return {
    status: { before: before.status, after: after.status, changed: before.status !== after.status },
    firstDenial: { before: before.firstDenial, after: after.firstDenial, move: denialMove(before, after, a, b) },
    changes,
    issues: { added: after.issues.filter((i) => !beforeIssues.has(issueKey(i))), removed: before.issues.filter((i) => !afterIssues.has(issueKey(i))) },
  };
}

function denialMove(before: SimulationResult, after: SimulationResult, a: readonly Keyed[], b: readonly Keyed[]): DenialMove {
  const d0 = before.firstDenial;
  const d1 = after.firstDenial;
  if (!d0 && !d1) return 'none';
  if (d0 && !d1) return 'resolved';
  if (!d0 && d1) return 'introduced';
  const k0 = a.find((k) => k.ev.seq === d0!.seq);
  const k1 = b.find((k) => k.ev.seq === d1!.seq);
  if (!k0 || !k1) return 'moved';
  if (k0.key === k1.key) return 'unchanged';
  // Where the old denial's call stands in the new run, and the new denial's call in the old run.
  const oldInNew = b.find((k) => k.key === k0.key);
  if (oldInNew) return oldInNew.ev.decision === 'Allowed' && oldInNew.ev.seq < k1.ev.seq ? 'later' : 'earlier';
  const newInOld = a.find((k) => k.key === k1.key);
  if (newInOld) return newInOld.ev.seq < k0.ev.seq ? 'earlier' : 'later';
  return 'moved';
}

/** What `whatIf` returns. */
export type WhatIfResult =
  | { readonly success: true; readonly before: SimulationResult; readonly after: SimulationResult; readonly patched: Scenario; readonly diff: ResultDiff }
  | { readonly success: false; readonly issues: readonly PatchIssue[] };

/** Runs a scenario before and after a patch and compares the runs. */
export async function whatIf(scenario: Scenario, patch: unknown, options: { readonly memo?: Memo; readonly before?: SimulationResult } = {}): Promise<WhatIfResult> {
  const applied = applyPatch(scenario, patch);
  if (!applied.success) return applied;
  const memo = options.memo ?? createMemo();
  const before = options.before ?? (await simulate(scenario, { memo }));
  const after = await simulate(applied.data, { memo });
  return { success: true, before, after, patched: applied.data, diff: diffResults(before, after) };
}
