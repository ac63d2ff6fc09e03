/**
 * Candidate fixes for the first denial (or the first structural issue) of a run: the smallest
 * least-privilege changes, each a JSON Patch against the scenario with a one-line description.
 * Candidates are proposals; engine/analysis/diagnose.ts applies each to a copy and re-simulates before it
 * shows one. Pure.
 *
 * Least privilege: the exact principal (the role ARN, never the session; a service principal for
 * a service), the exact operation and the exact resource (the key ARN, the role ARN; for artifact
 * objects, the objects of that one artifact of that one pipeline, since CodePipeline names each
 * execution's object anew), narrowed further by the request's own facts where AWS supports it
 * (`kms:ViaService`, `iam:PassedToService`, `aws:SourceAccount`/`aws:SourceArn`).
 */
import { parseArn, roleName } from '../../model/arn.js';
import type { KmsKey, PolicyStatement, Role, Scenario } from '../../model/schema.js';
import { buildWorld, findRole, keyInRegion, resolveKey, type World } from '../../model/world.js';
import {
  addIdentityStatement,
  appendStatement,
  globMatches,
  identityStatement,
  listOf,
  locatePolicy,
  pushOps,
  resourceStatement,
  roleIndex,
  shortName,
  sidFor,
  startDraft,
  statementList,
  type Condition,
  type Draft,
} from './fix-statements.js';
import { policyChain } from '../policy/org-policies.js';
import { pointer, type JsonPatch, type PatchOperation } from './patch.js';
import { planPipeline, type Plan } from '../execution/plan.js';
import type { CallEvaluatedEvent, Category, Issue, PolicyKind, SimulationResult } from '../types.js';

/** Where a fix changes the scenario. */
export type FixTarget =
  | 'trust-policy'
  | 'identity-policy'
  | 'key-policy'
  | 'key-grant'
  | 'bucket-policy'
  | 'resource-policy'
  | 'guardrail'
  | 'deny'
  | 'artifact-store'
  | 'key'
  | 'pipeline'
  | 'approval'
  | 'bucket';

/** A proposed fix, not yet verified. */
export interface FixCandidate {
  /** Stable id of the kind of fix (`key-policy`, `key-grant`, `identity-policy`, …). */
  readonly id: string;
  /** Candidates of one group are variants of one fix: only the first that verifies is shown. */
  readonly group: string;
  readonly target: FixTarget;
  /** One line: what changes, where. */
  readonly description: string;
  readonly patch: JsonPatch;
  /** Said with the fix when it weakens a guardrail or needs more than the patch. */
  readonly warning?: string;
  /** ARNs and bucket names this fix adds to the pipeline: denials on them are completed into it. */
  readonly creates?: readonly string[];
}

/** Options of candidate generation. */
export interface CandidateOptions {
  /** Prefer the identity policy where either side would do (a role the fix itself created). */
  readonly preferIdentity?: boolean;
}

/** What the generators know about the denial. */
interface DenialContext {
  readonly scenario: Scenario;
  readonly world: World;
  readonly plan: Plan | null;
  readonly ev: CallEvaluatedEvent;
  readonly category: Category;
  /** The caller's role (undefined for a service principal). */
  readonly callerRole: Role | undefined;
  /** The service principal, for a service caller. */
  readonly service: string | undefined;
  readonly key: KmsKey | undefined;
  /** The resource ARN as the policies should name it (key ARN, role ARN in its own case). */
  readonly resource: string;
  readonly sameAccount: boolean;
  readonly options: CandidateOptions;
}

const CORE_KINDS: ReadonlySet<PolicyKind> = new Set(['identity', 'trust', 'key', 'aws-managed-key', 'bucket', 'topic', 'function']);
const GUARD_KINDS: ReadonlySet<PolicyKind> = new Set(['scp', 'rcp', 'boundary', 'session']);

/** Candidate fixes for a run's first denial or first structural issue (none for a run that succeeded). Pure. */
export function candidateFixes(scenario: Scenario, result: SimulationResult, options: CandidateOptions = {}): FixCandidate[] {
  if (result.status === 'Invalid') {
    const issue = result.issues[0];
    return issue ? structuralCandidates(scenario, issue) : [];
  }
  const ev = denialEvent(result);
  if (!ev) return [];
  const dc = denialContext(scenario, ev, options);
  switch (dc.category) {
    case 'EXPLICIT_DENY':
      return denyCandidates(dc);
    case 'AWS_MANAGED_KEY':
      return awsManagedKeyCandidates(dc);
    case 'KEY_ALIAS_CROSS_ACCOUNT':
      return aliasCandidates(dc);
    case 'KEY_STATE':
      return keyStateCandidates(dc);
    case 'APPROVAL_PERMISSION':
      return approvalCandidates(dc);
    case 'UNKNOWN_RESOURCE':
      return unknownRoleCandidates(dc);
    case 'STRUCTURE':
      return [];
    case 'TRUST_POLICY':
    case 'CALLER_ASSUME_PERMISSION':
    case 'KEY_POLICY':
    case 'KEY_IDENTITY_PERMISSION':
    case 'BUCKET_POLICY':
    case 'BUCKET_IDENTITY_PERMISSION':
    case 'MISSING_REGION_ARTIFACT_STORE':
    case 'PASS_ROLE':
    case 'SERVICE_ROLE_TRUST':
    case 'ARTIFACT_ACCOUNT_BOUNDARY':
    case 'IDENTITY_PERMISSION':
    case 'RESOURCE_POLICY':
    case 'GUARDRAIL':
      return dc.ev.missingAllow.includes('aws-managed-key') ? awsManagedKeyCandidates(dc) : missingAllowCandidates(dc);
  }
}

/** The `call.evaluated` event of a result's first denial. Pure. */
export function denialEvent(result: SimulationResult): CallEvaluatedEvent | undefined {
  const seq = result.firstDenial?.seq;
  if (seq === undefined) return undefined;
  return result.events.find((e): e is CallEvaluatedEvent => e.type === 'call.evaluated' && e.seq === seq);
}

function denialContext(scenario: Scenario, ev: CallEvaluatedEvent, options: CandidateOptions): DenialContext {
  const world = buildWorld(scenario);
  const planned = planPipeline(scenario, world);
  const callerRole = ev.sessionArn !== undefined ? findRole(world, ev.principal) : undefined;
  const service = ev.sessionArn === undefined && !ev.principal.startsWith('arn:') ? ev.principal : undefined;
  const op = ev.operation.toLowerCase();
  let key: KmsKey | undefined;
  let resource = ev.resource;
  if (op.startsWith('kms:')) {
    const resolved = resolveKey(world, ev.resource, { account: ev.callerAccount, region: ev.region });
    key = resolved.key;
    if (key) resource = key.arn;
  } else if (op.startsWith('sts:assumerole') || op === 'iam:passrole') {
    resource = findRole(world, ev.resource)?.arn ?? ev.resource;
  }
  const resourceAccount = key ? parseArn(key.arn)?.account ?? ev.resourceAccount : ev.resourceAccount;
  return {
    scenario,
    world,
    plan: planned.plan,
    ev,
    category: ev.category ?? 'STRUCTURE',
    callerRole,
    service,
    key,
    resource,
    sameAccount: ev.callerAccount !== '' && ev.callerAccount === resourceAccount,
    options,
  };
}

