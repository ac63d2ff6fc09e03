/**
 * The normalised world: every resource of a scenario keyed by ARN (or name / id), with
 * ownership derived from the scenario, never from free text. Pure.
 */
import type {
  Account,
  Bucket,
  CodeBuildProject,
  CodeDeployApplication,
  KmsKey,
  LambdaFunction,
  Organization,
  PolicyDocument,
  Role,
  Scenario,
  SnsTopic,
  Stack,
} from './schema.js';
import { parseArn } from './arn.js';

/** The scenario's resources, keyed for lookup. */
export interface World {
  readonly accounts: ReadonlyMap<string, Account>;
  readonly organization: Organization | undefined;
  readonly roles: ReadonlyMap<string, Role>;
  readonly managedPolicies: ReadonlyMap<string, PolicyDocument>;
  readonly keys: ReadonlyMap<string, KmsKey>;
  readonly buckets: ReadonlyMap<string, Bucket>;
  readonly projects: ReadonlyMap<string, CodeBuildProject>;
  readonly topics: ReadonlyMap<string, SnsTopic>;
  readonly codeDeployApps: readonly CodeDeployApplication[];
  readonly functions: ReadonlyMap<string, LambdaFunction>;
  readonly stacks: readonly Stack[];
  readonly scenario: Scenario;
}

/** Builds the keyed world from a validated scenario. Pure. */
export function buildWorld(scenario: Scenario): World {
  const byKey = <T>(items: readonly T[], key: (t: T) => string) => new Map(items.map((t) => [key(t), t] as const));
  return {
    accounts: byKey(scenario.accounts, (a) => a.id),
    organization: scenario.organization,
    roles: byKey(scenario.roles, (r) => normaliseRoleArn(r.arn)),
    managedPolicies: new Map(scenario.managedPolicies.map((p) => [p.arn, p.document] as const)),
    keys: byKey(scenario.keys, (k) => k.arn),
    buckets: byKey(scenario.buckets, (b) => b.name),
    projects: byKey(scenario.codeBuildProjects, (p) => p.arn),
    topics: byKey(scenario.snsTopics, (t) => t.arn),
    codeDeployApps: scenario.codeDeployApplications,
    functions: byKey(scenario.lambdaFunctions, (f) => f.arn),
    stacks: scenario.stacks,
    scenario,
  };
}

const FULL_AWS_ACCESS_NAMES: ReadonlySet<string> = new Set(['FullAWSAccess', 'p-FullAWSAccess', 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess']);

/** Whether an organization policy entry is the AWS managed SCP `FullAWSAccess` (named by name, id or ARN). Pure. */
export function isFullAwsAccess(policy: { readonly name: string; readonly type: string }): boolean {
  return policy.type === 'SERVICE_CONTROL_POLICY' && FULL_AWS_ACCESS_NAMES.has(policy.name);
}

/** Role ARNs compare case-insensitively on the name (IAM names are case-insensitive). */
export function normaliseRoleArn(arn: string): string {
  return arn.toLowerCase();
}

/** Looks a role up by ARN, ignoring case as IAM does. */
export function findRole(world: World, arn: string): Role | undefined {
  return world.roles.get(normaliseRoleArn(arn));
}

/** The account that owns a resource ARN (S3 buckets from the world, since their ARNs carry none). */
export function ownerAccount(world: World, resourceArn: string): string | undefined {
  const arn = parseArn(resourceArn);
  if (!arn) return undefined;
  if (arn.service === 's3') {
    const bucket = arn.resource.split('/')[0];
    return world.buckets.get(bucket ?? '')?.account;
  }
  return arn.account || undefined;
}

/** Resolves a KMS key reference (ARN, id, alias name or alias ARN) as seen from an account and region. */
export function resolveKey(
  world: World,
  ref: string,
  from: { readonly account: string; readonly region: string },
): { readonly key: KmsKey; readonly via: 'arn' | 'id' | 'alias' } | { readonly key: undefined; readonly reason: 'unknown' | 'alias-other-account' } {
  const direct = world.keys.get(ref);
  if (direct) return { key: direct, via: 'arn' };
  const aliasArn = parseArn(ref);
  if (aliasArn && aliasArn.service === 'kms' && aliasArn.resource.startsWith('alias/')) {
    // An alias ARN names the alias in its own account and region.
    const key = findByAlias(world, aliasArn.resource, aliasArn.account, aliasArn.region);
    return key ? { key, via: 'alias' } : { key: undefined, reason: 'unknown' };
  }
  if (ref.startsWith('alias/')) {
    // A bare alias name resolves only in the caller's own account and region.
    const key = findByAlias(world, ref, from.account, from.region);
    if (key) return { key, via: 'alias' };
    const elsewhere = [...world.keys.values()].some((k) => k.aliases.includes(ref));
    return { key: undefined, reason: elsewhere ? 'alias-other-account' : 'unknown' };
  }
  // A bare key id resolves in the caller's account and region.
  for (const key of world.keys.values()) {
    const k = parseArn(key.arn);
    if (k && k.resource === `key/${ref}` && k.account === from.account && k.region === from.region) return { key, via: 'id' };
  }
  return { key: undefined, reason: 'unknown' };
}

function findByAlias(world: World, alias: string, account: string, region: string): KmsKey | undefined {
  for (const key of world.keys.values()) {
    const k = parseArn(key.arn);
    if (k && k.account === account && k.region === region && key.aliases.includes(alias)) return key;
  }
  return undefined;
}

/** The multi-Region sibling of a key in another region (same key id), if the world has one. */
export function keyInRegion(world: World, key: KmsKey, region: string): KmsKey | undefined {
  const k = parseArn(key.arn);
  if (!k) return undefined;
  if (k.region === region) return key;
  if (!key.multiRegion) return undefined;
  const id = k.resource;
  for (const other of world.keys.values()) {
    const o = parseArn(other.arn);
    if (o && o.resource === id && o.account === k.account && o.region === region) return other;
  }
  return undefined;
}

/** The accounts under an OU (recursively) or the root, as the scenario's organization lists them. Pure. */
export function accountsInOu(scenario: Scenario, ouId: string): readonly string[] {
  const org = scenario.organization;
  if (!org) return [];
  if (ouId === org.rootId) return scenario.accounts.map((a) => a.id);
  const inside = new Set<string>([ouId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const ou of org.ous) {
      if (ou.parent && inside.has(ou.parent) && !inside.has(ou.id)) {
        inside.add(ou.id);
        grew = true;
      }
    }
  }
  return scenario.accounts.filter((a) => a.ou !== undefined && inside.has(a.ou)).map((a) => a.id);
}
