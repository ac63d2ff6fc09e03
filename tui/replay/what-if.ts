/**
 * What-if in the replay, as plain data: the runs of a session (each a scenario, its result and
 * the change that led to it), the requests the reducer hands to the effect hook, the statements
 * the detail pane can toggle, and the words the panes use for a change. Nothing here evaluates a
 * policy or simulates; the effect hook in `app.tsx` does. Pure.
 */
import { callKey, type RunOutcome, type VerifiedFix } from '../../engine/analysis/diagnose.js';
import { pointer, type JsonPatch } from '../../engine/analysis/patch.js';
import type { CallEvaluatedEvent, SimulationResult, TraceEvent } from '../../engine/types.js';
import type { CallChange, ResultDiff } from '../../engine/analysis/whatif.js';
import type { Scenario } from '../../model/schema.js';

/** A change applied to the scenario: a proposed fix, or one statement toggled off or back on. */
export interface AppliedChange {
  readonly kind: 'fix' | 'statement-off' | 'statement-on';
  /** One line: what changed (the fix's description, or `statement 1 DenyProdReads of … off`). */
  readonly description: string;
  readonly patch: JsonPatch;
}

/** A statement toggled off: removed from the scenario, still drawn (struck) where it stood. */
export interface RemovedStatement {
  /** JSON Pointer of the policy document in the scenario. */
  readonly document: string;
  /** What the document is, in words. */
  readonly title: string;
  /** Its place among the document's statements as drawn (the ones toggled off included). */
  readonly at: number;
  readonly statement: unknown;
  /** `callKey` of the call it was toggled on, so that call's detail keeps showing it. */
  readonly call: string;
}

/** One run of the session. */
export interface WhatIfRun {
  /** Null when the replay was opened without a scenario (nothing can be re-run then). */
  readonly scenario: Scenario | null;
  readonly result: SimulationResult;
  /** The change that led here from the run before; null for the opening run. */
  readonly change: AppliedChange | null;
  /** What differs from the run before; null for the opening run. */
  readonly diff: ResultDiff | null;
  /** The verified fixes of this run's first denial, once found. */
  readonly fixes: readonly VerifiedFix[] | null;
  /** The statements toggled off in this run's scenario. */
  readonly removed: readonly RemovedStatement[];
}

/** Work the reducer asks the effect hook to do; its answer comes back with the same `id`. */
export type WhatIfRequest =
  | { readonly kind: 'fixes'; readonly id: number; readonly scenario: Scenario; readonly result: SimulationResult }
  | {
      readonly kind: 'apply';
      readonly id: number;
      readonly scenario: Scenario;
      readonly result: SimulationResult;
      readonly patch: JsonPatch;
      readonly change: AppliedChange;
      /** The toggled-off statements once the patch is applied. */
      readonly removed: readonly RemovedStatement[];
    };

/** Which statement the detail pane's statement cursor is on: a document and a place in it. */
export interface StatementKey {
  readonly document: string;
  readonly at: number;
}

/** A statement the detail pane shows and space can toggle, with the lines it takes there. */
export interface StatementTarget extends StatementKey {
  readonly title: string;
  readonly sid?: string;
  readonly statement: unknown;
  /** Toggled off: removed from the scenario, drawn struck. */
  readonly off: boolean;
  /** The document's `Statement` is one object rather than a list. */
  readonly single: boolean;
  /** First line of the statement in the detail pane, and the line after its last. */
  readonly start: number;
  readonly end: number;
}

/** The statement a cursor key stands on: the matching target, else the first. Pure. */
export function cursorTarget(targets: readonly StatementTarget[], key: StatementKey | null): StatementTarget | undefined {
  return (key && targets.find((t) => t.document === key.document && t.at === key.at)) || targets[0];
}

/** The patch that toggles a statement, and the toggled-off list after it. Pure. */
export function togglePatch(target: Omit<StatementTarget, 'start' | 'end'>, removed: readonly RemovedStatement[], call: string): { readonly change: AppliedChange; readonly removed: readonly RemovedStatement[] } {
  const { document, at } = target;
  // INVARIANT: a document's statements as drawn are its live statements with the removed ones
  // put back at their `at`; so the live index is `at` minus the removed ones drawn before it.
  const index = at - removed.filter((r) => r.document === document && r.at < at).length;
  const name = `statement ${at}${target.sid ? ` ${target.sid}` : ''} of ${target.title}`;
  const path = `${document}${pointer('Statement', index)}`;
  if (target.off) {
    return {
      change: { kind: 'statement-on', description: `${name} back on`, patch: [{ op: 'add', path, value: target.statement }] },
      removed: removed.filter((r) => !(r.document === document && r.at === at)),
    };
  }
  // A lone statement object becomes an empty list (restoring it adds it to that list).
  const patch: JsonPatch = target.single
    ? [
        { op: 'test', path: `${document}/Statement`, value: target.statement },
        { op: 'replace', path: `${document}/Statement`, value: [] },
      ]
    : [
        { op: 'test', path, value: target.statement },
        { op: 'remove', path },
      ];
  return {
    change: { kind: 'statement-off', description: `${name} off`, patch },
    removed: [...removed, { document, title: target.title, at, statement: target.statement, call }],
  };
}

