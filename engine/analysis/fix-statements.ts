/**
 * The building blocks of proposed fixes: where each policy of a scenario lives (as a JSON Pointer),
 * least-privilege statements, and a draft that accumulates patch operations while keeping a
 * working copy of the scenario (so later steps see earlier ones: fresh Sids, new inline policies).
 * Pure.
 */
import { parseArn, roleName } from '../../model/arn.js';
import type { PolicyDocument, PolicyStatement, Scenario } from '../../model/schema.js';
import { wildcardRegExp } from '../../model/iam-match.js';
import { statementsOf } from '../../model/policy-document.js';
import { normaliseRoleArn } from '../../model/world.js';
import { applyOperations, pointer, type PatchOperation } from './patch.js';
import type { PolicyKind } from '../types.js';

/** A policy document of the scenario and where it lives. */
export interface PolicyLocation {
  /** JSON Pointer of the document (it may not exist yet: a key or bucket without a policy). */
  readonly pointer: string;
  readonly document: PolicyDocument | undefined;
  /** A phrase naming it (`the trust policy of ProdDeployRole`). */
  readonly label: string;
}

/** A statement condition block in AWS's shape. */
export type Condition = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

/** A draft fix: its operations and the scenario as they leave it. */
export interface Draft {
  readonly ops: PatchOperation[];
  /** The scenario with `ops` applied (plain JSON). */
  scenario: Scenario;
}

/** Starts a draft on a scenario. */
export function startDraft(scenario: Scenario): Draft {
  return { ops: [], scenario };
}

/** Adds operations to a draft; false (and nothing added) when they do not apply. */
export function pushOps(draft: Draft, ...ops: PatchOperation[]): boolean {
  const applied = applyOperations(draft.scenario, ops);
  if (!applied.success) return false;
  draft.ops.push(...ops);
  draft.scenario = applied.document as Scenario;
  return true;
}

/** The index of a role by ARN (IAM compares role names without case), or -1. */
export function roleIndex(scenario: Scenario, arn: string): number {
  const n = normaliseRoleArn(arn);
  return scenario.roles.findIndex((r) => normaliseRoleArn(r.arn) === n);
}

/** The statements of a policy document as a list. */
export function statementList(doc: PolicyDocument | undefined): PolicyStatement[] {
  return [...statementsOf(doc)];
}

/** Where a policy that took part in a decision lives, from its kind and the name the engine reports. */
export function locatePolicy(scenario: Scenario, kind: PolicyKind, name: string, callerRoleArn?: string): PolicyLocation | undefined {
  const caller = callerRoleArn ? roleIndex(scenario, callerRoleArn) : -1;
  const managed = () => {
    const j = scenario.managedPolicies.findIndex((p) => p.arn === name);
    return j < 0 ? undefined : { pointer: pointer('managedPolicies', j, 'document'), document: scenario.managedPolicies[j]!.document, label: `managed policy \`${name}\`` };
  };
  switch (kind) {
    case 'identity': {
      const role = scenario.roles[caller];
      if (role && Object.hasOwn(role.inlinePolicies, name)) {
        return { pointer: pointer('roles', caller, 'inlinePolicies', name), document: role.inlinePolicies[name], label: `inline policy \`${name}\` of \`${roleName(role.arn)}\`` };
      }
      return managed();
    }
    case 'boundary':
      return managed();
    case 'session': {
      const role = scenario.roles[caller];
      return role ? { pointer: pointer('roles', caller, 'sessionPolicy'), document: role.sessionPolicy, label: `the session policy of \`${roleName(role.arn)}\`` } : undefined;
    }
    case 'trust': {
      const i = roleIndex(scenario, name);
      return i < 0 ? undefined : { pointer: pointer('roles', i, 'trustPolicy'), document: scenario.roles[i]!.trustPolicy, label: `the trust policy of \`${roleName(name)}\`` };
    }
    case 'key': {
      const i = scenario.keys.findIndex((k) => k.arn === name);
      return i < 0 ? undefined : { pointer: pointer('keys', i, 'policy'), document: scenario.keys[i]!.policy, label: `the key policy of \`${name}\`` };
    }
    case 'bucket': {
      const i = scenario.buckets.findIndex((b) => b.name === name);
      return i < 0 ? undefined : { pointer: pointer('buckets', i, 'policy'), document: scenario.buckets[i]!.policy, label: `the bucket policy of \`${name}\`` };
    }
    case 'topic': {
      const i = scenario.snsTopics.findIndex((t) => t.arn === name);
      return i < 0 ? undefined : { pointer: pointer('snsTopics', i, 'policy'), document: scenario.snsTopics[i]!.policy, label: `the topic policy of \`${name}\`` };
    }
    case 'function': {
      const i = scenario.lambdaFunctions.findIndex((f) => f.arn === name);
      return i < 0 ? undefined : { pointer: pointer('lambdaFunctions', i, 'policy'), document: scenario.lambdaFunctions[i]!.policy, label: `the resource-based policy of \`${name}\`` };
    }
    case 'scp':
    case 'rcp': {
      const type = kind === 'scp' ? 'SERVICE_CONTROL_POLICY' : 'RESOURCE_CONTROL_POLICY';
      const i = scenario.organization?.policies.findIndex((p) => p.name === name && p.type === type) ?? -1;
      return i < 0 ? undefined : { pointer: pointer('organization', 'policies', i, 'document'), document: scenario.organization!.policies[i]!.document, label: `the ${kind.toUpperCase()} \`${name}\`` };
    }
    case 'grant':
    case 'aws-managed-key':
    case 'endpoint':
      return undefined;
  }
}

