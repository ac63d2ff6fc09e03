/**
 * The resources AWS services create without the scenario declaring them, added once, before the
 * run starts: the AWS managed `aws/s3` key CodePipeline falls back to, and the roles StackSets
 * creates with trusted access. After this the world is complete; nothing below adds to it. Pure.
 */
import { parseArn, roleName } from '../../model/arn.js';
import type { KmsKey, Role } from '../../model/schema.js';
import { findRole, type World } from '../../model/world.js';
import { stableId } from './audit.js';
import { codeBuildProjectArn, type Plan } from './plan.js';

/** The world as the run sees it: the scenario's resources plus what AWS services create. Pure. */
export function completeWorld(world: World, plan: Plan): World {
  return withStackSetsServiceRoles(withAwsManagedKeys(world, plan), plan);
}

/** Whether a key reference names a service's AWS managed key (`alias/aws/<service>`, as alias name or alias ARN). */
export function namesAwsManagedKey(ref: string | undefined, service: string): boolean {
  return ref === `alias/aws/${service}` || (ref !== undefined && new RegExp(`^arn:aws[\\w-]*:kms:[^:]+:\\d{12}:alias/aws/${service}$`).test(ref));
}

/**
 * Where a run uses an AWS managed `aws/s3` key (account and Region), each of which AWS creates on
 * first use: a store without a key (CodePipeline then uses the pipeline account's,
 * https://docs.aws.amazon.com/codepipeline/latest/userguide/S3-artifact-encryption.html); a store
 * whose key is `alias/aws/s3` (an alias ARN names its own account; the bare name resolves in each
 * writer's account, as KMS resolves aliases); a CodeBuild project without `encryptionKey` (its
 * outputs use its own account's key, engine/execution/providers/codebuild.ts).
 */
function awsManagedKeyUses(world: World, plan: Plan): { readonly account: string; readonly region: string }[] {
  const uses: { account: string; region: string }[] = [];
  const actions = plan.stages.flatMap((s) => s.groups.flatMap((g) => g.actions));
  for (const [region, store] of Object.entries(plan.stores)) {
    const ref = store.encryptionKey?.id;
    if (ref === undefined) uses.push({ account: plan.account, region });
    else if (ref === 'alias/aws/s3') {
      uses.push({ account: plan.account, region });
      for (const a of actions) if (a.region === region) uses.push({ account: a.account, region });
    } else if (namesAwsManagedKey(ref, 's3')) {
      const arn = parseArn(ref);
      if (arn) uses.push({ account: arn.account, region: arn.region });
    }
  }
  for (const a of actions) {
    if (a.provider !== 'CodeBuild') continue;
    const project = world.projects.get(codeBuildProjectArn(a));
    if (project && project.encryptionKey === undefined) uses.push({ account: a.account, region: a.region });
  }
  return uses;
}

/** Topics whose key is the AWS managed `aws/sns` key: its account and Region (SNS Developer Guide, "Key management"). */
function awsManagedSnsKeyUses(world: World): { readonly account: string; readonly region: string; readonly service: string }[] {
  return [...world.topics.values()].flatMap((t) => {
    const arn = parseArn(t.arn);
    if (!arn || !namesAwsManagedKey(t.kmsMasterKeyId, 'sns')) return [];
    return [{ account: arn.account, region: arn.region, service: 'sns' }];
  });
}

/** Adds each AWS managed key (`aws/s3`, `aws/sns`) of every account and Region the run uses one in, unless the scenario declares it. */
function withAwsManagedKeys(world: World, plan: Plan): World {
  const keys = new Map(world.keys);
  const uses = [...awsManagedKeyUses(world, plan).map((u) => ({ ...u, service: 's3' })), ...awsManagedSnsKeyUses(world)];
  for (const { account, region, service } of uses) {
    if (!account || !region) continue;
    const alias = `alias/aws/${service}`;
    const exists = [...keys.values()].some((k) => k.aliases.includes(alias) && parseArn(k.arn)?.account === account && parseArn(k.arn)?.region === region);
    if (exists) continue;
    const key: KmsKey = {
      arn: `arn:aws:kms:${region}:${account}:key/aws-${service}-managed-${region}`,
      keyManager: 'AWS',
      aliases: [alias],
      grants: [],
      multiRegion: false,
      rotation: true,
      enabled: true,
      tags: {},
    };
    keys.set(key.arn, key);
  }
  return keys.size === world.keys.size ? world : { ...world, keys };
}