// ---------------------------------------------------------------------------
// Missing allows: add what each document that must allow lacks
// ---------------------------------------------------------------------------

/** One way to satisfy one document that must allow. */
interface Alternative {
  readonly id: string;
  readonly target: FixTarget;
  /** Kinds this alternative satisfies (a grant to the role stands for key policy and IAM). */
  readonly covers: readonly PolicyKind[];
  /** Kinds it needs besides (root delegation needs the identity policy). */
  readonly requires?: readonly PolicyKind[];
  readonly warning?: string;
  /** Applies it to a draft; the words describing it, or undefined when it does not apply. */
  readonly apply: (draft: Draft) => string | undefined;
}

function missingAllowCandidates(dc: DenialContext): FixCandidate[] {
  const kinds = dc.ev.missingAllow;
  const core = kinds.filter((k) => CORE_KINDS.has(k));
  const guards = kinds.filter((k) => GUARD_KINDS.has(k));
  if (core.length === 0 && guards.length === 0) return [];
  const rk = core.find((k) => k !== 'identity');
  // Same account, and a resource policy that is not required: either side alone is enough.
  let options: PolicyKind[][] = [core];
  if (dc.sameAccount && rk && (rk === 'bucket' || rk === 'topic' || rk === 'function') && core.includes('identity')) {
    const resourceFirst = !dc.options.preferIdentity && (dc.category === 'BUCKET_POLICY' || dc.category === 'RESOURCE_POLICY');
    options = resourceFirst ? [[rk], ['identity']] : [['identity'], [rk]];
  }
  const out: FixCandidate[] = [];
  for (const required of options) {
    const primary = required.find((k) => k !== 'identity') ?? required[0];
    const primaries = primary ? alternativesFor(primary, dc) : [];
    // Only guardrails are missing: the guardrail alternatives are the fix.
    const heads = primaries.length > 0 ? primaries : guards.length > 0 ? [undefined] : [];
    for (const head of heads) {
      const draft = startDraft(dc.scenario);
      const words: string[] = [];
      const warnings: string[] = [];
      let ok = true;
      const covered = new Set<PolicyKind>();
      const use = (alt: Alternative | undefined) => {
        if (!ok) return;
        if (!alt) {
          ok = false;
          return;
        }
        const w = alt.apply(draft);
        if (w === undefined) {
          ok = false;
          return;
        }
        words.push(w);
        if (alt.warning) warnings.push(alt.warning);
        for (const k of alt.covers) covered.add(k);
      };
      if (head) use(head);
      const needed = [...required, ...(head?.requires ?? [])];
      for (const k of needed) if (!covered.has(k)) use(alternativesFor(k, dc)[0]);
      for (const g of guards) if (!covered.has(g)) use(alternativesFor(g, dc)[0]);
      if (!ok || draft.ops.length === 0) continue;
      out.push({
        id: head?.id ?? 'guardrail',
        group: `${required.join('+')}:${head?.id.replace(/-(bare|with-identity)$/, '') ?? 'guardrail'}`,
        target: head?.target ?? 'guardrail',
        description: words.join('; '),
        patch: draft.ops,
        ...(warnings.length ? { warning: warnings.join('; ') } : {}),
      });
    }
  }
  return out;
}

/** Conditions an identity-side statement can carry from the request. */
function requestCondition(dc: DenialContext): Condition | undefined {
  const via = dc.ev.context['kms:ViaService'];
  if (typeof via === 'string' && dc.ev.operation.toLowerCase().startsWith('kms:')) return { StringEquals: { 'kms:ViaService': via } };
  const passed = dc.ev.context['iam:PassedToService'];
  if (typeof passed === 'string' && dc.ev.operation.toLowerCase() === 'iam:passrole') return { StringEquals: { 'iam:PassedToService': passed } };
  return undefined;
}

/** The confused-deputy conditions of a service's request (`aws:SourceAccount`, `aws:SourceArn`). */
function serviceCondition(dc: DenialContext): Condition | undefined {
  const account = dc.ev.context['aws:SourceAccount'];
  const source = dc.ev.context['aws:SourceArn'];
  const out: Record<string, Record<string, string>> = {};
  if (typeof account === 'string') out['StringEquals'] = { 'aws:SourceAccount': account };
  if (typeof source === 'string') out['ArnLike'] = { 'aws:SourceArn': source };
  return Object.keys(out).length ? out : undefined;
}

/**
 * The resource a statement should name: the key ARN, the role ARN; for an artifact object, the
 * objects of that artifact of that pipeline (`<bucket>/<pipeline>/<artifact>/*`); else the
 * resource itself.
 */
export function scopedResource(scenario: Scenario, operation: string, resource: string): string {
  if (!operation.toLowerCase().startsWith('s3:')) return resource;
  const arn = parseArn(resource);
  if (!arn) return resource;
  const [bucket, ...key] = arn.resource.split('/');
  const decl = scenario.pipeline.pipeline;
  const stores = [decl.artifactStore, ...Object.values(decl.artifactStores ?? {})].filter((s) => s !== undefined);
  const prefix = decl.name.slice(0, 20);
  if (stores.some((s) => s.location === bucket) && key.length >= 3 && key[0] === prefix) return `arn:aws:s3:::${bucket}/${key[0]}/${key[1]}/*`;
  return resource;
}

function principalOf(dc: DenialContext): { readonly AWS: string } | { readonly Service: string } | undefined {
  if (dc.callerRole) return { AWS: dc.callerRole.arn };
  if (dc.service) return { Service: dc.service };
  return undefined;
}

function who(dc: DenialContext): string {
  return dc.callerRole ? `\`${dc.callerRole.arn}\`` : `\`${dc.service ?? dc.ev.principal}\``;
}

