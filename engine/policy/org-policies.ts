/**
 * AWS Organizations as the policy layer sees it: an account's path from the root, the SCPs
 * along the principal's path and the RCPs along the resource's path. Pure.
 *
 * Sources: "SCP evaluation" and "RCP evaluation" in the AWS Organizations User Guide
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html,
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html).
 */
import type { PolicyDocument } from '../../model/schema.js';
import { isFullAwsAccess, type World } from '../../model/world.js';

/** One level of the hierarchy (root, an OU, the account) and the policies attached to it. */
export interface OrgLevel {
  /** Root id, OU id or account id. */
  readonly target: string;
  readonly policies: readonly { readonly name: string; readonly document: PolicyDocument }[];
}

/** `FullAWSAccess`, the SCP AWS attaches to every root, OU and account when SCPs are enabled. */
export const FULL_AWS_ACCESS: { readonly name: string; readonly document: PolicyDocument } = {
  name: 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess',
  document: { Version: '2012-10-17', Statement: [{ Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' }] },
};

/** The name pipesim gives the implicit `FullAWSAccess` SCP (left out of decisive statements). */
export const FULL_AWS_ACCESS_NAME = FULL_AWS_ACCESS.name;

/** Whether an account is a member of the scenario's organization (listed in `accounts` while an organization exists). */
export function inOrganization(world: World, accountId: string): boolean {
  return world.organization !== undefined && world.accounts.has(accountId);
}

const pathCache = new WeakMap<World, Map<string, readonly string[] | undefined>>();

/** The OU ids from the root down to the account's OU, or undefined outside the organization. Pure (memoised per world). */
export function ouPath(world: World, accountId: string): readonly string[] | undefined {
  let cache = pathCache.get(world);
  if (!cache) {
    cache = new Map();
    pathCache.set(world, cache);
  }
  if (cache.has(accountId)) return cache.get(accountId);
  const path = computeOuPath(world, accountId);
  cache.set(accountId, path);
  return path;
}

function computeOuPath(world: World, accountId: string): readonly string[] | undefined {
  const org = world.organization;
  if (!org || !inOrganization(world, accountId)) return undefined;
  const byId = new Map(org.ous.map((ou) => [ou.id, ou] as const));
  const path: string[] = [];
  let ou = world.accounts.get(accountId)?.ou;
  // INVARIANT: the loader rejects OU cycles; the guard only keeps a bad world from looping.
  while (ou !== undefined && !path.includes(ou)) {
    path.unshift(ou);
    ou = byId.get(ou)?.parent;
  }
  return path;
}

/** `aws:PrincipalOrgPaths` / `aws:ResourceOrgPaths` of an account: `o-id/r-root/ou-a/ou-b/`. */
export function orgPathString(world: World, accountId: string): string | undefined {
  const org = world.organization;
  const ous = ouPath(world, accountId);
  if (!org || !ous) return undefined;
  return [org.id, org.rootId, ...ous].join('/') + '/';
}

/** Whether an account is the organization's management account. */
export function isManagementAccount(world: World, accountId: string): boolean {
  return world.organization?.managementAccount === accountId;
}

/**
 * The SCP or RCP chain of an account: root first, then each OU, then the account. Empty when the
 * account is outside the organization, or when nothing restricts it (no policy of that type and,
 * for SCPs, `FullAWSAccess` attached everywhere).
 *
 * AWS Organizations attaches the AWS managed SCP `FullAWSAccess` to every root, OU and account,
 * and it stays attached until an administrator detaches it ("Strategies for using SCPs",
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_strategies.html).
 * So every level holds it except those listed in `organization.fullAwsAccessDetachedFrom` — a
 * deny list keeps it, an allow list detaches it — whatever the other SCPs there say. A level
 * where the scenario lists `FullAWSAccess` itself in `policies` takes that entry, as written,
 * instead of a second copy. A level left with no Allow denies everything ("SCP evaluation").
 * RCPs need no such rule: the engine adds `RCPFullAWSAccess` to every level itself, and AWS
 * does not let it be detached.
 */
export function policyChain(world: World, accountId: string, type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY'): readonly OrgLevel[] {
  const org = world.organization;
  const ous = ouPath(world, accountId);
  if (!org || !ous) return [];
  const policies = org.policies.filter((p) => p.type === type);
  const detached = type === 'SERVICE_CONTROL_POLICY' ? org.fullAwsAccessDetachedFrom : [];
  if (policies.length === 0 && detached.length === 0) return [];
  return [org.rootId, ...ous, accountId].map((target) => {
    const here = policies.filter((p) => p.targets.includes(target));
    const attached = here.map((p) => ({ name: p.name, document: p.document }));
    const implicit = type === 'SERVICE_CONTROL_POLICY' && !detached.includes(target) && !here.some(isFullAwsAccess);
    return { target, policies: implicit ? [FULL_AWS_ACCESS, ...attached] : attached };
  });
}
