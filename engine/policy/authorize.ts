/**
 * The policy layer: decides one call against the world's policies, with why.
 *
 * The only importer of `@cloud-copilot/iam-simulate` (and the only place iam-policy's
 * `createValidatedPolicy` is used for evaluation); the engine's objects never leave this file.
 * pipesim derives everything the engine takes on trust — which policies take part, the request
 * context, resource ownership — from the world, closes the engine's known traps
 * (docs/upstream.md), adds what it lacks (KMS grants, AWS managed keys, key state) and combines
 * the layers by one table (engine/policy/combine.ts).
 */
import { runSimulation, type RequestAnalysis, type Simulation } from '@cloud-copilot/iam-simulate';
import {
  createValidatedPolicy,
  validateIdentityPolicy,
  validateResourceControlPolicy,
  validateResourcePolicy,
  validateServiceControlPolicy,
  validateSessionPolicy,
  validateTrustPolicy,
  type ValidatedPolicy,
  type ValidationError,
} from '@cloud-copilot/iam-policy';
import { parseArn } from '../../model/arn.js';
import type { Bucket, KmsKey, PolicyDocument, Role } from '../../model/schema.js';
import { findRole, ownerAccount, resolveKey, type World } from '../../model/world.js';
import { categorize } from './categorize.js';
import { combine, type Arm, type CombineInput, type LayerResult } from './combine.js';
import { globalServicePrincipal, requestContext, servicePrincipalRegion, type RequestContext } from './context-keys.js';
import { accessDeniedMessage, type DenialReason, type DenyingPolicyType } from './denial-message.js';
import { awsManagedKeyPolicy, grantLabel, matchGrants, type GrantMatch } from './kms.js';
import { FULL_AWS_ACCESS_NAME, inOrganization, isManagementAccount, policyChain } from './org-policies.js';
import {
  documentFacts,
  ENCRYPTION_CONTEXT_SURROGATE,
  isIdentityRewrite,
  originalConditionKey,
  rewriteDocument,
  roleArnParts,
  type DocumentFacts,
  type Rewrite,
} from './policy-rewrite.js';
import { rcpApplies } from './rcp-services.js';
import type { Call, DecidingStatement, Evaluation, PolicyKind } from '../types.js';

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/** A memo of decisions, keyed on the request and the identity of every policy document involved. */
export interface Memo {
  readonly results: Map<string, Promise<Evaluation>>;
}

/** Creates an empty decision memo (share one across runs of mutated scenarios). */
export function createMemo(): Memo {
  return { results: new Map() };
}

/**
 * Decides one call against the world's policies and says why. Deterministic: the same world
 * and call give the same evaluation. With a memo, identical requests over the same policy
 * document objects are evaluated once; an edited policy is a new object and misses the memo.
 *
 * INVARIANT: policy documents in a world are never mutated in place (edits make new objects).
 */
export async function authorize(world: World, call: Call, memo?: Memo): Promise<Evaluation> {
  const plan = planRequest(world, call);
  if (!memo) return evaluatePlan(plan);
  const key = memoKey(plan);
  const hit = memo.results.get(key);
  if (hit) return hit;
  const evaluation = evaluatePlan(plan);
  memo.results.set(key, evaluation);
  return evaluation;
}

// ---------------------------------------------------------------------------
// Policy documents: read, rewritten and validated once per document object
// ---------------------------------------------------------------------------

interface Prepared {
  /** The validated (possibly rewritten) document; undefined when it has errors and is skipped. */
  readonly policy: ValidatedPolicy | undefined;
  readonly errors: readonly string[];
}

/** One policy document taking part in a request. */
interface PolicyUse {
  readonly kind: PolicyKind;
  /** Inline policy name, managed policy ARN, key ARN, bucket name, role ARN, SCP name. */
  readonly name: string;
  readonly doc: PolicyDocument;
  readonly variant: string;
  readonly prepared: Prepared;
  /** This use in the memo key: an id of its kind, name, document identity and variant. */
  readonly key: string;
}

const factsCache = new WeakMap<object, DocumentFacts>();
const preparedCache = new WeakMap<object, Map<string, Prepared>>();
const docIds = new WeakMap<object, number>();
let nextDocId = 1;

const textIds = new Map<string, number>();
let nextTextId = 1;
/** Past this many texts the table starts afresh (ids are never reused, so old memo keys only miss). */
const MAX_TEXT_IDS = 100_000;

/** A short, never reused id for a text: long memo key parts computed once per world become `#<id>`. */
function textId(text: string): string {
  let id = textIds.get(text);
  if (id === undefined) {
    if (textIds.size >= MAX_TEXT_IDS) textIds.clear();
    id = nextTextId++;
    textIds.set(text, id);
  }
  return `#${id}`;
}

function docId(doc: object): number {
  let id = docIds.get(doc);
  if (id === undefined) {
    id = nextDocId++;
    docIds.set(doc, id);
  }
  return id;
}

function factsOf(doc: PolicyDocument): DocumentFacts {
  let f = factsCache.get(doc);
  if (!f) {
    f = documentFacts(doc);
    factsCache.set(doc, f);
  }
  return f;
}

const VALIDATORS: Readonly<Record<PolicyKind, (policy: unknown) => ValidationError[]>> = {
  identity: validateIdentityPolicy,
  boundary: validateIdentityPolicy,
  session: validateSessionPolicy,
  trust: validateTrustPolicy,
  key: validateResourcePolicy,
  'aws-managed-key': validateResourcePolicy,
  bucket: validateResourcePolicy,
  topic: validateResourcePolicy,
  function: validateResourcePolicy,
  grant: validateResourcePolicy,
  endpoint: validateResourcePolicy,
  scp: validateServiceControlPolicy,
  rcp: validateResourceControlPolicy,
};

const RESOURCE_POLICY_KINDS: ReadonlySet<PolicyKind> = new Set(['trust', 'key', 'aws-managed-key', 'bucket', 'topic', 'function']);

const useCache = new WeakMap<World, WeakMap<object, Map<string, PolicyUse>>>();