/** The ways to satisfy one kind of document, best first. */
function alternativesFor(kind: PolicyKind, dc: DenialContext): Alternative[] {
  const op = dc.ev.operation;
  const res = scopedResource(dc.scenario, op, dc.resource);
  const cond = requestCondition(dc);
  const principal = principalOf(dc);
  const who_ = who(dc);
  const viaWords = (c: Condition | undefined) => {
    const v = c?.['StringEquals']?.['kms:ViaService'] ?? c?.['StringEquals']?.['iam:PassedToService'];
    return v ? ` (only ${c?.['StringEquals']?.['kms:ViaService'] ? 'through' : 'passed to'} \`${String(v)}\`)` : '';
  };
  const withAndWithout = (c: Condition | undefined) => (c ? [c, undefined] : [undefined]);
  switch (kind) {
    case 'identity': {
      const role = dc.callerRole;
      if (!role) return [];
      return withAndWithout(cond).map((c, i) => ({
        id: i === 0 ? 'identity-policy' : 'identity-policy-bare',
        target: 'identity-policy' as const,
        covers: ['identity'],
        apply: (draft: Draft) => {
          const sid = addIdentityStatement(draft, role.arn, identityStatement(sidFor('Allow', op), op, res, c));
          return sid ? `identity policy of \`${roleName(role.arn)}\`: allow \`${op}\` on \`${res}\`${viaWords(c)}` : undefined;
        },
      }));
    }
    case 'trust': {
      const target = findRole(dc.world, dc.resource);
      if (!target || !principal) return [];
      const conds = dc.service ? withAndWithout(serviceCondition(dc)) : [undefined];
      return conds.map((c, i) => ({
        id: i === 0 ? 'trust-policy' : 'trust-policy-bare',
        target: 'trust-policy' as const,
        covers: ['trust'],
        apply: (draft: Draft) => {
          const i2 = roleIndex(draft.scenario, target.arn);
          const sid = appendStatement(draft, pointer('roles', i2, 'trustPolicy'), resourceStatement(sidFor('Trust', dc.callerRole ? roleName(dc.callerRole.arn) : dc.service ?? 'caller'), principal, op, undefined, c));
          const limits = c ? ` (for requests from account \`${String(c['StringEquals']?.['aws:SourceAccount'] ?? '')}\` and \`${String(c['ArnLike']?.['aws:SourceArn'] ?? '')}\`)` : '';
          return sid ? `trust policy of \`${roleName(target.arn)}\`: allow ${who_} to \`${op}\`${limits}` : undefined;
        },
      }));
    }
    case 'key': {
      const key = dc.key;
      if (!key || !principal || key.keyManager === 'AWS') return [];
      const k = dc.scenario.keys.findIndex((x) => x.arn === key.arn);
      if (k < 0) return [];
      const keyStatement = (p: { readonly AWS: string } | { readonly Service: string }, c: Condition | undefined, sid: string) => (draft: Draft) =>
        appendStatement(draft, pointer('keys', k, 'policy'), resourceStatement(sid, p, op, key.arn, c));
      const out: Alternative[] = withAndWithout(cond).map((c, i) => ({
        id: i === 0 ? 'key-policy' : 'key-policy-bare',
        target: 'key-policy' as const,
        covers: ['key'],
        apply: (draft: Draft) => (keyStatement(principal, c, sidFor('Allow', shortName(dc.ev.principal), op))(draft) ? `key policy of \`${key.arn}\`: allow ${who_} to \`${op}\`${viaWords(c)}` : undefined),
      }));
      if (dc.callerRole) {
        const role = dc.callerRole;
        const opName = op.split(':')[1] ?? op;
        out.push({
          id: 'key-grant',
          target: 'key-grant',
          covers: ['key', 'identity'],
          apply: (draft) => {
            const grant = { name: `${roleName(role.arn)}-${opName}`, granteePrincipal: role.arn, operations: [opName] };
            return pushOps(draft, { op: 'add', path: pointer('keys', k, 'grants', '-'), value: grant }) ? `grant on key \`${key.arn}\`: \`${role.arn}\` may \`${opName}\` (no key-policy or IAM change)` : undefined;
          },
        });
        const account = parseArn(role.arn)?.account ?? '';
        const root = `arn:aws:iam::${account}:root`;
        const delegates = statementList(key.policy).some((s) => s.Effect === 'Allow' && listOf(principalValues(s)).includes(root));
        if (!delegates) {
          for (const withIdentity of dc.sameAccount && !dc.ev.missingAllow.includes('identity') ? [false, true] : [true]) {
            out.push({
              id: withIdentity ? 'key-root-delegation-with-identity' : 'key-root-delegation-bare',
              target: 'key-policy',
              covers: ['key'],
              ...(withIdentity ? { requires: ['identity' as const] } : {}),
              apply: (draft) =>
                keyStatement({ AWS: root }, cond, sidFor('Delegate', account, op))(draft)
                  ? `key policy of \`${key.arn}\`: delegate \`${op}\`${viaWords(cond)} to account \`${account}\`, whose IAM policies then decide`
                  : undefined,
            });
          }
        }
      }
      return out;
    }
    case 'bucket':
    case 'topic':
    case 'function': {
      if (!principal) return [];
      const bucketName = kind === 'bucket' ? (parseArn(dc.resource)?.resource.split('/')[0] ?? '') : '';
      const loc = locatePolicy(dc.scenario, kind, kind === 'bucket' ? bucketName : dc.resource);
      if (!loc) return [];
      return [
        {
          id: kind === 'bucket' ? 'bucket-policy' : 'resource-policy',
          target: kind === 'bucket' ? 'bucket-policy' : 'resource-policy',
          covers: [kind],
          apply: (draft) => (appendStatement(draft, loc.pointer, resourceStatement(sidFor('Allow', shortName(dc.ev.principal), op), principal, op, res)) ? `${loc.label.replace(/^the /, '')}: allow ${who_} to \`${op}\` on \`${res}\`` : undefined),
        },
      ];
    }
    case 'boundary':
    case 'session': {
      const role = dc.callerRole;
      if (!role) return [];
      const loc = kind === 'boundary' ? (role.permissionsBoundary ? locatePolicy(dc.scenario, 'boundary', role.permissionsBoundary) : undefined) : locatePolicy(dc.scenario, 'session', '', role.arn);
      if (!loc) return [];
      return [
        {
          id: kind === 'boundary' ? 'permissions-boundary' : 'session-policy',
          target: 'guardrail',
          covers: [kind],
          ...(kind === 'boundary' ? { warning: `the permissions boundary \`${role.permissionsBoundary ?? ''}\` is a managed policy: it now leaves room for \`${op}\` on \`${res}\` to every role it bounds` } : {}),
          apply: (draft) => (appendStatement(draft, loc.pointer, identityStatement(sidFor('Allow', op), op, res, cond)) ? `${loc.label.replace(/^the /, '')}: allow \`${op}\` on \`${res}\`` : undefined),
        },
      ];
    }
    case 'scp': {
      const role = dc.callerRole;
      if (!role) return [];
      const levels = policyChain(dc.world, dc.ev.callerAccount, 'SERVICE_CONTROL_POLICY');
      const lacking = levels.filter((l) => !l.policies.some((p) => statementList(p.document).some((s) => s.Effect === 'Allow' && statementCovers(s, op, dc.resource))));
      if (lacking.length === 0) return [];
      const byCondition = { ArnEquals: { 'aws:PrincipalArn': role.arn } };
      return [byCondition, undefined].map((c, i) => ({
        id: i === 0 ? 'scp-allow' : 'scp-allow-bare',
        target: 'guardrail' as const,
        covers: ['scp'],
        warning: `changes a service control policy: ${lacking.map((l) => `\`${l.target}\``).join(', ')} now allow \`${op}\` on \`${res}\`${c ? ` for \`${role.arn}\`` : ' for every principal below'}`,
        apply: (draft: Draft) => {
          const names: string[] = [];
          for (const level of lacking) {
            const policy = level.policies.find((p) => statementList(p.document).some((s) => s.Effect === 'Allow'));
            if (!policy) return undefined;
            const loc = locatePolicy(draft.scenario, 'scp', policy.name);
            if (!loc || !appendStatement(draft, loc.pointer, { ...identityStatement(sidFor('Allow', roleName(role.arn), op), op, res), ...(c ? { Condition: c as PolicyStatement['Condition'] } : {}) })) return undefined;
            names.push(`\`${policy.name}\``);
          }
          return `SCP ${names.join(', ')}: allow \`${op}\` on \`${res}\`${c ? ` for \`${role.arn}\`` : ''}`;
        },
      }));
    }
    case 'aws-managed-key':
    case 'rcp':
    case 'grant':
    case 'endpoint':
      return [];
  }
}

function principalValues(s: PolicyStatement): string[] {
  const p = s.Principal;
  if (p === undefined) return [];
  if (p === '*') return ['*'];
  return Object.values(p).flatMap((v) => listOf(v));
}

/** Whether a statement's Action and Resource cover a call (conditions not considered). */
function statementCovers(s: PolicyStatement, operation: string, resource: string): boolean {
  const actionOk = s.Action !== undefined ? listOf(s.Action).some((a) => globMatches(a, operation, true)) : s.NotAction !== undefined ? !listOf(s.NotAction).some((a) => globMatches(a, operation, true)) : false;
  const resourceOk = s.Resource !== undefined ? listOf(s.Resource).some((r) => globMatches(r, resource)) : s.NotResource !== undefined ? !listOf(s.NotResource).some((r) => globMatches(r, resource)) : true;
  return actionOk && resourceOk;
}

// ---------------------------------------------------------------------------
// Explicit deny: narrow the Deny for exactly this principal and resource
// ---------------------------------------------------------------------------

const PRINCIPAL_EXEMPTION_OPERATORS = ['ArnNotLike', 'ArnNotEquals', 'StringNotLike', 'StringNotEquals'];

function denyCandidates(dc: DenialContext): FixCandidate[] {
  const role = dc.callerRole;
  if (!role) return [];
  const denies = dc.ev.statements.filter((s) => s.effect === 'Deny');
  if (denies.length === 0) return [];
  const out: FixCandidate[] = [];
  for (const broad of [false, true]) {
    const draft = startDraft(dc.scenario);
    const words: string[] = [];
    let ok = true;
    // Later statements first, so replacing one never shifts the index of another of the same document.
    for (const d of [...denies].sort((a, b) => b.index - a.index)) {
      const loc = locatePolicy(draft.scenario, d.policyKind, d.policy, role.arn);
      const statement = loc ? statementList(loc.document)[d.index] : undefined;
      if (!loc || !statement) {
        ok = false;
        break;
      }
      const w = narrowDeny(draft, loc.pointer, loc.label, d.index, statement, d.policyKind, role.arn, dc.ev.resource, broad);
      if (!w) {
        ok = false;
        break;
      }
      words.push(w);
    }
    if (!ok || draft.ops.length === 0) continue;
    const patch = draft.ops;
    if (out.some((c) => JSON.stringify(c.patch) === JSON.stringify(patch))) continue;
    out.push({
      id: broad ? 'deny-exemption' : 'deny-exception',
      group: broad ? 'deny-exemption' : 'deny-exception',
      target: 'deny',
      description: words.join('; '),
      patch,
      warning: `weakens a guardrail: ${broad ? `\`${role.arn}\` is exempt from the Deny altogether` : `the Deny no longer applies to \`${role.arn}\` on \`${dc.ev.resource}\``}; make sure that is intended`,
    });
  }
  return out;
}

/** Narrows one Deny statement in place; the words, or undefined when it cannot be narrowed. */
function narrowDeny(draft: Draft, docPointer: string, label: string, index: number, s: PolicyStatement, kind: PolicyKind, principalArn: string, resource: string, broad: boolean): string | undefined {
  const sid = s.Sid ? `\`${s.Sid}\`` : `#${index}`;
  const docValue = ((): unknown => {
    let node: unknown = draft.scenario;
    for (const raw of docPointer.split('/').slice(1)) node = (node as Record<string, unknown>)[raw.replaceAll('~1', '/').replaceAll('~0', '~')];
    return node;
  })() as { Statement: unknown };
  const isList = Array.isArray(docValue.Statement);
  const statementPointer = isList ? `${docPointer}/Statement/${index}` : `${docPointer}/Statement`;
  const ownPolicy = kind === 'identity' || kind === 'boundary' || kind === 'session';
  if (broad) {
    // Add the principal to an exemption the statement already has (`ArnNotLike aws:PrincipalArn`).
    if (ownPolicy) return undefined;
    for (const operator of PRINCIPAL_EXEMPTION_OPERATORS) {
      const block = s.Condition?.[operator];
      const keyName = block ? Object.keys(block).find((k) => k.toLowerCase() === 'aws:principalarn') : undefined;
      if (!block || !keyName) continue;
      const values = listOf(block[keyName] as string | string[]);
      const next: PolicyStatement = { ...s, Condition: { ...s.Condition, [operator]: { ...block, [keyName]: [...values.map(String), principalArn] } } };
      return pushOps(draft, { op: 'replace', path: statementPointer, value: next }) ? `${label.replace(/^the /, '')}: exempt \`${principalArn}\` from Deny ${sid} (\`${operator} ${keyName}\`)` : undefined;
    }
    return undefined;
  }
  if (ownPolicy) {
    // The caller's own policy: carve the resource out of the Deny.
    if (s.Resource !== undefined && listOf(s.Resource).every((r) => r === '*')) {
      const { Resource: _dropped, ...rest } = s;
      void _dropped;
      return pushOps(draft, { op: 'replace', path: statementPointer, value: { ...rest, NotResource: [resource] } }) ? `${label.replace(/^the /, '')}: Deny ${sid} no longer covers \`${resource}\`` : undefined;
    }
    if (s.NotResource !== undefined) {
      return pushOps(draft, { op: 'replace', path: statementPointer, value: { ...s, NotResource: [...listOf(s.NotResource), resource] } }) ? `${label.replace(/^the /, '')}: Deny ${sid} no longer covers \`${resource}\`` : undefined;
    }
    return undefined;
  }
  // A resource policy or an organization policy: everyone else as before; this principal on every other resource as before.
  const addCondition = (st: PolicyStatement, operator: string, value: string): PolicyStatement => {
    const block = { ...(st.Condition?.[operator] ?? {}) } as Record<string, string | number | boolean | (string | number | boolean)[]>;
    const keyName = Object.keys(block).find((k) => k.toLowerCase() === 'aws:principalarn') ?? 'aws:PrincipalArn';
    block[keyName] = [...listOf(block[keyName] as string | string[] | undefined).map(String), value];
    return { ...st, Condition: { ...(st.Condition ?? {}), [operator]: block } };
  };
  const others = addCondition(s, 'ArnNotEquals', principalArn);
  let mine: PolicyStatement | undefined;
  if (s.Resource !== undefined && listOf(s.Resource).every((r) => r === '*')) {
    const { Resource: _dropped, ...rest } = s;
    void _dropped;
    mine = addCondition({ ...rest, NotResource: [resource] }, 'ArnEquals', principalArn);
  } else if (s.NotResource !== undefined) {
    mine = addCondition({ ...s, NotResource: [...listOf(s.NotResource), resource] }, 'ArnEquals', principalArn);
  }
  if (!pushOps(draft, { op: 'replace', path: statementPointer, value: others })) return undefined;
  if (mine) {
    const base = { ...mine, Sid: `${s.Sid ?? 'Deny'}Except${roleName(principalArn)}` } as PolicyStatement & { Sid: string };
    if (!appendStatement(draft, docPointer, base)) return undefined;
    return `${label.replace(/^the /, '')}: Deny ${sid} no longer applies to \`${principalArn}\` on \`${resource}\` (split: everyone else as before; \`${roleName(principalArn)}\` everywhere else)`;
  }
  return `${label.replace(/^the /, '')}: Deny ${sid} no longer applies to \`${principalArn}\``;
}