/** The Organizations service principal of StackSets trusted access. */
export const STACKSETS_TRUSTED_ACCESS = 'member.org.stacksets.cloudformation.amazonaws.com';

/** The service principal behind the StackSets service-linked roles. */
export const STACKSETS_SERVICE = 'stacksets.cloudformation.amazonaws.com';

/** The ARN of the StackSets service-linked role in the management account. */
export function stackSetsOrgAdminRoleArn(managementAccount: string): string {
  return `arn:aws:iam::${managementAccount}:role/aws-service-role/${STACKSETS_SERVICE}/AWSServiceRoleForCloudFormationStackSetsOrgAdmin`;
}

/** The name StackSets gives the execution role it creates in member accounts (pipesim's stand-in for its suffix). */
export function stackSetsExecRoleName(managementAccount: string): string {
  return `stacksets-exec-${stableId('stacksets-exec', managementAccount).replaceAll('-', '')}`;
}

/**
 * Adds the roles StackSets creates once trusted access is enabled, where the scenario does not
 * declare them: the service-linked role in the management account and a `stacksets-exec-*` role
 * (AdministratorAccess, trusting that service-linked role) in every other account. Pure.
 */
function withStackSetsServiceRoles(world: World, plan: Plan): World {
  const org = world.organization;
  if (!org?.trustedAccess.includes(STACKSETS_TRUSTED_ACCESS)) return world;
  const serviceManaged = plan.stages.flatMap((s) => s.groups.flatMap((g) => g.actions)).filter((a) => isStackSetProvider(a.provider) && a.declaration.configuration['PermissionModel'] === 'SERVICE_MANAGED');
  const management = org.managementAccount ?? serviceManaged[0]?.account;
  if (!management) return world;
  const roles = new Map(world.roles);
  const add = (role: Role) => {
    if (!findRole(world, role.arn)) roles.set(role.arn.toLowerCase(), role);
  };
  const adminArn = stackSetsOrgAdminRoleArn(management);
  add({
    arn: adminArn,
    trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: STACKSETS_SERVICE }, Action: 'sts:AssumeRole' }] },
    // CloudFormationStackSetsOrgAdminServiceRolePolicy (AWS managed policy reference).
    inlinePolicies: {
      CloudFormationStackSetsOrgAdminServiceRolePolicy: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'AllowsAWSOrganizationsReadAPIs', Effect: 'Allow', Action: ['organizations:List*', 'organizations:Describe*'], Resource: '*' },
          { Sid: 'AllowAssumeRoleInMemberAccounts', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/stacksets-exec-*' },
        ],
      },
    },
    managedPolicies: [],
    tags: {},
    serviceLinked: true,
  });
  for (const account of world.accounts.keys()) {
    if (account === management) continue;
    const declared = [...world.roles.values()].some((r) => parseArn(r.arn)?.account === account && roleName(r.arn).startsWith('stacksets-exec-'));
    if (declared) continue;
    add({
      arn: `arn:aws:iam::${account}:role/${stackSetsExecRoleName(management)}`,
      trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: adminArn }, Action: 'sts:AssumeRole' }] },
      inlinePolicies: { AdministratorAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
      managedPolicies: [],
      tags: {},
      serviceLinked: false,
    });
  }
  return roles.size === world.roles.size ? world : { ...world, roles };
}

/** Whether a provider is one of the two StackSet providers. */
export function isStackSetProvider(provider: string): boolean {
  return provider === 'CloudFormationStackSet' || provider === 'CloudFormationStackInstances';
}
