/**
 * Request planning: what takes part in one call, derived from the world — the caller, the resource
 * (a key alias resolved, a role in its own case), its owner and policy, the identity-side policies,
 * SCP and RCP levels, KMS grants and the request context — and the memo key of that request.
 */
import { parseArn } from '../../model/arn.js';
import { getOrCreate } from '../../model/memo.js';
import type { Bucket, KmsKey, PolicyDocument } from '../../model/schema.js';
import { findRole, ownerAccount, resolveKey, type World } from '../../model/world.js';
import { globalServicePrincipal, requestContext, type RequestContext } from './context-keys.js';
import { describePolicy } from './describe.js';
import { awsManagedKeyPolicy, awsManagedKeyService, matchGrants, type GrantMatch } from './kms.js';
import { inOrganization, isManagementAccount, policyChain } from './org-policies.js';
import { factsOf, NO_POLICY, textId, usePolicy, type PolicyUse } from './policy-use.js';
import { rcpApplies } from './rcp-services.js';
import type { Call, Category, PolicyKind } from '../types.js';

/** One level of an organization path (root, OU, account) and its SCPs or RCPs. */
export interface Level {
  readonly target: string;
  readonly policies: readonly PolicyUse[];
}

/** One request as pipesim derived it from the world, ready for the engine. */
export interface Plan {
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
  /** Whether a policy of the request denies with `NotPrincipal` (rewritten to the principal-chain surrogate). */
  readonly notPrincipalDenies: boolean;
  readonly unresolved: { readonly reason: 'alias-other-account' | 'unknown'; readonly what: 'key' | 'bucket' | 'role'; readonly text: string } | undefined;
  /** A request AWS refuses whatever the policies say: the error it returns and why. */
  readonly refusal: Refusal | undefined;
  /** Problems met while planning (unknown policies, invalid documents). */
  readonly errors: readonly string[];
}

/** Plans one call: every policy and fact that takes part in its request, read from the world. */
export function planRequest(world: World, call: Call): Plan {
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
        ? { kind: 'aws-managed-key', name: key.arn, doc: awsManagedKeyPolicy(key.arn, awsManagedKeyService(key)), required: true }
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
  const refusal = refusalOf(call, callerAccount, owner);
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
  // RCPs along the resource's path: only for services that support RCPs, only where there is a
  // resource (an action without a resource type, requested on `*` such as
  // codepipeline:PutJobSuccessResult, has no resource owner whose RCPs could apply), never for AWS
  // managed keys, resources of the management account, or calls by service-linked roles
  // (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html,
  // https://docs.aws.amazon.com/kms/latest/developerguide/resource-control-policies.html).
  const rcpsApply = call.resource !== '*' && rcpApplies(call.operation) && key?.keyManager !== 'AWS' && owner !== '' && !isManagementAccount(world, owner) && callerRole?.serviceLinked !== true;
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
  let notPrincipalDenies = false;
  for (const use of uses) {
    if (factsOf(use.doc).encryptionContextConditions) encryptionContextConditions = true;
    if (factsOf(use.doc).notPrincipalDenies) notPrincipalDenies = true;
    for (const e of use.prepared.errors) errors.push(`${describePolicy(use)}: ${e}${use.prepared.policy ? '' : ' (policy skipped)'}`);
  }

  const context = requestContext({ world, call, callerRole, callerAccount, resourceAccount: owner || undefined, resourceTags, ...(key ? { resourceAliases: key.aliases } : {}) });
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
    notPrincipalDenies,
    unresolved,
    refusal,
    errors,
  };
}

/** What IAM answers when a role of another account is passed. */
export const CROSS_ACCOUNT_PASS_ROLE_MESSAGE = 'Cross-account pass role is not allowed.';

/** A request AWS refuses before any policy is read. */
export interface Refusal {
  /** The error message AWS returns. */
  readonly message: string;
  /** Why, for the explanation. */
  readonly text: string;
  readonly category: Category;
}

/**
 * The rules AWS applies whatever the policies say. A role can be passed only to a service in the
 * role's own account: IAM answers "Cross-account pass role is not allowed." (AWS re:Post
 * knowledge center, iam-passrole-error: "you can use PassRole permissions only to pass an IAM role
 * to a service that shares the same AWS account"; IAM User Guide, id_roles_use_passrole.html).
 */
function refusalOf(call: Call, callerAccount: string | undefined, owner: string): Refusal | undefined {
  if (call.operation.toLowerCase() === 'iam:passrole' && call.caller.kind === 'role' && callerAccount !== undefined && owner !== '' && owner !== callerAccount) {
    return {
      message: CROSS_ACCOUNT_PASS_ROLE_MESSAGE,
      text: `role \`${call.resource}\` is in account \`${owner}\`, and IAM lets \`${call.caller.roleArn}\` of account \`${callerAccount}\` pass only roles of its own account, whatever the policies say`,
      category: 'PASS_ROLE',
    };
  }
  return undefined;
}

const levelCache = new WeakMap<World, Map<string, readonly Level[]>>();

/** The SCP or RCP levels of an account, prepared once per world (they do not depend on the call). */
function levels(world: World, account: string, type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY', kind: 'scp' | 'rcp', region: string): readonly Level[] {
  const cache = getOrCreate(levelCache, world, () => new Map<string, readonly Level[]>());
  return getOrCreate(cache, `${kind}/${account}`, () =>
    policyChain(world, account, type).map((l) => ({ target: l.target, policies: l.policies.map((p) => usePolicy(world, kind, p.name, p.document, region)) })),
  );
}

const levelKeys = new WeakMap<readonly Level[], string>();

/** The levels' part of the memo key (levels are cached per world, so this is computed once per world). */
function levelsKey(ls: readonly Level[]): string {
  if (ls.length === 0) return '[]';
  return getOrCreate(levelKeys, ls, () => textId(`[${ls.map((l) => `[${JSON.stringify(l.target)},[${l.policies.map((u) => u.key).join(',')}]]`).join(',')}]`));
}

/**
 * The memo key: the request, and the identity (and rewrite) of every document involved. One
 * part per line: JSON values (JSON text never holds a raw newline), `#<id>` text ids, `-` for none.
 */
export function memoKey(plan: Plan): string {
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
    plan.refusal ? JSON.stringify(plan.refusal) : 'null',
    plan.errors.length ? JSON.stringify(plan.errors) : '[]',
  ].join('\n');
}