// ---------------------------------------------------------------------------
// KMS specifics: AWS managed keys, aliases, disabled keys
// ---------------------------------------------------------------------------

/** A deterministic key id in the shape of a KMS key id, derived from text. Pure. */
export function keyIdFor(text: string): string {
  const hex = (seed: number) => {
    let h = 0x811c9dc5 ^ seed;
    for (let i = 0; i < text.length; i += 1) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(16).padStart(8, '0');
  };
  const all = `${hex(1)}${hex(2)}${hex(3)}${hex(4)}`;
  return `${all.slice(0, 8)}-${all.slice(8, 12)}-4${all.slice(13, 16)}-8${all.slice(17, 20)}-${all.slice(20, 32)}`;
}

/** An alias not yet used by a key of that account and region. */
function freeAlias(scenario: Scenario, account: string, region: string, base: string): string {
  const taken = new Set(scenario.keys.filter((k) => parseArn(k.arn)?.account === account && parseArn(k.arn)?.region === region).flatMap((k) => k.aliases));
  const clean = `alias/${base.replace(/[^\w/+=,.@-]/g, '-')}`;
  if (!taken.has(clean)) return clean;
  for (let n = 2; ; n += 1) if (!taken.has(`${clean}-${n}`)) return `${clean}-${n}`;
}