/** How the calls of a run changed against the run before: seq → `decision` (△) or `reached` (+). Pure. */
export function changedSeqs(diff: ResultDiff | null): ReadonlyMap<number, CallChange> {
  const out = new Map<number, CallChange>();
  for (const c of diff?.changes ?? []) if (c.seqAfter !== null) out.set(c.seqAfter, c);
  return out;
}

/** The counts a change summary gives. Pure. */
export function changeCounts(diff: ResultDiff): { readonly decision: number; readonly reached: number; readonly unreached: number } {
  let decision = 0;
  let reached = 0;
  let unreached = 0;
  for (const c of diff.changes) {
    if (c.kind === 'decision') decision += 1;
    else if (c.kind === 'reached') reached += 1;
    else unreached += 1;
  }
  return { decision, reached, unreached };
}

/** What a change did to the outcome, in words: `Failed → Succeeded`, `first denial moved from #39 to #57`. Pure. */
export function outcomeChange(diff: ResultDiff): string {
  const { status, firstDenial } = diff;
  if (status.changed) return `${status.before} → ${status.after}`;
  const b = firstDenial.before;
  const a = firstDenial.after;
  switch (firstDenial.move) {
    case 'none':
      return `still ${status.after}`;
    case 'unchanged':
      return `still ${status.after}: first denial still at #${a?.seq ?? '?'}`;
    case 'later':
    case 'earlier':
    case 'moved':
    case 'resolved':
    case 'introduced':
      return b && a ? `first denial moved from #${b.seq} to #${a.seq}${firstDenial.move === 'moved' ? '' : ` (${firstDenial.move})`}` : `still ${status.after}`;
  }
}

/** Where a fix leads, in words: `✔ Succeeded`, `✖ Failed · next denial at #57 kms:Decrypt [KEY_POLICY]`. Pure. */
export function fixOutcomeText(outcome: RunOutcome): string {
  if (outcome.status === 'Succeeded') return '✔ Succeeded';
  const d = outcome.firstDenial;
  if (d) return `✖ ${outcome.status} · next denial at #${d.seq} ${d.operation} [${d.category}]${d.action ? ` in ${d.stage ?? ''}/${d.action}` : ''}`;
  const issue = outcome.issues[0];
  return `✖ ${outcome.status}${issue ? `: ${issue.message}` : ''}`;
}

/** The identity of a call across runs, as `engine/diagnose` matches calls. Pure. */
export function callIdentity(e: Pick<CallEvaluatedEvent, 'stage' | 'action' | 'operation' | 'principal' | 'resource'>): string {
  return callKey(e);
}

function identityOf(e: TraceEvent): string {
  return e.type === 'call.evaluated' ? `call ${callKey(e)}` : `${e.type} ${JSON.stringify([e.stage ?? null, e.action ?? null])}`;
}

/**
 * The seq in `after` of the event that stands where `seq` stood in `before`: the same call (or
 * the same kind of event of the same stage and action), the same occurrence of it; else the
 * nearest seq. Pure.
 */
export function relocateSeq(before: readonly TraceEvent[], after: readonly TraceEvent[], seq: number | null): number | null {
  if (seq === null) return after[after.length - 1]?.seq ?? null;
  const at = before.findIndex((e) => e.seq === seq);
  const event = before[at];
  if (!event) return seq;
  const id = identityOf(event);
  const nth = before.slice(0, at + 1).filter((e) => identityOf(e) === id).length;
  let n = 0;
  for (const e of after) {
    if (identityOf(e) === id && ++n === nth) return e.seq;
  }
  return seq;
}

/** The JSON Pointer of a policy document found in the scenario, by identity; undefined when it is not the scenario's own (an AWS managed key, FullAWSAccess). Pure. */
export function documentPointer(scenario: Scenario, document: unknown): string | undefined {
  for (const [i, role] of scenario.roles.entries()) {
    if (role.trustPolicy === document) return pointer('roles', i, 'trustPolicy');
    if (role.sessionPolicy === document) return pointer('roles', i, 'sessionPolicy');
    for (const [name, doc] of Object.entries(role.inlinePolicies)) if (doc === document) return pointer('roles', i, 'inlinePolicies', name);
  }
  for (const [i, p] of scenario.managedPolicies.entries()) if (p.document === document) return pointer('managedPolicies', i, 'document');
  for (const [i, k] of scenario.keys.entries()) if (k.policy === document) return pointer('keys', i, 'policy');
  for (const [i, b] of scenario.buckets.entries()) if (b.policy === document) return pointer('buckets', i, 'policy');
  for (const [i, t] of scenario.snsTopics.entries()) if (t.policy === document) return pointer('snsTopics', i, 'policy');
  for (const [i, f] of scenario.lambdaFunctions.entries()) if (f.policy === document) return pointer('lambdaFunctions', i, 'policy');
  for (const [i, p] of (scenario.organization?.policies ?? []).entries()) if (p.document === document) return pointer('organization', 'policies', i, 'document');
  return undefined;
}

/** The value at a JSON Pointer of the scenario, or undefined. Pure. */
export function valueAt(scenario: Scenario, ptr: string): unknown {
  let node: unknown = scenario;
  for (const raw of ptr.split('/').slice(1)) {
    const s = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node)) node = node[Number(s)];
    else if (node !== null && typeof node === 'object' && Object.hasOwn(node, s)) node = (node as Record<string, unknown>)[s];
    else return undefined;
  }
  return node;
}