/** Rewrites, validates and caches a document for one kind of use (memoised per world and document). */
function usePolicy(world: World, kind: PolicyKind, name: string, doc: PolicyDocument, region: string): PolicyUse {
  let byDoc = useCache.get(world);
  if (!byDoc) {
    byDoc = new WeakMap();
    useCache.set(world, byDoc);
  }
  let byUse = byDoc.get(doc);
  if (!byUse) {
    byUse = new Map();
    byDoc.set(doc, byUse);
  }
  // Only a trust policy's rewrite depends on the call's region (regional service principals).
  const useKey = `${kind}\u0000${name}\u0000${kind === 'trust' ? region : ''}`;
  let use = byUse.get(useKey);
  if (!use) {
    use = preparePolicy(world, kind, name, doc, region);
    byUse.set(useKey, use);
  }
  return use;
}

function preparePolicy(world: World, kind: PolicyKind, name: string, doc: PolicyDocument, region: string): PolicyUse {
  const facts = factsOf(doc);
  const rewrite: Rewrite = {
    roleArns: RESOURCE_POLICY_KINDS.has(kind) ? principalRoleFixes(world, facts.principalRoleArns) : {},
    encryptionContext: facts.encryptionContextConditions,
    serviceRegion: kind === 'trust' && facts.regionalServicePrincipals.some((s) => servicePrincipalRegion(s) === region) ? region : undefined,
  };
  const identity = isIdentityRewrite(rewrite);
  const variant = identity ? kind : `${kind}|${JSON.stringify(rewrite)}`;
  let byVariant = preparedCache.get(doc);
  if (!byVariant) {
    byVariant = new Map();
    preparedCache.set(doc, byVariant);
  }
  let prepared = byVariant.get(variant);
  if (!prepared) {
    const evaluated = identity ? doc : rewriteDocument(doc, rewrite);
    const validated = createValidatedPolicy(evaluated, VALIDATORS[kind]);
    const errors = [
      ...validated.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)),
      ...facts.nonArnResources.map((r) => `Statement[${r.statement}]: resource \`${r.resource}\` is not an ARN (AWS rejects the policy)`),
      ...Object.entries(rewrite.roleArns)
        .filter(([, to]) => to.includes(':role/pipesim-no-such-role/'))
        .map(([from]) => `principal \`${from}\` names no role: the role's path differs (IAM rejects it as an invalid principal)`),
    ];
    const usable = validated.errors.length === 0 && facts.nonArnResources.length === 0;
    prepared = { policy: usable ? validated : undefined, errors };
    byVariant.set(variant, prepared);
  }
  return { kind, name, doc, variant, prepared, key: textId(`${kind}:${name}:${docId(doc)}:${variant}`) };
}

const roleIndexCache = new WeakMap<World, Map<string, Role>>();

/**
 * Principal role ARNs that need another form: a different case than the role's own ARN (IAM
 * resolves a principal to the role by name, ignoring case), or a path that differs from the
 * role's (a role ARN without its path names no role — IAM rejects it as an invalid principal,
 * but the engine compares sessions by role name only and would admit it).
 */
function principalRoleFixes(world: World, arns: readonly string[]): Record<string, string> {
  if (arns.length === 0) return {};
  let index = roleIndexCache.get(world);
  if (!index) {
    index = new Map();
    for (const role of world.roles.values()) {
      const p = roleArnParts(role.arn);
      if (p) index.set(`${p.account}/${p.name.toLowerCase()}`, role);
    }
    roleIndexCache.set(world, index);
  }
  const fixes: Record<string, string> = {};
  for (const arn of arns) {
    const p = roleArnParts(arn);
    const role = p ? index.get(`${p.account}/${p.name.toLowerCase()}`) : undefined;
    if (!p || !role || role.arn === arn) continue;
    const own = roleArnParts(role.arn);
    fixes[arn] = own && own.path === p.path ? role.arn : `arn:${p.partition}:iam::${p.account}:role/pipesim-no-such-role/${p.name}-path${p.path.replaceAll('/', '_')}`;
  }
  return fixes;
}

/** A document with no statement, for a required policy that is missing (it allows nothing). */
const NO_POLICY: PolicyDocument = { Version: '2012-10-17', Statement: [] };
const NO_RESOURCE_POLICY = createValidatedPolicy(NO_POLICY, validateResourcePolicy);
const NO_BOUNDARY = createValidatedPolicy(NO_POLICY, validateIdentityPolicy);

// ---------------------------------------------------------------------------
// Planning: what takes part in a request, from the world
// ---------------------------------------------------------------------------

interface Level {
  readonly target: string;
  readonly policies: readonly PolicyUse[];
}

interface Plan {
  readonly call: Call;
  /** The principal the engine sees: the session ARN, or the (global) service principal. */
  readonly principal: string;
  readonly callerKind: 'role' | 'service';
  /** The caller's role ARN as the world has it; the service principal for a service. */
  readonly callerName: string;
  readonly callerAccount: string | undefined;
  /** The resource ARN evaluated (a key alias resolved to its key, a role ARN in its own case). */
  readonly resource: string;
  readonly resourceAccount: string;
  readonly resourcePolicy: PolicyUse | undefined;
  /** The resource policy is required but the world has none (a placeholder allowing nothing stands in). */
  readonly resourcePolicyAbsent: boolean;
  /** Whether trust and key policies' explicit account trust applies (IAM counts only where they name the account). */
  readonly explicitTrust: boolean;
  readonly identity: readonly PolicyUse[];
  readonly boundary: PolicyUse | undefined;
  readonly session: PolicyUse | undefined;
  readonly scps: readonly Level[];
  readonly rcps: readonly Level[];
  readonly key: KmsKey | undefined;
  readonly awsManagedKey: boolean;
  readonly grants: readonly GrantMatch[];
  readonly context: RequestContext;
  readonly sameAccount: boolean;
  readonly sameOrganization: boolean;
  readonly blockPublicAccess: boolean | undefined;
  /** Whether a policy of the request tests `kms:EncryptionContext:<key>` (rewritten to the surrogate). */
  readonly encryptionContextConditions: boolean;
  readonly unresolved: { readonly reason: 'alias-other-account' | 'unknown'; readonly what: 'key' | 'bucket' | 'role'; readonly text: string } | undefined;
  /** Problems met while planning (unknown policies, invalid documents). */
  readonly errors: readonly string[];
}