/** Switch every store of the key's region that uses the AWS managed key to a new customer managed key. */
function awsManagedKeyCandidates(dc: DenialContext): FixCandidate[] {
  const arn = parseArn(dc.key?.arn ?? dc.ev.resource);
  if (!arn) return [];
  const account = arn.account || dc.plan?.account || '';
  const region = arn.region || dc.ev.region;
  const decl = dc.scenario.pipeline.pipeline;
  const isManaged = (ref: string | undefined) => ref === undefined || ref === 'alias/aws/s3' || ref.endsWith(':alias/aws/s3') || dc.scenario.keys.some((k) => k.keyManager === 'AWS' && (k.arn === ref || (ref.startsWith('alias/') && k.aliases.includes(ref))));
  const stores: { readonly path: string; readonly location: string }[] = [];
  if (decl.artifactStore && dc.plan?.region === region && isManaged(decl.artifactStore.encryptionKey?.id)) stores.push({ path: pointer('pipeline', 'pipeline', 'artifactStore'), location: decl.artifactStore.location });
  for (const [r, s] of Object.entries(decl.artifactStores ?? {})) if (r === region && isManaged(s.encryptionKey?.id)) stores.push({ path: pointer('pipeline', 'pipeline', 'artifactStores', r), location: s.location });
  const projects = dc.scenario.codeBuildProjects.map((p, i) => ({ p, i })).filter(({ p }) => p.encryptionKey !== undefined && isManaged(p.encryptionKey) && parseArn(p.arn)?.region === region);
  if (stores.length === 0 && projects.length === 0) return [];
  const keyArn = `arn:aws:kms:${region}:${account}:key/${keyIdFor(`${account}/${region}/${decl.name}/artifacts`)}`;
  if (dc.scenario.keys.some((k) => k.arn === keyArn)) return [];
  const principal = principalOf(dc);
  if (!principal) return [];
  const op = dc.ev.operation;
  const draft = startDraft(dc.scenario);
  const alias = freeAlias(dc.scenario, account, region, `${decl.name}-artifacts`);
  const statement = resourceStatement(sidFor('Allow', shortName(dc.ev.principal), op), principal, op, keyArn, requestCondition(dc));
  const key = { arn: keyArn, keyManager: 'CUSTOMER', aliases: [alias], policy: { Version: '2012-10-17', Statement: [statement] }, rotation: true, tags: { pipeline: decl.name } };
  if (!pushOps(draft, { op: 'add', path: pointer('keys', '-'), value: key })) return [];
  for (const s of stores) {
    if (!pushOps(draft, { op: 'add', path: `${s.path}/encryptionKey`, value: { id: keyArn, type: 'KMS' } })) return [];
    const b = draft.scenario.buckets.findIndex((x) => x.name === s.location);
    const bucket = draft.scenario.buckets[b];
    if (bucket?.encryption?.sseAlgorithm === 'aws:kms' && isManaged(bucket.encryption.kmsKeyId)) pushOps(draft, { op: 'add', path: pointer('buckets', b, 'encryption', 'kmsKeyId'), value: keyArn });
  }
  for (const { i } of projects) if (!pushOps(draft, { op: 'replace', path: pointer('codeBuildProjects', i, 'encryptionKey'), value: keyArn })) return [];
  const where = [...stores.map((s) => `the artifact store \`${s.location}\``), ...projects.map(({ p }) => `project \`${shortName(p.arn)}\``)].join(', ');
  return [
    {
      id: 'customer-managed-key',
      group: 'customer-managed-key',
      target: 'key',
      description: `switch ${where} from the AWS managed key \`aws/s3\` (which no other account can use) to a new customer managed key \`${keyArn}\` (\`${alias}\`) whose key policy names each role that uses it`,
      patch: draft.ops,
      warning: 'add your key administrators to the new key policy; AWS managed keys cannot be shared across accounts, so there is no smaller change',
      creates: [keyArn],
    },
  ];
}