/** A Sid made of letters and digits (IAM allows nothing else), not yet used in the document. */
export function freshSid(doc: PolicyDocument | undefined, base: string): string {
  const clean = base.replace(/[^A-Za-z0-9]/g, '').slice(0, 100) || 'Statement';
  const taken = new Set(statementList(doc).map((s) => s.Sid).filter((s): s is string => typeof s === 'string'));
  if (!taken.has(clean)) return clean;
  for (let n = 2; ; n += 1) if (!taken.has(`${clean}${n}`)) return `${clean}${n}`;
}

/** The value at a JSON Pointer of the draft's working scenario. */
function valueAt(draft: Draft, ptr: string): unknown {
  let node: unknown = draft.scenario;
  for (const raw of ptr.split('/').slice(1)) {
    const s = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node)) node = node[Number(s)];
    else if (node !== null && typeof node === 'object') node = (node as Record<string, unknown>)[s];
    else return undefined;
  }
  return node;
}

/**
 * Appends a statement to the document at `docPointer` (creating the document when it is missing,
 * turning a single-statement document into a list); the Sid is made unique. Returns the Sid used.
 */
export function appendStatement(draft: Draft, docPointer: string, statement: PolicyStatement & { readonly Sid: string }): string | undefined {
  const doc = valueAt(draft, docPointer) as PolicyDocument | undefined;
  const sid = freshSid(doc, statement.Sid);
  const stmt = { ...statement, Sid: sid };
  let ok: boolean;
  if (doc === undefined) ok = pushOps(draft, { op: 'add', path: docPointer, value: { Version: '2012-10-17', Statement: [stmt] } });
  else if (Array.isArray(doc.Statement)) ok = pushOps(draft, { op: 'add', path: `${docPointer}/Statement/-`, value: stmt });
  else ok = pushOps(draft, { op: 'replace', path: `${docPointer}/Statement`, value: [doc.Statement, stmt] });
  return ok ? sid : undefined;
}

/**
 * Adds an identity-policy statement to a role: appended to its first inline policy, or in a new
 * inline policy when it has none (managed policies are shared, so they are left alone).
 */
export function addIdentityStatement(draft: Draft, roleArn: string, statement: PolicyStatement & { readonly Sid: string }): string | undefined {
  const i = roleIndex(draft.scenario, roleArn);
  const role = draft.scenario.roles[i];
  if (!role) return undefined;
  const names = Object.keys(role.inlinePolicies ?? {});
  const first = names[0];
  if (first !== undefined) return appendStatement(draft, pointer('roles', i, 'inlinePolicies', first), statement);
  if (role.inlinePolicies === undefined && !pushOps(draft, { op: 'add', path: pointer('roles', i, 'inlinePolicies'), value: {} })) return undefined;
  return appendStatement(draft, pointer('roles', i, 'inlinePolicies', 'PipelineAccess'), statement);
}

/** `Allow <operation> on <resource>` for an identity policy. */
export function identityStatement(sid: string, operation: string, resource: string, condition?: Condition): PolicyStatement & { readonly Sid: string } {
  return { Sid: sid, Effect: 'Allow', Action: operation, Resource: resource, ...(condition ? { Condition: condition as PolicyStatement['Condition'] } : {}) };
}

/** `Allow <principal> to <operation> [on <resource>]` for a resource policy (no Resource in a trust policy). */
export function resourceStatement(sid: string, principal: { readonly AWS: string } | { readonly Service: string }, operation: string, resource: string | undefined, condition?: Condition): PolicyStatement & { readonly Sid: string } {
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: { ...principal },
    Action: operation,
    ...(resource !== undefined ? { Resource: resource } : {}),
    ...(condition ? { Condition: condition as PolicyStatement['Condition'] } : {}),
  };
}

/** A Sid stem from words: `Allow` + each word capitalised (`AllowProdDeployRoleKmsDecrypt`). */
export function sidFor(...words: readonly string[]): string {
  return words
    .flatMap((w) => w.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** The short name of an ARN for Sids and words (`ProdDeployRole`, `checkout-build`). */
export function shortName(arn: string): string {
  const p = parseArn(arn);
  if (!p) return arn;
  if (p.service === 'iam') return roleName(arn);
  return p.resource.split(/[/:]/).filter(Boolean).pop() ?? p.resource;
}

/**
 * Whether an IAM pattern (with `*` and `?`) matches a value. Actions compare without case, as
 * IAM does; resources with case. Pure.
 */
export function globMatches(pattern: string, value: string, ignoreCase = false): boolean {
  return wildcardRegExp(pattern, ignoreCase ? 'i' : '').test(value);
}

/**
 * Whether every value an IAM pattern `inner` matches is also matched by `outer` (`*`-expansion
 * understood; sound, not complete: `?` in `outer` never stands for a `*` of `inner`). Pure.
 */
export function globCovers(outer: string, inner: string, ignoreCase = false): boolean {
  const o = ignoreCase ? outer.toLowerCase() : outer;
  const i = ignoreCase ? inner.toLowerCase() : inner;
  const memo = new Map<string, boolean>();
  const go = (a: number, b: number): boolean => {
    const key = `${a},${b}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (a === o.length) r = b === i.length;
    else if (o[a] === '*') r = go(a + 1, b) || (b < i.length && go(a, b + 1));
    else if (b === i.length) r = false;
    else if (o[a] === '?') r = i[b] !== '*' && go(a + 1, b + 1);
    else r = i[b] !== '*' && i[b] !== '?' && o[a] === i[b] && go(a + 1, b + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}