function planRequest(world: World, call: Call): Plan {
  const errors: string[] = [];
  const service = call.operation.split(':')[0]?.toLowerCase() ?? '';
  const op = call.operation.toLowerCase();

  // The caller.
  const callerRole = call.caller.kind === 'role' ? findRole(world, call.caller.roleArn) : undefined;
  if (call.caller.kind === 'role' && !callerRole) errors.push(`caller role \`${call.caller.roleArn}\` is not in the scenario: it has no policies`);
  const callerAccount = call.caller.kind === 'role' ? parseArn(call.caller.roleArn)?.account : call.caller.sourceAccount;
  const principal = call.caller.kind === 'role' ? call.caller.sessionArn : globalServicePrincipal(call.caller.service);
  const callerName = call.caller.kind === 'role' ? callerRole?.arn ?? call.caller.roleArn : principal;

  // The resource, its owner and its policy.
  let resource = call.resource;
  // An action without resource-level permissions is requested on `*`, in the caller's own account
  // (Service Authorization Reference: no resource type means "*", e.g. codepipeline:PutJobSuccessResult).
  let resourceAccount = call.resource === '*' ? callerAccount : ownerAccount(world, call.resource);
  let resourcePolicy: { kind: PolicyKind; name: string; doc: PolicyDocument | undefined; required: boolean } | undefined;
  let resourceTags: Readonly<Record<string, string>> = {};
  let key: KmsKey | undefined;
  let unresolved: Plan['unresolved'];
  let blockPublicAccess: boolean | undefined;
  let explicitTrust = false;

  if (service === 'kms') {
    const from = { account: callerAccount ?? '', region: call.region };
    const resolved = resolveKey(world, call.resource, from);
    if (resolved.key) {
      key = resolved.key;
      resource = key.arn;
      resourceAccount = parseArn(key.arn)?.account;
      resourceTags = key.tags;
      const aws = key.keyManager === 'AWS';
      resourcePolicy = aws
        ? { kind: 'aws-managed-key', name: key.arn, doc: awsManagedKeyPolicy(key.arn), required: true }
        : { kind: 'key', name: key.arn, doc: key.policy, required: true };
      explicitTrust = true;
    } else {
      unresolved = {
        reason: resolved.reason,
        what: 'key',
        text:
          resolved.reason === 'alias-other-account'
            ? `alias \`${call.resource}\` names a key only in its own account and region: there is none in account \`${from.account}\`, \`${from.region}\` (the alias exists in another account; name the key by its ARN)`
            : `no KMS key \`${call.resource}\` exists for account \`${from.account}\` in \`${from.region}\` in this scenario`,
      };
    }
  } else if (op.startsWith('sts:assumerole')) {
    const target = findRole(world, call.resource);
    if (target) {
      resource = target.arn;
      resourceTags = target.tags;
      resourcePolicy = { kind: 'trust', name: target.arn, doc: target.trustPolicy, required: true };
      explicitTrust = true;
    } else {
      unresolved = { reason: 'unknown', what: 'role', text: `no role \`${call.resource}\` in this scenario` };
    }
  } else if (service === 's3') {
    const bucketName = parseArn(call.resource)?.resource.split('/')[0] ?? '';
    const bucket: Bucket | undefined = world.buckets.get(bucketName);
    if (bucket) {
      if (bucket.policy) resourcePolicy = { kind: 'bucket', name: bucket.name, doc: bucket.policy, required: false };
      blockPublicAccess = bucket.publicAccessBlock?.RestrictPublicBuckets;
    } else {
      unresolved = { reason: 'unknown', what: 'bucket', text: `no bucket \`${bucketName}\` in this scenario` };
    }
  } else if (service === 'sns') {
    const topic = world.topics.get(call.resource);
    if (topic?.policy) resourcePolicy = { kind: 'topic', name: topic.arn, doc: topic.policy, required: false };
  } else if (service === 'lambda') {
    const fn = world.functions.get(call.resource);
    if (fn?.policy) resourcePolicy = { kind: 'function', name: fn.arn, doc: fn.policy, required: false };
  } else if (op === 'iam:passrole') {
    const target = findRole(world, call.resource);
    if (target) {
      resource = target.arn;
      resourceTags = target.tags;
    }
  }
  const owner = resourceAccount ?? '';
  const sameAccount = callerAccount !== undefined && callerAccount === owner;
  const sameOrganization = sameAccount || (callerAccount !== undefined && inOrganization(world, callerAccount) && inOrganization(world, owner));

  // Identity-side policies of a role caller.
  const identity: PolicyUse[] = [];
  let boundary: PolicyUse | undefined;
  let session: PolicyUse | undefined;
  if (callerRole) {
    for (const [name, doc] of Object.entries(callerRole.inlinePolicies)) identity.push(usePolicy(world, 'identity', name, doc, call.region));
    for (const arn of callerRole.managedPolicies) {
      const doc = world.managedPolicies.get(arn);
      if (doc) identity.push(usePolicy(world, 'identity', arn, doc, call.region));
      else errors.push(`managed policy \`${arn}\` of \`${callerRole.arn}\` is not in the scenario (skipped)`);
    }
    if (callerRole.permissionsBoundary) {
      const doc = world.managedPolicies.get(callerRole.permissionsBoundary);
      // A boundary that cannot be read allows nothing, as an empty boundary would.
      boundary = usePolicy(world, 'boundary', callerRole.permissionsBoundary, doc ?? NO_POLICY, call.region);
      if (!doc) errors.push(`permissions boundary \`${callerRole.permissionsBoundary}\` is not in the scenario: it allows nothing`);
    }
    if (callerRole.sessionPolicy) session = usePolicy(world, 'session', 'session policy', callerRole.sessionPolicy, call.region);
  }

  // SCPs along the principal's path: not for service principals, service-linked roles or the
  // management account ("SCPs don't affect … service-linked roles … the management account",
  // https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html).
  const scpsApply = call.caller.kind === 'role' && callerRole?.serviceLinked !== true && callerAccount !== undefined && !isManagementAccount(world, callerAccount);
  const scps = scpsApply && callerAccount ? levels(world, callerAccount, 'SERVICE_CONTROL_POLICY', 'scp', call.region) : [];
  // RCPs along the resource's path: only for services that support RCPs, never for AWS managed
  // keys, resources of the management account, or calls by service-linked roles
  // (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html,
  // https://docs.aws.amazon.com/kms/latest/developerguide/resource-control-policies.html).
  const rcpsApply = rcpApplies(call.operation) && key?.keyManager !== 'AWS' && owner !== '' && !isManagementAccount(world, owner) && callerRole?.serviceLinked !== true;
  const rcps = rcpsApply ? levels(world, owner, 'RESOURCE_CONTROL_POLICY', 'rcp', call.region) : [];

  const resourceUse = resourcePolicy
    ? resourcePolicy.doc
      ? usePolicy(world, resourcePolicy.kind, resourcePolicy.name, resourcePolicy.doc, call.region)
      : resourcePolicy.required
        ? usePolicy(world, resourcePolicy.kind, resourcePolicy.name, NO_POLICY, call.region)
        : undefined
    : undefined;
  const uses: PolicyUse[] = [...identity];
  if (boundary) uses.push(boundary);
  if (session) uses.push(session);
  if (resourceUse) uses.push(resourceUse);
  for (const l of scps) uses.push(...l.policies);
  for (const l of rcps) uses.push(...l.policies);
  let encryptionContextConditions = false;
  for (const use of uses) {
    if (factsOf(use.doc).encryptionContextConditions) encryptionContextConditions = true;
    for (const e of use.prepared.errors) errors.push(`${describePolicy(use)}: ${e}${use.prepared.policy ? '' : ' (policy skipped)'}`);
  }

  const context = requestContext({ world, call, callerRole, callerAccount, resourceAccount: owner || undefined, resourceTags });
  // Grants on an AWS managed key are made by the AWS service that owns it, never to another
  // account's principal; pipesim honours none there (https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key).
  const grants = key && key.keyManager !== 'AWS' ? matchGrants(key, call.caller, call.operation, call.facts?.encryptionContext) : [];

  return {
    call,
    principal,
    callerKind: call.caller.kind,
    callerName,
    callerAccount,
    resource,
    resourceAccount: owner,
    resourcePolicy: resourceUse,
    resourcePolicyAbsent: resourcePolicy?.required === true && resourcePolicy.doc === undefined,
    explicitTrust,
    identity,
    boundary,
    session,
    scps,
    rcps,
    key,
    awsManagedKey: key?.keyManager === 'AWS',
    grants,
    context,
    sameAccount,
    sameOrganization,
    blockPublicAccess,
    encryptionContextConditions,
    unresolved,
    errors,
  };
}