/** Replace an alias that resolves in the wrong account by the key ARN it means. */
function aliasCandidates(dc: DenialContext): FixCandidate[] {
  const ref = dc.ev.resource;
  const decl = dc.scenario.pipeline.pipeline;
  const home = dc.plan?.account ?? parseArn(dc.scenario.pipeline.metadata.pipelineArn)?.account ?? '';
  const homeRegion = dc.plan?.region ?? parseArn(dc.scenario.pipeline.metadata.pipelineArn)?.region ?? '';
  const sites: { readonly path: string; readonly label: string; readonly account: string; readonly region: string; readonly first: boolean }[] = [];
  if (decl.artifactStore?.encryptionKey?.id === ref) sites.push({ path: pointer('pipeline', 'pipeline', 'artifactStore', 'encryptionKey', 'id'), label: `the artifact store \`${decl.artifactStore.location}\``, account: home, region: homeRegion, first: dc.ev.region === homeRegion });
  for (const [r, s] of Object.entries(decl.artifactStores ?? {})) {
    if (s.encryptionKey?.id === ref) sites.push({ path: pointer('pipeline', 'pipeline', 'artifactStores', r, 'encryptionKey', 'id'), label: `the artifact store of \`${r}\``, account: home, region: r, first: dc.ev.region === r });
  }
  dc.scenario.codeBuildProjects.forEach((p, i) => {
    const a = parseArn(p.arn);
    if (p.encryptionKey === ref && a) sites.push({ path: pointer('codeBuildProjects', i, 'encryptionKey'), label: `project \`${shortName(p.arn)}\``, account: a.account, region: a.region, first: false });
  });
  const resolved = sites
    .map((s) => ({ ...s, key: resolveKey(dc.world, ref, { account: s.account, region: s.region }).key }))
    .filter((s): s is typeof s & { key: KmsKey } => s.key !== undefined);
  if (resolved.length === 0) return [];
  const ordered = [...resolved].sort((a, b) => Number(b.first) - Number(a.first));
  const out: FixCandidate[] = [];
  for (const s of ordered) {
    out.push({
      id: 'key-arn',
      group: `key-arn:${s.path}`,
      target: 'artifact-store',
      description: `${s.label}: name the key by its ARN \`${s.key.arn}\` instead of \`${ref}\` (an alias resolves only in its own account)`,
      patch: [{ op: 'replace', path: s.path, value: s.key.arn }],
    });
  }
  if (ordered.length > 1) {
    out.push({
      id: 'key-arn-everywhere',
      group: 'key-arn-everywhere',
      target: 'artifact-store',
      description: `${ordered.map((s) => s.label).join(', ')}: name the key by its ARN instead of \`${ref}\``,
      patch: ordered.map((s) => ({ op: 'replace' as const, path: s.path, value: s.key.arn })),
    });
  }
  return out;
}

function keyStateCandidates(dc: DenialContext): FixCandidate[] {
  const k = dc.scenario.keys.findIndex((x) => x.arn === dc.key?.arn);
  if (k < 0) return [];
  return [{ id: 'enable-key', group: 'enable-key', target: 'key', description: `enable key \`${dc.scenario.keys[k]!.arn}\` (a disabled key serves no cryptographic operation)`, patch: [{ op: 'replace', path: pointer('keys', k, 'enabled'), value: true }] }];
}

/** A role the call assumes is missing (a StackSet execution role never created): create it, trusting exactly the caller. */
function unknownRoleCandidates(dc: DenialContext): FixCandidate[] {
  const op = dc.ev.operation;
  if (op !== 'sts:AssumeRole' || findRole(dc.world, dc.ev.resource) !== undefined) return [];
  const target = parseArn(dc.ev.resource);
  const principal = principalOf(dc);
  if (!target || target.service !== 'iam' || !target.resource.startsWith('role/') || !principal) return [];
  if (!dc.scenario.accounts.some((a) => a.id === target.account)) return [];
  const trust = resourceStatement(sidFor('Trust', dc.callerRole ? roleName(dc.callerRole.arn) : dc.service ?? 'caller'), principal, op, undefined, dc.service ? serviceCondition(dc) : undefined);
  const role = { arn: dc.ev.resource, trustPolicy: { Version: '2012-10-17', Statement: [trust] }, inlinePolicies: {} };
  return [
    {
      id: 'create-role',
      group: 'create-role',
      target: 'trust-policy',
      description: `create role \`${dc.ev.resource}\` in account \`${target.account}\`, trusting ${who(dc)} only, with exactly the permissions the run needs`,
      patch: [{ op: 'add', path: pointer('roles', '-'), value: role }],
      creates: [dc.ev.resource],
    },
  ];
}

// ---------------------------------------------------------------------------
// Approvals: the right approver, from the right place, or the permission
// ---------------------------------------------------------------------------

function approvalCandidates(dc: DenialContext): FixCandidate[] {
  const role = dc.callerRole;
  const ev = dc.ev;
  const key = `${ev.stage ?? ''}/${ev.action ?? ''}`;
  const a = dc.scenario.run.approvals.findIndex((x) => x.action === key);
  if (!role || a < 0) return missingAllowCandidates(dc);
  const answer = dc.scenario.run.approvals[a]!;
  const author = dc.scenario.run.commit.author;
  const isAuthor = author !== undefined && author.toLowerCase() === role.arn.toLowerCase();
  const out: FixCandidate[] = [];
  // 1. Another role whose own policies allow approving this action (never the author).
  for (const other of dc.scenario.roles) {
    if (other.arn.toLowerCase() === role.arn.toLowerCase() || (author && other.arn.toLowerCase() === author.toLowerCase())) continue;
    if (!identityStatements(dc.scenario, other).some((s) => s.Effect === 'Allow' && statementCovers(s, ev.operation, ev.resource))) continue;
    const session = dc.scenario.run.approvals.find((x) => x.approver?.toLowerCase() === other.arn.toLowerCase())?.sessionName;
    const patch = [
      { op: 'replace' as const, path: pointer('run', 'approvals', a, 'approver'), value: other.arn },
      ...(session !== undefined ? [{ op: (answer.sessionName !== undefined ? 'replace' : 'add') as 'replace' | 'add', path: pointer('run', 'approvals', a, 'sessionName'), value: session }] : []),
    ];
    out.push({
      id: 'other-approver',
      group: `other-approver:${other.arn}`,
      target: 'approval',
      description: `have \`${other.arn}\` answer \`${key}\` instead of \`${role.arn}\`${isAuthor ? ' (who authored the change)' : ''}: its policies already allow it`,
      patch,
    });
    if (out.length >= 2) break;
  }
  // 2. Answer from where the approver's own policy requires (VPC endpoint, network).
  for (const s of identityStatements(dc.scenario, role)) {
    if (s.Effect !== 'Allow' || !statementCovers(s, ev.operation, ev.resource) || !s.Condition) continue;
    const patch: { op: 'add' | 'replace'; path: string; value: unknown }[] = [];
    const words: string[] = [];
    for (const [operator, block] of Object.entries(s.Condition)) {
      for (const [k, v] of Object.entries(block)) {
        const first = listOf(v as string | string[])[0];
        if (first === undefined) continue;
        if (k.toLowerCase() === 'aws:sourcevpce' && operator.startsWith('String') && !operator.includes('Not')) {
          patch.push({ op: answer.sourceVpce !== undefined ? 'replace' : 'add', path: pointer('run', 'approvals', a, 'sourceVpce'), value: String(first) });
          words.push(`through the VPC endpoint \`${String(first)}\``);
        } else if (k.toLowerCase() === 'aws:sourceip' && operator === 'IpAddress') {
          const ip = String(first).split('/')[0] ?? '';
          patch.push({ op: answer.sourceIp !== undefined ? 'replace' : 'add', path: pointer('run', 'approvals', a, 'sourceIp'), value: ip });
          words.push(`from \`${String(first)}\``);
        }
      }
    }
    if (patch.length) {
      out.push({ id: 'approve-from-allowed-network', group: 'approve-from-allowed-network', target: 'approval', description: `answer \`${key}\` ${words.join(' and ')}, as the approver's policy requires (no policy change)`, patch });
      break;
    }
  }
  // 3. The permission itself, for this approval action only.
  for (const c of missingAllowCandidates(dc)) {
    out.push(isAuthor ? { ...c, warning: `\`${role.arn}\` authored the change: this lets the author approve their own change (FAQ Q5: give PutApprovalResult to a separate approver role instead)` } : c);
  }
  return out;
}

