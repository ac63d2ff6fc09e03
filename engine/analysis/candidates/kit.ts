/**
 * What every candidate generator shares: the shape of a candidate, what is known about the denial,
 * and the least-privilege pieces (principal, conditions from the request, scoped resources). Pure.
 */
import { parseArn } from '../../../model/arn.js';
import { asList } from '../../../model/policy-document.js';
import { actionMatches, resourceMatches } from '../../../model/iam-match.js';
import { FNV_OFFSET_BASIS, uuidFromHashes } from '../../../model/hash.js';
import type { KmsKey, PolicyStatement, Role, Scenario } from '../../../model/schema.js';
import { buildWorld, findRole, resolveKey, type World } from '../../../model/world.js';
import { statementList, type Condition } from '../fix-statements.js';
import type { JsonPatch } from '../patch.js';
import { planPipeline, type Plan } from '../../execution/plan.js';
import type { CallEvaluatedEvent, Category, SimulationResult } from '../../types.js';

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
export interface DenialContext {
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

/** The `call.evaluated` event of a result's first denial. Pure. */
export function denialEvent(result: SimulationResult): CallEvaluatedEvent | undefined {
  const seq = result.firstDenial?.seq;
  if (seq === undefined) return undefined;
  return result.events.find((e): e is CallEvaluatedEvent => e.type === 'call.evaluated' && e.seq === seq);
}

/** What the generators know about a denial: its world, plan, caller, key and resource as the policies name it. */
export function denialContext(scenario: Scenario, ev: CallEvaluatedEvent, options: CandidateOptions): DenialContext {
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

/** Conditions an identity-side statement can carry from the request. */
export function requestCondition(dc: DenialContext): Condition | undefined {
  const via = dc.ev.context['kms:ViaService'];
  if (typeof via === 'string' && dc.ev.operation.toLowerCase().startsWith('kms:')) return { StringEquals: { 'kms:ViaService': via } };
  const passed = dc.ev.context['iam:PassedToService'];
  if (typeof passed === 'string' && dc.ev.operation.toLowerCase() === 'iam:passrole') return { StringEquals: { 'iam:PassedToService': passed } };
  return undefined;
}

/** The confused-deputy conditions of a service's request (`aws:SourceAccount`, `aws:SourceArn`). */
export function serviceCondition(dc: DenialContext): Condition | undefined {
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

/** The principal a statement should name: the role ARN, or the service principal. */
export function principalOf(dc: DenialContext): { readonly AWS: string } | { readonly Service: string } | undefined {
  if (dc.callerRole) return { AWS: dc.callerRole.arn };
  if (dc.service) return { Service: dc.service };
  return undefined;
}

/** The caller in words, for descriptions. */
export function who(dc: DenialContext): string {
  return dc.callerRole ? `\`${dc.callerRole.arn}\`` : `\`${dc.service ?? dc.ev.principal}\``;
}

/** The principals a statement names, flattened (`*` for everyone). */
export function principalValues(s: PolicyStatement): string[] {
  const p = s.Principal;
  if (p === undefined) return [];
  if (p === '*') return ['*'];
  return Object.values(p).flatMap((v) => asList(v));
}

/** Whether a statement's Action and Resource cover a call (conditions not considered). */
export function statementCovers(s: PolicyStatement, operation: string, resource: string): boolean {
  const actionOk = s.Action !== undefined ? asList(s.Action).some((a) => actionMatches(operation, a)) : s.NotAction !== undefined ? !asList(s.NotAction).some((a) => actionMatches(operation, a)) : false;
  const resourceOk = s.Resource !== undefined ? asList(s.Resource).some((r) => resourceMatches(resource, r)) : s.NotResource !== undefined ? !asList(s.NotResource).some((r) => resourceMatches(resource, r)) : true;
  return actionOk && resourceOk;
}

/** The identity-policy statements of a role (inline and attached managed policies). */
export function identityStatements(scenario: Scenario, role: Role): PolicyStatement[] {
  const docs = [...Object.values(role.inlinePolicies), ...role.managedPolicies.map((arn) => scenario.managedPolicies.find((p) => p.arn === arn)?.document)];
  return docs.flatMap((d) => statementList(d));
}

/** A deterministic key id in the shape of a KMS key id, derived from text (four FNV-1a hashes). Pure. */
export function keyIdFor(text: string): string {
  return uuidFromHashes(text, [FNV_OFFSET_BASIS ^ 1, FNV_OFFSET_BASIS ^ 2, FNV_OFFSET_BASIS ^ 3, FNV_OFFSET_BASIS ^ 4]);
}

/** An alias not yet used by a key of that account and region. */
export function freeAlias(scenario: Scenario, account: string, region: string, base: string): string {
  const taken = new Set(scenario.keys.filter((k) => parseArn(k.arn)?.account === account && parseArn(k.arn)?.region === region).flatMap((k) => k.aliases));
  const clean = `alias/${base.replace(/[^\w/+=,.@-]/g, '-')}`;
  if (!taken.has(clean)) return clean;
  for (let n = 2; ; n += 1) if (!taken.has(`${clean}-${n}`)) return `${clean}-${n}`;
}