const levelCache = new WeakMap<World, Map<string, readonly Level[]>>();

/** The SCP or RCP levels of an account, prepared once per world (they do not depend on the call). */
function levels(world: World, account: string, type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY', kind: 'scp' | 'rcp', region: string): readonly Level[] {
  let cache = levelCache.get(world);
  if (!cache) {
    cache = new Map();
    levelCache.set(world, cache);
  }
  const key = `${kind}/${account}`;
  let found = cache.get(key);
  if (!found) {
    found = policyChain(world, account, type).map((l) => ({ target: l.target, policies: l.policies.map((p) => usePolicy(world, kind, p.name, p.document, region)) }));
    cache.set(key, found);
  }
  return found;
}

const levelKeys = new WeakMap<readonly Level[], string>();

/** The levels' part of the memo key (levels are cached per world, so this is computed once per world). */
function levelsKey(ls: readonly Level[]): string {
  if (ls.length === 0) return '[]';
  let k = levelKeys.get(ls);
  if (k === undefined) {
    k = textId(`[${ls.map((l) => `[${JSON.stringify(l.target)},[${l.policies.map((u) => u.key).join(',')}]]`).join(',')}]`);
    levelKeys.set(ls, k);
  }
  return k;
}

/**
 * The memo key: the request, and the identity (and rewrite) of every document involved. One
 * part per line: JSON values (JSON text never holds a raw newline), `#<id>` text ids, `-` for none.
 */
function memoKey(plan: Plan): string {
  const use = (u: PolicyUse | undefined) => (u ? u.key : '-');
  const key = plan.key;
  return [
    JSON.stringify([plan.principal, plan.callerName, plan.call.operation, plan.resource, plan.resourceAccount, plan.call.region]),
    JSON.stringify(plan.context),
    plan.call.facts ? JSON.stringify(plan.call.facts) : 'null',
    `[${plan.identity.map(use).join(',')}]`,
    use(plan.boundary),
    use(plan.session),
    use(plan.resourcePolicy),
    plan.resourcePolicyAbsent,
    levelsKey(plan.scps),
    levelsKey(plan.rcps),
    key ? JSON.stringify([key.arn, key.keyManager, key.enabled]) : 'null',
    plan.grants.length ? JSON.stringify(plan.grants.map((g) => [g.kind, g.index, g.grant])) : '[]',
    plan.sameOrganization,
    plan.blockPublicAccess ?? null,
    plan.unresolved ? JSON.stringify(plan.unresolved) : 'null',
    plan.errors.length ? JSON.stringify(plan.errors) : '[]',
  ].join('\n');
}

// ---------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------

type Analysis = RequestAnalysis;
type Layer = NonNullable<RequestAnalysis['identityAnalysis']>;
type StatementAnalysis = Layer['allowStatements'][number];