/** The identity-policy statements of a role (inline and attached managed policies). */
function identityStatements(scenario: Scenario, role: Role): PolicyStatement[] {
  const docs = [...Object.values(role.inlinePolicies), ...role.managedPolicies.map((arn) => scenario.managedPolicies.find((p) => p.arn === arn)?.document)];
  return docs.flatMap((d) => statementList(d));
}

// ---------------------------------------------------------------------------
// Structural issues: stores, artifact boundaries, shape
// ---------------------------------------------------------------------------

function structuralCandidates(scenario: Scenario, issue: Issue): FixCandidate[] {
  switch (issue.category) {
    case 'MISSING_REGION_ARTIFACT_STORE':
      return storeCandidates(scenario, issue);
    case 'ARTIFACT_ACCOUNT_BOUNDARY':
      return relayCandidates(scenario, issue);
    default:
      break;
  }
  switch (issue.code) {
    case 'v2_feature_in_v1':
      return [{ id: 'pipeline-type-v2', group: 'pipeline-type-v2', target: 'pipeline', description: 'make the pipeline type V2 (pipeline-level variables, triggers and stage rollback need it)', patch: [{ op: 'replace', path: pointer('pipeline', 'pipeline', 'pipelineType'), value: 'V2' }] }];
    case 'source_bucket_not_versioned': {
      const name = /`([^`]+)`/.exec(issue.message)?.[1];
      const b = scenario.buckets.findIndex((x) => x.name === name);
      return b < 0 ? [] : [{ id: 'bucket-versioning', group: 'bucket-versioning', target: 'bucket', description: `enable versioning on the source bucket \`${name}\` (an S3 source action needs it)`, patch: [{ op: 'replace', path: pointer('buckets', b, 'versioning'), value: 'Enabled' }] }];
    }
    default:
      return [];
  }
}

/** The segments of an engine issue path (`pipeline.pipeline.stages[3].actions[1].region`). */
function issueIndexes(path: string): { readonly stage?: number; readonly action?: number; readonly input?: number } {
  const stage = /stages\[(\d+)\]/.exec(path)?.[1];
  const action = /actions\[(\d+)\]/.exec(path)?.[1];
  const input = /inputArtifacts\[(\d+)\]/.exec(path)?.[1];
  return { ...(stage ? { stage: Number(stage) } : {}), ...(action ? { action: Number(action) } : {}), ...(input ? { input: Number(input) } : {}) };
}

function pipelineHome(scenario: Scenario): { readonly account: string; readonly region: string } {
  const arn = parseArn(scenario.pipeline.metadata.pipelineArn);
  return { account: arn?.account ?? '', region: arn?.region ?? '' };
}

