/**
 * The request context AWS attaches to a call, derived from the world and the call's facts —
 * never typed by hand. Pure.
 *
 * Sources: "AWS global condition context keys"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html),
 * "AWS KMS condition keys" (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html),
 * "Amazon S3 condition key examples" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html),
 * "Available keys for AWS STS" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html).
 */
import type { Role } from '../../model/schema.js';
import type { World } from '../../model/world.js';
import { inOrganization, orgPathString } from './org-policies.js';
import type { Call } from '../types.js';

/** Context keys as sent with a request: single- or multi-valued. */
export type RequestContext = Readonly<Record<string, string | readonly string[]>>;

/**
 * Services that add themselves to `aws:CalledVia` when they call on a principal's behalf
 * ("aws:CalledVia": Athena, CloudFormation, DynamoDB and AWS KMS). Other services (S3 calling
 * KMS for SSE-KMS among them) make forward-access-session requests that set only
 * `aws:ViaAWSService` (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_forward_access_sessions.html).
 */
export const CALLED_VIA_SERVICES: ReadonlySet<string> = new Set([
  'athena.amazonaws.com',
  'cloudformation.amazonaws.com',
  'dynamodb.amazonaws.com',
  'kms.amazonaws.com',
]);

const REGIONAL_SERVICE_PRINCIPAL = /^([a-z0-9-]+(?:\.[a-z0-9-]+)*?)\.([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d)\.amazonaws\.com$/;

/** The global name of a service principal: `codepipeline.us-east-1.amazonaws.com` → `codepipeline.amazonaws.com`. */
export function globalServicePrincipal(name: string): string {
  const m = REGIONAL_SERVICE_PRINCIPAL.exec(name);
  return m ? `${m[1]}.amazonaws.com` : name;
}

/** The region of a regional service principal name, if it has one. */
export function servicePrincipalRegion(name: string): string | undefined {
  return REGIONAL_SERVICE_PRINCIPAL.exec(name)?.[2];
}

/** What the context builder needs besides the call: ownership and tags resolved from the world. */
export interface ContextInput {
  readonly world: World;
  readonly call: Call;
  /** The caller's role as the world has it (canonical ARN, tags); absent for service callers. */
  readonly callerRole: Role | undefined;
  /** The account of the caller (role account, or the service's source account). */
  readonly callerAccount: string | undefined;
  /** The account that owns the resource, from the world. */
  readonly resourceAccount: string | undefined;
  /** Tags of the resource (role, key), for `aws:ResourceTag/*`. */
  readonly resourceTags: Readonly<Record<string, string>>;
  /** The aliases of the KMS key a call uses, for `kms:ResourceAliases`. */
  readonly resourceAliases?: readonly string[];
}

type Entries = readonly (readonly [string, string | readonly string[]])[];
const principalCache = new WeakMap<World, Map<string, Entries>>();

/** The principal's keys of a role caller; they depend only on the world and the role. */
function principalEntries(world: World, roleArn: string, callerRole: Role | undefined, callerAccount: string | undefined): Entries {
  let cache = principalCache.get(world);
  if (!cache) {
    cache = new Map();
    principalCache.set(world, cache);
  }
  const cacheKey = `${roleArn}\u0000${callerRole ? 'known' : 'unknown'}`;
  let entries = cache.get(cacheKey);
  if (!entries) {
    const out: [string, string | readonly string[]][] = [['aws:PrincipalArn', callerRole?.arn ?? roleArn]];
    if (callerAccount) out.push(['aws:PrincipalAccount', callerAccount]);
    out.push(['aws:PrincipalType', 'AssumedRole'], ['aws:PrincipalIsAWSService', 'false']);
    if (callerAccount && inOrganization(world, callerAccount)) {
      out.push(['aws:PrincipalOrgID', world.organization?.id ?? '']);
      const path = orgPathString(world, callerAccount);
      if (path) out.push(['aws:PrincipalOrgPaths', [path]]);
    }
    for (const [k, v] of Object.entries(callerRole?.tags ?? {})) out.push([`aws:PrincipalTag/${k}`, v]);
    entries = out;
    cache.set(cacheKey, entries);
  }
  return entries;
}

/** Builds the request context of a call. Pure (memoised per world for the principal's keys). */
export function requestContext(input: ContextInput): RequestContext {
  const { world, call, callerRole, callerAccount, resourceAccount } = input;
  const facts = call.facts ?? {};
  const service = call.operation.split(':')[0]?.toLowerCase() ?? '';
  const ctx: Record<string, string | readonly string[]> = {};

  // Who: the principal behind the session (the role ARN with its path), or the service.
  if (call.caller.kind === 'role') {
    for (const [k, v] of principalEntries(world, call.caller.roleArn, callerRole, callerAccount)) ctx[k] = v;
  } else {
    ctx['aws:PrincipalIsAWSService'] = 'true';
    ctx['aws:PrincipalServiceName'] = globalServicePrincipal(call.caller.service);
    if (call.caller.sourceAccount) ctx['aws:SourceAccount'] = call.caller.sourceAccount;
    if (call.caller.sourceArn) ctx['aws:SourceArn'] = call.caller.sourceArn;
  }

  // Through whom: a service calling with the principal's credentials (forward access session).
  // aws:ViaAWSService is in every request: false unless a service calls with the principal's
  // credentials (a service acting with its own service role, as CloudFormation with an execution
  // role, is the role itself: false, no aws:CalledVia).
  const via = facts.viaService ? globalServicePrincipal(facts.viaService) : undefined;
  ctx['aws:ViaAWSService'] = via ? 'true' : 'false';
  if (via) {
    if (CALLED_VIA_SERVICES.has(via)) {
      ctx['aws:CalledVia'] = [via];
      ctx['aws:CalledViaFirst'] = via;
      ctx['aws:CalledViaLast'] = via;
    }
  }

  // Where from and how.
  ctx['aws:RequestedRegion'] = call.region;
  ctx['aws:SecureTransport'] = String(facts.secureTransport ?? true);
  // Through a VPC endpoint, aws:SourceIp is not present; the private address is aws:VpcSourceIp
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip).
  if (facts.sourceVpce) ctx['aws:SourceVpce'] = facts.sourceVpce;
  if (facts.sourceIp) ctx[facts.sourceVpce ? 'aws:VpcSourceIp' : 'aws:SourceIp'] = facts.sourceIp;

  // On what: the owner account and its organization, and the resource's tags.
  if (resourceAccount) {
    ctx['aws:ResourceAccount'] = resourceAccount;
    if (inOrganization(world, resourceAccount)) {
      ctx['aws:ResourceOrgID'] = world.organization?.id ?? '';
      const path = orgPathString(world, resourceAccount);
      if (path) ctx['aws:ResourceOrgPaths'] = [path];
    }
  }
  for (const [k, v] of Object.entries(input.resourceTags)) ctx[`aws:ResourceTag/${k}`] = v;

  // Service-specific keys.
  if (service === 'kms') {
    if (call.caller.kind === 'role' && callerAccount) ctx['kms:CallerAccount'] = callerAccount;
    // kms:ResourceAliases: the key's aliases, however the request names the key ("AWS KMS condition keys").
    if (input.resourceAliases && input.resourceAliases.length > 0) ctx['kms:ResourceAliases'] = input.resourceAliases;
    if (via) ctx['kms:ViaService'] = regionalServiceEndpoint(via, call.region);
    const ec = facts.encryptionContext;
    if (ec && Object.keys(ec).length > 0) {
      for (const [k, v] of Object.entries(ec)) ctx[`kms:EncryptionContext:${k}`] = v;
      ctx['kms:EncryptionContextKeys'] = Object.keys(ec);
    }
  }
  if (service === 's3') {
    // Every SDK and CLI request is SigV4-signed in the Authorization header over TLS 1.2
    // ("Amazon S3 condition keys": s3:signatureversion, s3:authType, s3:TlsVersion).
    ctx['s3:signatureversion'] = 'AWS4-HMAC-SHA256';
    ctx['s3:authType'] = 'REST-HEADER';
    ctx['s3:TlsVersion'] = '1.2';
    if (facts.sseHeader) ctx['s3:x-amz-server-side-encryption'] = facts.sseHeader;
    if (facts.sseKmsKeyId) ctx['s3:x-amz-server-side-encryption-aws-kms-key-id'] = facts.sseKmsKeyId;
    if (facts.cannedAcl) ctx['s3:x-amz-acl'] = facts.cannedAcl;
  }
  if (service === 'iam' && facts.passedToService) ctx['iam:PassedToService'] = facts.passedToService;
  if (service === 'sts') {
    if (facts.externalId) ctx['sts:ExternalId'] = facts.externalId;
    if (facts.roleSessionName) ctx['sts:RoleSessionName'] = facts.roleSessionName;
    if (facts.sourceIdentity) ctx['sts:SourceIdentity'] = facts.sourceIdentity;
  }
  return ctx;
}

/** `kms:ViaService` names the regional endpoint: `s3.amazonaws.com` in `eu-west-1` → `s3.eu-west-1.amazonaws.com`. */
export function regionalServiceEndpoint(globalName: string, region: string): string {
  const name = globalName.replace(/\.amazonaws\.com$/, '');
  return `${name}.${region}.amazonaws.com`;
}