async function evaluatePlan(plan: Plan): Promise<Evaluation> {
  if (plan.unresolved) return unresolvedEvaluation(plan, plan.unresolved);
  let analysis: Analysis;
  try {
    const result = await runSimulation(toSimulation(plan), { simulationMode: 'Strict' });
    if (result.resultType === 'error') return failedEvaluation(plan, `the policy engine could not evaluate the request: ${result.errors.message}`);
    if (result.resultType === 'single') {
      analysis = result.result.analysis;
    } else {
      // A resource ARN with a wildcard: the engine evaluates each matching pattern and allows if
      // any is allowed; explain by the first pattern that reached the overall result.
      const decisive = result.results.find((r) => r.analysis.result === result.overallResult) ?? result.results[0];
      if (!decisive) return failedEvaluation(plan, `the policy engine found nothing to evaluate for \`${plan.resource}\``);
      analysis = decisive.analysis;
    }
  } catch (e) {
    return failedEvaluation(plan, `the policy engine failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  return judge(plan, analysis);
}

/** The engine's input: the request as pipesim derived it, policies pre-validated. */
function toSimulation(plan: Plan): Simulation {
  const valid = (uses: readonly PolicyUse[]) => uses.flatMap((u) => (u.prepared.policy ? [{ name: u.name, policy: u.prepared.policy }] : []));
  // The engine only reads the context (arrays included), so the plan's object is passed as is.
  let contextVariables = plan.context as Record<string, string | string[]>;
  const ec = plan.call.facts?.encryptionContext;
  if (ec && plan.encryptionContextConditions) {
    // The engine drops kms:EncryptionContext:<key>; send each pair under the surrogate the
    // rewritten conditions test (engine/policy/policy-rewrite.ts).
    contextVariables = { ...contextVariables };
    for (const [k, v] of Object.entries(ec)) contextVariables[ENCRYPTION_CONTEXT_SURROGATE + k] = v;
  }
  const resourcePolicy = plan.resourcePolicy?.prepared.policy;
  return {
    request: {
      principal: plan.principal,
      action: plan.call.operation,
      resource: { resource: plan.resource, accountId: plan.resourceAccount },
      contextVariables,
    },
    identityPolicies: valid(plan.identity),
    serviceControlPolicies: plan.scps.map((l) => ({ orgIdentifier: l.target, policies: valid(l.policies) })),
    resourceControlPolicies: plan.rcps.map((l) => ({ orgIdentifier: l.target, policies: valid(l.policies) })),
    // A required trust or key policy that fails validation allows nothing (the engine would
    // otherwise treat the missing trust policy as "no resource policy" and allow same-account AssumeRole).
    ...(resourcePolicy ? { resourcePolicy } : plan.resourcePolicy && plan.explicitTrust ? { resourcePolicy: NO_RESOURCE_POLICY } : {}),
    ...(plan.boundary ? { permissionBoundaryPolicies: plan.boundary.prepared.policy ? [{ name: plan.boundary.name, policy: plan.boundary.prepared.policy }] : [{ name: plan.boundary.name, policy: NO_BOUNDARY }] } : {}),
    ...(plan.session?.prepared.policy ? { sessionPolicy: plan.session.prepared.policy } : {}),
    ...(plan.blockPublicAccess !== undefined ? { additionalSettings: { s3: { blockPublicAccess: plan.blockPublicAccess } } } : {}),
  };
}

interface Layers {
  readonly identity: LayerResult;
  readonly resource: CombineInput['resource'];
  readonly scp: LayerResult | undefined;
  readonly rcp: LayerResult | undefined;
  readonly boundary: LayerResult | undefined;
  readonly session: LayerResult | undefined;
}

function layersOf(plan: Plan, a: Analysis): Layers {
  return {
    identity: a.identityAnalysis?.result ?? 'ImplicitlyDenied',
    resource: a.resourceAnalysis?.result ?? 'NotApplicable',
    scp: plan.scps.length > 0 ? a.scpAnalysis?.result : undefined,
    rcp: plan.rcps.length > 0 ? a.rcpAnalysis?.result : undefined,
    boundary: a.permissionBoundaryAnalysis?.result,
    session: a.sessionAnalysis?.result,
  };
}

function judge(plan: Plan, a: Analysis): Evaluation {
  const layers = layersOf(plan, a);
  const usable = plan.grants[0];
  const combined = combine({
    engine: a.result,
    unresolved: false,
    ...layers,
    sameAccount: plan.sameAccount,
    keyDisabled: plan.key !== undefined && !plan.key.enabled,
    grant: usable?.kind === 'match' ? 'principal' : usable?.kind === 'account' ? 'account' : 'none',
    resourceNamesSession: namesSession(plan, a),
  });
  const missingAllow = combined.decision === 'ImplicitlyDenied' && combined.arm !== 'key-disabled' ? missingAllows(plan, layers) : [];
  const statements = decidingStatements(plan, a, combined.arm);
  const category = categorize({
    arm: combined.arm,
    operation: plan.call.operation,
    callerKind: plan.callerKind,
    missingAllow,
    awsManagedKeyOtherAccount: plan.awsManagedKey && !plan.sameAccount,
    unresolved: undefined,
  });
  const reason = denialReason(plan, a, combined.arm, missingAllow);
  // S3 Block Public Access (RestrictPublicBuckets) denies cross-account use of a public bucket
  // policy without any Deny statement; AWS reports it as an explicit deny in a resource-based
  // policy ("Access denied due to Block Public Access settings", troubleshoot-403-errors.html).
  const blockedPublic = combined.arm === 'explicit-deny' && statements.length === 0 && (a.blockedBy ?? []).includes('s3-bpa');
  return {
    decision: combined.decision,
    statements,
    missingAllow,
    explanation: blockedPublic
      ? `the bucket policy of \`${plan.resourcePolicy?.name ?? plan.resource}\` grants public access, and S3 Block Public Access (\`RestrictPublicBuckets\`) limits such a bucket to its own account and AWS services`
      : explain(plan, a, combined.arm, layers, missingAllow, statements),
    ...(blockedPublic ? { category: 'BUCKET_POLICY' as const } : category ? { category } : {}),
    ...(reason ? { message: accessDeniedMessage(subjectOf(plan), reason) } : {}),
    context: plan.context,
    errors: plan.errors,
  };
}

function unresolvedEvaluation(plan: Plan, u: NonNullable<Plan['unresolved']>): Evaluation {
  const category = categorize({ arm: 'unresolved', operation: plan.call.operation, callerKind: plan.callerKind, missingAllow: [], awsManagedKeyOtherAccount: false, unresolved: u.reason });
  return {
    decision: 'ImplicitlyDenied',
    statements: [],
    missingAllow: [],
    explanation: u.text,
    ...(category ? { category } : {}),
    message: accessDeniedMessage(subjectOf(plan), { kind: 'not-found', what: u.what }),
    context: plan.context,
    errors: plan.errors,
  };
}

function failedEvaluation(plan: Plan, why: string): Evaluation {
  return {
    decision: 'ImplicitlyDenied',
    statements: [],
    missingAllow: [],
    explanation: why,
    category: 'STRUCTURE',
    message: accessDeniedMessage(subjectOf(plan), { kind: 'implicit', policyType: 'identity' }),
    context: plan.context,
    errors: [...plan.errors, why],
  };
}

function subjectOf(plan: Plan) {
  return { principal: plan.principal, operation: plan.call.operation, resource: plan.resource, sameAccountOrOrganization: plan.sameOrganization };
}

/** Whether an Allow of the resource policy names the caller's session ARN itself. */
function namesSession(plan: Plan, a: Analysis): boolean {
  if (plan.call.caller.kind !== 'role') return false;
  const session = plan.call.caller.sessionArn;
  return (a.resourceAnalysis?.allowStatements ?? []).some((s) => [s.explain.principals ?? []].flat().some((p) => p.principal === session && p.matches === 'Match'));
}

// ---------------------------------------------------------------------------
// Diagnostics: deciding statements, missing allows, explanation, message
// ---------------------------------------------------------------------------

const SYNTHETIC_ALLOWS = new Set([FULL_AWS_ACCESS_NAME, 'arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess']);

function statementOf(kind: PolicyKind, policy: string, s: StatementAnalysis): DecidingStatement {
  const sid = s.statement.sid();
  return { policyKind: kind, policy, ...(sid ? { sid } : {}), index: s.statement.index() - 1, effect: s.statement.effect() === 'Deny' ? 'Deny' : 'Allow' };
}

/** The layers of an analysis, each with its kind and a statement → policy-name mapping. */
function layerStatements(plan: Plan, a: Analysis, pick: 'allowStatements' | 'denyStatements'): DecidingStatement[] {
  const out: DecidingStatement[] = [];
  const resourceKind = plan.resourcePolicy?.kind ?? 'bucket';
  const resourceName = plan.resourcePolicy?.name ?? plan.resource;
  for (const s of a.scpAnalysis?.ouAnalysis.flatMap((l) => l[pick]) ?? []) if (!SYNTHETIC_ALLOWS.has(s.policyId)) out.push(statementOf('scp', s.policyId, s));
  for (const s of a.rcpAnalysis?.ouAnalysis.flatMap((l) => l[pick]) ?? []) if (!SYNTHETIC_ALLOWS.has(s.policyId)) out.push(statementOf('rcp', s.policyId, s));
  for (const s of a.resourceAnalysis?.[pick] ?? []) out.push(statementOf(resourceKind, resourceName, s));
  for (const s of a.identityAnalysis?.[pick] ?? []) out.push(statementOf('identity', s.policyId, s));
  for (const s of a.permissionBoundaryAnalysis?.[pick] ?? []) out.push(statementOf('boundary', plan.boundary?.name ?? s.policyId, s));
  for (const s of a.sessionAnalysis?.[pick] ?? []) out.push(statementOf('session', plan.session?.name ?? 'session policy', s));
  return out;
}

function decidingStatements(plan: Plan, a: Analysis, arm: Arm): DecidingStatement[] {
  switch (arm) {
    case 'explicit-deny':
      return layerStatements(plan, a, 'denyStatements');
    case 'engine-allow':
      return layerStatements(plan, a, 'allowStatements');
    case 'kms-grant': {
      const g = plan.grants[0];
      const grant: DecidingStatement[] = g ? [{ policyKind: 'grant', policy: grantLabel(g.grant, g.index), index: g.index, effect: 'Allow' }] : [];
      const idAllows = g?.kind === 'account' ? layerStatements(plan, a, 'allowStatements').filter((s) => s.policyKind === 'identity') : [];
      return [...grant, ...idAllows];
    }
    case 'session-arn-resource':
      return layerStatements(plan, a, 'allowStatements').filter((s) => s.policyKind === plan.resourcePolicy?.kind);
    case 'unresolved':
    case 'guardrail':
    case 'key-disabled':
    case 'missing-allow':
      return [];
  }
}

/** Which documents lacked an allow: SCP, RCP, then the core policies, then boundary and session. */
function missingAllows(plan: Plan, l: Layers): PolicyKind[] {
  const out: PolicyKind[] = [];
  if (l.scp === 'ImplicitlyDenied') out.push('scp');
  if (l.rcp === 'ImplicitlyDenied') out.push('rcp');
  const rk = plan.resourcePolicy?.kind ?? defaultResourceKind(plan.call.operation);
  const idOk = l.identity === 'Allowed';
  const direct = l.resource === 'Allowed';
  const forAccount = l.resource === 'AllowedForAccount';
  if (plan.callerKind === 'service') {
    if (!direct && rk) out.push(rk);
  } else if (plan.explicitTrust) {
    // Trust and key policies are always required; IAM counts where they name the account, and
    // across accounts IAM must allow as well. A KMS grant to the account stands for the key side.
    const accountGrant = plan.grants[0]?.kind === 'account';
    if (!direct && !forAccount && !accountGrant && rk) out.push(rk);
    if (!idOk && (forAccount || accountGrant || !plan.sameAccount)) out.push('identity');
  } else if (plan.sameAccount) {
    // Same account: identity OR resource policy.
    if (!idOk && !direct && !forAccount) {
      out.push('identity');
      if (plan.resourcePolicy && rk) out.push(rk);
    }
  } else {
    // Across accounts: resource policy AND identity.
    if (!direct && !forAccount && rk) out.push(rk);
    if (!idOk) out.push('identity');
  }
  if (l.boundary === 'ImplicitlyDenied') out.push('boundary');
  if (l.session === 'ImplicitlyDenied') out.push('session');
  return out;
}

function defaultResourceKind(operation: string): PolicyKind | undefined {
  const service = operation.split(':')[0]?.toLowerCase();
  if (service === 's3') return 'bucket';
  if (service === 'sns') return 'topic';
  if (service === 'lambda') return 'function';
  return undefined;
}

function denyingType(kind: PolicyKind): DenyingPolicyType {
  switch (kind) {
    case 'scp':
      return 'scp';
    case 'rcp':
      return 'rcp';
    case 'trust':
      return 'trust';
    case 'key':
    case 'aws-managed-key':
    case 'bucket':
    case 'topic':
    case 'function':
    case 'grant':
      return 'resource';
    case 'identity':
      return 'identity';
    case 'boundary':
      return 'boundary';
    case 'session':
      return 'session';
    case 'endpoint':
      return 'endpoint';
  }
}

/** The reason the message states: AWS names one policy type, in its evaluation order. */
function denialReason(plan: Plan, a: Analysis, arm: Arm, missing: readonly PolicyKind[]): DenialReason | undefined {
  switch (arm) {
    case 'engine-allow':
    case 'kms-grant':
    case 'session-arn-resource':
    case 'unresolved':
      return undefined;
    case 'key-disabled':
      return { kind: 'key-disabled', keyArn: plan.resource };
    case 'explicit-deny': {
      const first = layerStatements(plan, a, 'denyStatements')[0];
      return { kind: 'explicit', policyType: first ? denyingType(first.policyKind) : 'resource' };
    }
    case 'guardrail':
    case 'missing-allow': {
      const first = missing[0];
      return { kind: 'implicit', policyType: first ? denyingType(first) : 'identity' };
    }
  }
}

function describeKind(kind: PolicyKind, name: string): string {
  switch (kind) {
    case 'identity':
      return `the identity policy \`${name}\``;
    case 'trust':
      return `the trust policy of \`${name}\``;
    case 'key':
      return `the key policy of \`${name}\``;
    case 'aws-managed-key':
      return `the AWS managed key policy of \`${name}\``;
    case 'bucket':
      return `the bucket policy of \`${name}\``;
    case 'topic':
      return `the topic policy of \`${name}\``;
    case 'function':
      return `the resource-based policy of function \`${name}\``;
    case 'scp':
      return `the SCP \`${name}\``;
    case 'rcp':
      return `the RCP \`${name}\``;
    case 'boundary':
      return `the permissions boundary \`${name}\``;
    case 'session':
      return 'the session policy';
    case 'grant':
      return `grant \`${name}\``;
    case 'endpoint':
      return `the VPC endpoint policy \`${name}\``;
  }
}

function describePolicy(u: PolicyUse): string {
  return describeKind(u.kind, u.name);
}

function describeStatement(s: DecidingStatement): string {
  return `statement ${s.sid ? `\`${s.sid}\`` : `#${s.index}`} of ${describeKind(s.policyKind, s.policy)}`;
}

/** Why the Allow statements of a layer that name the caller did not match: their unmet conditions. */
function nearMisses(layer: Layer | NonNullable<RequestAnalysis['resourceAnalysis']> | undefined): string | undefined {
  for (const s of layer?.unmatchedStatements ?? []) {
    if (s.statement.effect() !== 'Allow' || !s.actionMatch || !s.resourceMatch || s.principalMatch === 'NoMatch' || s.conditionMatch === 'Match') continue;
    const failed = (s.explain.conditions ?? []).filter((c) => !c.matches);
    if (failed.length === 0) continue;
    const sid = s.statement.sid();
    const conds = failed
      .map((c) => {
        const key = originalConditionKey(c.conditionKeyValue);
        return `\`${c.operator} ${key}\`${c.failedBecauseMissing ? ` (the request has no \`${key}\`)` : ''}`;
      })
      .join(', ');
    return `statement ${sid ? `\`${sid}\`` : `#${s.statement.index() - 1}`} would allow it, but its condition ${conds} is not met`;
  }
  return undefined;
}

function explain(plan: Plan, a: Analysis, arm: Arm, l: Layers, missing: readonly PolicyKind[], statements: readonly DecidingStatement[]): string {
  const op = `\`${plan.call.operation}\``;
  const who = `\`${plan.callerName}\``;
  const res = `\`${plan.resource}\``;
  switch (arm) {
    case 'unresolved':
      return plan.unresolved?.text ?? 'the resource is not in this scenario';
    case 'explicit-deny': {
      const [first, ...rest] = statements;
      if (!first) return `a Deny statement denies ${op} on ${res}`;
      return `${describeStatement(first)} denies ${op} on ${res}${rest.length ? ` (and ${rest.length} more Deny statement${rest.length > 1 ? 's' : ''})` : ''}`;
    }
    case 'key-disabled':
      return `the policies allow ${op}, but key ${res} is disabled`;
    case 'engine-allow':
    case 'session-arn-resource': {
      const core = statements.filter((s) => s.policyKind !== 'scp' && s.policyKind !== 'rcp');
      const shown = (core.length ? core : statements).slice(0, 3).map(describeStatement).join('; ');
      const extra = arm === 'session-arn-resource' ? ' (it names the session ARN, so the session policy does not limit it)' : '';
      return `allowed: ${shown || 'the policies allow it'}${extra}`;
    }
    case 'kms-grant': {
      const g = plan.grants[0];
      return `allowed by grant \`${g ? grantLabel(g.grant, g.index) : '?'}\` of ${res}${g?.kind === 'account' ? ` (granted to the account, and an identity policy of ${who} allows it)` : ''}; no key-policy statement allows it`;
    }
    case 'guardrail': {
      const kind = l.scp === 'ImplicitlyDenied' ? 'scp' : 'rcp';
      const levels = kind === 'scp' ? a.scpAnalysis?.ouAnalysis : a.rcpAnalysis?.ouAnalysis;
      const target = levels?.find((x) => x.result === 'ImplicitlyDenied')?.orgIdentifier ?? '?';
      const core = missing.filter((k) => k !== 'scp' && k !== 'rcp');
      return `no ${kind === 'scp' ? 'service control policy' : 'resource control policy'} attached to \`${target}\` allows ${op}${core.length ? `; the ${core.join(' and ')} ${core.length > 1 ? 'policies do' : 'policy does'} not allow it either` : ''}`;
    }
    case 'missing-allow':
      return explainMissing(plan, a, l, missing);
  }
}