/** Register an artifact store for the region (with a bucket and key of that region, added when the world has none). */
function storeCandidates(scenario: Scenario, issue: Issue): FixCandidate[] {
  const decl = scenario.pipeline.pipeline;
  const { account, region: home } = pipelineHome(scenario);
  const at = issueIndexes(issue.path);
  const action = at.stage !== undefined && at.action !== undefined ? decl.stages[at.stage]?.actions[at.action] : undefined;
  const region = action?.region ?? (/region `([^`]+)`/.exec(issue.message)?.[1] ?? home);
  if (!region || decl.artifactStores?.[region]) return [];
  const world = buildWorld(scenario);
  const homeStore = decl.artifactStores?.[home] ?? decl.artifactStore;
  const homeKey = homeStore?.encryptionKey ? resolveKey(world, homeStore.encryptionKey.id, { account, region: home }).key : undefined;
  const draft = startDraft(scenario);
  const creates: string[] = [];
  let keyWords = '';
  let bucketWords = '';

  // The bucket: one of the pipeline account in that region that looks like an artifact bucket, else a new one.
  const bucket = scenario.buckets.find((b) => b.account === account && b.region === region && /artifact|codepipeline/i.test(b.name));
  let bucketName = bucket?.name;
  // The key: the bucket's own customer managed key, the home key's multi-Region replica, else a new one.
  let keyArn: string | undefined;
  if (bucket?.encryption?.kmsKeyId) {
    const k = resolveKey(world, bucket.encryption.kmsKeyId, { account, region }).key;
    if (k && k.keyManager === 'CUSTOMER') keyArn = k.arn;
  }
  if (!keyArn && homeKey) {
    const replica = keyInRegion(world, homeKey, region);
    if (replica && replica.keyManager === 'CUSTOMER') keyArn = replica.arn;
  }
  if (!keyArn) {
    const multi = homeKey?.multiRegion === true && homeKey.keyManager === 'CUSTOMER';
    const id = multi ? (parseArn(homeKey.arn)?.resource.replace(/^key\//, '') ?? '') : keyIdFor(`${account}/${region}/${decl.name}/artifacts`);
    keyArn = `arn:aws:kms:${region}:${account}:key/${id}`;
    if (scenario.keys.some((k) => k.arn === keyArn)) return [];
    const key = {
      arn: keyArn,
      keyManager: 'CUSTOMER',
      aliases: [freeAlias(scenario, account, region, `${decl.name}-artifacts`)],
      policy: { Version: '2012-10-17', Statement: [] },
      ...(multi ? { multiRegion: true, primaryArn: homeKey.primaryArn ?? homeKey.arn } : {}),
      rotation: true,
      tags: { pipeline: decl.name },
    };
    if (!pushOps(draft, { op: 'add', path: pointer('keys', '-'), value: key })) return [];
    keyWords = multi ? `new replica \`${keyArn}\` of the multi-Region key \`${homeKey.arn}\`` : `new customer managed key \`${keyArn}\``;
  }
  if (!bucket) {
    const base = homeStore && homeStore.location.includes(home) ? homeStore.location.replace(home, region) : `codepipeline-artifacts-${account}-${region}`;
    let name = base;
    for (let n = 2; scenario.buckets.some((b) => b.name === name); n += 1) name = `${base}-${n}`;
    bucketName = name;
    const newBucket = {
      name,
      account,
      region,
      policy: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'DenyUnEncryptedObjectUploads', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${name}/*`, Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } } },
          { Sid: 'DenyInsecureConnections', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
        ],
      },
      encryption: { sseAlgorithm: 'aws:kms', kmsKeyId: keyArn, bucketKeyEnabled: false },
      versioning: 'Enabled',
      publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
      tags: { pipeline: decl.name },
    };
    if (!pushOps(draft, { op: 'add', path: pointer('buckets', '-'), value: newBucket })) return [];
    bucketWords = `new bucket \`${name}\` (versioned, SSE-KMS, deny unencrypted uploads and insecure connections)`;
  }
  creates.push(bucketName ?? '', keyArn);
  const store = { type: 'S3', location: bucketName, encryptionKey: { id: keyArn, type: 'KMS' } };
  if (decl.artifactStores) {
    if (!pushOps(draft, { op: 'add', path: pointer('pipeline', 'pipeline', 'artifactStores', region), value: store })) return [];
  } else if (decl.artifactStore) {
    const stores = { [home]: decl.artifactStore, [region]: store };
    if (!pushOps(draft, { op: 'remove', path: pointer('pipeline', 'pipeline', 'artifactStore') }, { op: 'add', path: pointer('pipeline', 'pipeline', 'artifactStores'), value: stores })) return [];
  } else return [];
  return [
    {
      id: 'region-artifact-store',
      group: 'region-artifact-store',
      target: 'artifact-store',
      description: `register an artifact store for \`${region}\` in \`artifactStores\`: ${bucketWords || `bucket \`${bucketName}\``}, ${keyWords || `key \`${keyArn}\``}${decl.artifactStores ? '' : '; `artifactStore` becomes `artifactStores`'}`,
      patch: draft.ops,
      creates,
    },
  ];
}

/** Route an artifact through the pipeline account: a CodeBuild action there copies it for the consumer. */
function relayCandidates(scenario: Scenario, issue: Issue): FixCandidate[] {
  const decl = scenario.pipeline.pipeline;
  const { account, region } = pipelineHome(scenario);
  const at = issueIndexes(issue.path);
  if (at.stage === undefined || at.action === undefined || at.input === undefined) return [];
  const consumer = decl.stages[at.stage]?.actions[at.action];
  const artifact = consumer?.inputArtifacts[at.input]?.name;
  if (!consumer || !artifact) return [];
  let producerAt: { s: number; a: number } | undefined;
  decl.stages.forEach((st, s) => st.actions.forEach((ac, a) => {
    if (ac.outputArtifacts.some((o) => o.name === artifact)) producerAt = { s, a };
  }));
  if (!producerAt) return [];
  const producer = decl.stages[producerAt.s]!.actions[producerAt.a]!;
  const stage = decl.stages[producerAt.s]!;
  const safe = decl.name.replace(/[^\w-]/g, '-');
  const unique = (base: string, taken: (n: string) => boolean) => {
    let name = base;
    for (let n = 2; taken(name); n += 1) name = `${base}-${n}`;
    return name;
  };
  const projectName = unique(`${safe}-artifact-relay`.slice(0, 150), (n) => scenario.codeBuildProjects.some((p) => p.arn.endsWith(`:project/${n}`)));
  const projectArn = `arn:aws:codebuild:${producer.region ?? region}:${account}:project/${projectName}`;
  const roleArn = `arn:aws:iam::${account}:role/${unique(`${safe}-artifact-relay`.slice(0, 60), (n) => roleIndex(scenario, `arn:aws:iam::${account}:role/${n}`) >= 0)}`;
  const artifacts = new Set(decl.stages.flatMap((s) => s.actions.flatMap((x) => x.outputArtifacts.map((o) => o.name))));
  const relayed = unique(`${artifact}Relayed`, (n) => artifacts.has(n));
  const actionName = unique(`Relay${artifact}`.replace(/[^A-Za-z0-9.@\-_]/g, ''), (n) => stage.actions.some((x) => x.name === n));
  const draft = startDraft(scenario);
  const role = {
    arn: roleArn,
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [{ Sid: 'TrustCodeBuildForTheRelayProject', Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': projectArn } } }],
    },
    inlinePolicies: {},
    tags: { pipeline: decl.name },
  };
  const ops: PatchOperation[] = [
    { op: 'add', path: pointer('roles', '-'), value: role },
    { op: 'add', path: pointer('codeBuildProjects', '-'), value: { arn: projectArn, serviceRole: roleArn } },
  ];
  // Actions after the producer in its stage move one runOrder later; the relay takes the freed slot.
  stage.actions.forEach((x, i) => {
    if (x.runOrder > producer.runOrder) ops.push({ op: 'replace', path: pointer('pipeline', 'pipeline', 'stages', producerAt!.s, 'actions', i, 'runOrder'), value: x.runOrder + 1 });
  });
  ops.push({
    op: 'add',
    path: pointer('pipeline', 'pipeline', 'stages', producerAt.s, 'actions', '-'),
    value: {
      name: actionName,
      actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
      runOrder: producer.runOrder + 1,
      configuration: { ProjectName: projectName },
      inputArtifacts: [{ name: artifact }],
      outputArtifacts: [{ name: relayed }],
      ...(producer.region && producer.region !== region ? { region: producer.region } : {}),
    },
  });
  ops.push({ op: 'replace', path: pointer('pipeline', 'pipeline', 'stages', at.stage, 'actions', at.action, 'inputArtifacts', at.input, 'name'), value: relayed });
  for (const [k, v] of Object.entries(consumer.configuration)) {
    if (v.includes(`${artifact}::`)) ops.push({ op: 'replace', path: pointer('pipeline', 'pipeline', 'stages', at.stage, 'actions', at.action, 'configuration', k), value: v.replaceAll(`${artifact}::`, `${relayed}::`) });
  }
  for (const op of ops) if (!pushOps(draft, op)) return [];
  return [
    {
      id: 'relay-through-pipeline-account',
      group: 'relay-through-pipeline-account',
      target: 'pipeline',
      description: `route \`${artifact}\` through the pipeline account: CodeBuild action \`${stage.name}/${actionName}\` (project \`${projectName}\`, role \`${roleArn}\`) copies it to \`${relayed}\`, which \`${decl.stages[at.stage]!.name}/${consumer.name}\` consumes instead`,
      patch: draft.ops,
      warning: `the relay project's buildspec must copy its input to its output unchanged`,
      creates: [roleArn, projectArn],
    },
  ];
}
