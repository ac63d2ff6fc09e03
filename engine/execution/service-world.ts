/**
 * The resources AWS services create without the scenario declaring them, added once, before the
 * run starts: the AWS managed `aws/s3` key CodePipeline falls back to, and the roles StackSets
 * creates with trusted access. After this the world is complete; nothing below adds to it. Pure.
 */
import { parseArn, roleName } from '../../model/arn.js';
import type { KmsKey, Role } from '../../model/schema.js';
import { findRole, type World } from '../../model/world.js';
import { stableId } from './audit.js';
import type { Plan } from './plan.js';

/** The world as the run sees it: the scenario's resources plus what AWS services create. Pure. */
export function completeWorld(world: World, plan: Plan): World {
  return withStackSetsServiceRoles(withAwsManagedKeys(world, plan), plan);
}

/**
 * Adds the AWS managed `aws/s3` key of the pipeline account for every region whose store names
 * no key and whose scenario declares none: CodePipeline then uses that key
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/S3-artifact-encryption.html).
 */
function withAwsManagedKeys(world: World, plan: Plan): World {
  const keys = new Map(world.keys);
  for (const [region, store] of Object.entries(plan.stores)) {
    if (store.encryptionKey) continue;
    const exists = [...keys.values()].some((k) => k.aliases.includes('alias/aws/s3') && parseArn(k.arn)?.account === plan.account && parseArn(k.arn)?.region === region);
    if (exists) continue;
    const key: KmsKey = {
      arn: `arn:aws:kms:${region}:${plan.account}:key/aws-s3-managed-${region}`,
      keyManager: 'AWS',
      aliases: ['alias/aws/s3'],
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