function explainMissing(plan: Plan, a: Analysis, l: Layers, missing: readonly PolicyKind[]): string {
  const op = `\`${plan.call.operation}\``;
  const who = `\`${plan.callerName}\``;
  const res = `\`${plan.resource}\``;
  const core = missing.find((k) => k !== 'scp' && k !== 'rcp' && k !== 'boundary' && k !== 'session');
  const near = (text: string, layer: Parameters<typeof nearMisses>[0]) => {
    const n = nearMisses(layer);
    return n ? `${text}; ${n}` : text;
  };
  const grantNote = () => {
    const g = plan.grants.find((x) => x.kind === 'near');
    return g && g.kind === 'near' ? `; grant \`${grantLabel(g.grant, g.index)}\` names it, but ${g.why}` : '';
  };
  if (plan.awsManagedKey && !plan.sameAccount && plan.callerKind === 'role') {
    return `${res} is an AWS managed key: its fixed key policy serves only principals of account \`${plan.resourceAccount}\` through S3, so ${who} of account \`${plan.callerAccount ?? '?'}\` cannot use it (use a customer managed key)`;
  }
  if (plan.awsManagedKey && core === 'aws-managed-key') {
    const via = plan.context['kms:ViaService'];
    return via
      ? near(`the AWS managed key policy of ${res} allows its account only through S3 in its own region, and this call comes through \`${String(via)}\``, a.resourceAnalysis)
      : `the AWS managed key policy of ${res} allows its account only through S3 (\`kms:ViaService\`); this call is made directly, not through S3`;
  }
  switch (core) {
    case 'trust':
      if (plan.callerKind === 'service') return near(`the trust policy of ${res} does not trust \`${plan.principal}\``, a.resourceAnalysis);
      if (plan.resourcePolicyAbsent) return `${res} has no trust policy`;
      return near(`the trust policy of ${res} has no statement that allows ${who} to call ${op}`, a.resourceAnalysis);
    case 'key':
      if (plan.resourcePolicyAbsent) return `${res} has no key policy, and a key policy is always required`;
      return near(`the key policy of ${res} has no statement that allows ${who} to call ${op}${l.identity === 'Allowed' && plan.sameAccount ? ' (the identity policy allows it, but IAM policies count only where the key policy names the account)' : ''}`, a.resourceAnalysis) + grantNote();
    case 'bucket':
    case 'topic':
    case 'function': {
      const noun = core === 'bucket' ? 'bucket' : core === 'topic' ? 'topic' : 'function';
      if (!plan.resourcePolicy) return `${noun} ${res} has no ${noun === 'function' ? 'resource-based' : noun} policy, and across accounts it must allow ${who} as well as the identity policy`;
      return near(`${describeKind(core, plan.resourcePolicy.name)} has no statement that allows ${who} to call ${op}${plan.sameAccount ? '' : ', and across accounts both sides must allow'}`, a.resourceAnalysis);
    }
    case 'identity': {
      const delegated = l.resource === 'AllowedForAccount' && plan.resourcePolicy ? `${describePolicy(plan.resourcePolicy)} leaves ${op} to IAM in account \`${plan.callerAccount ?? '?'}\`, but ` : '';
      const cross = !delegated && !plan.sameAccount && l.resource === 'Allowed' ? `${describePolicy(plan.resourcePolicy as PolicyUse)} allows it, but across accounts ` : '';
      return near(`${delegated}${cross}no identity policy of ${who} allows ${op} on ${res}`, a.identityAnalysis) + (plan.key ? grantNote() : '');
    }
    case undefined:
      break;
    default:
      return `${describeKind(core, plan.resourcePolicy?.name ?? plan.resource)} does not allow ${op}`;
  }
  if (missing.includes('boundary')) return near(`the permissions boundary \`${plan.boundary?.name ?? '?'}\` of ${who} does not allow ${op} on ${res}`, a.permissionBoundaryAnalysis);
  if (missing.includes('session')) return near(`the session policy of \`${plan.principal}\` does not allow ${op} on ${res}`, a.sessionAnalysis);
  if (!plan.sameAccount) return `${op} on ${res} of account \`${plan.resourceAccount}\` cannot be granted to account \`${plan.callerAccount ?? '?'}\`: the resource has no resource-based policy, so only principals of its own account can call it`;
  return `nothing allows ${op} on ${res} for ${who}`;
}

// ---------------------------------------------------------------------------
// The benchmark's baseline (bench/bench.ts): not used by the simulator
// ---------------------------------------------------------------------------

/** Replaces every pre-validated policy of an engine request by its raw document. */
function rawRequest(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rawRequest);
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (v['__validated'] === true) return v['policyDocument'];
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rawRequest(x)]));
  }
  return value;
}

/**
 * The raw engine on exactly the requests pipesim sends for these calls, as a naive caller
 * would use it: `runSimulation` on plain documents (re-validated by the engine on every call), no caches. For the benchmark.
 */
export function rawEngineBaseline(world: World, calls: readonly Call[]): { readonly requests: number; readonly run: () => Promise<void> } {
  const requests = calls
    .map((c) => planRequest(world, c))
    .filter((p) => !p.unresolved)
    .map((p) => rawRequest(toSimulation(p)) as Simulation);
  return {
    requests: requests.length,
    run: async () => {
      for (const r of requests) await runSimulation(r, { simulationMode: 'Strict' });
    },
  };
}
