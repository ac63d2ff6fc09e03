/**
 * Checks that what a scenario names exists in it: roles, buckets, keys, accounts, OUs, managed
 * policies; that names are unique; and the artifact store rules of the declaration's shape.
 * Pipeline execution rules (regions without stores, artifact flow) are the engine's. Pure.
 */
import { parseArn } from './arn.js';
import type { PathSegment } from './path.js';
import type { Scenario } from './schema.js';
import type { RawIssue } from './schema-issues.js';
import { didYouMean } from './suggest.js';
import { isFullAwsAccess } from './world.js';

/** Collects issues with a short call. */
function collector() {
  const issues: RawIssue[] = [];
  const push = (code: string, segments: readonly PathSegment[], message: string, at: RawIssue['at'] = 'value') =>
    issues.push({ code, segments, message, severity: 'error', at });
  return { issues, push };
}

/** Reports the second and later occurrences of the same name → `duplicate_name`. */
function duplicates<T>(
  push: ReturnType<typeof collector>['push'],
  items: readonly T[],
  name: (item: T) => string,
  segments: (index: number) => readonly PathSegment[],
  what: string,
  normalise: (name: string) => string = (n) => n,
): void {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const key = normalise(name(item));
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, i);
    else push('duplicate_name', segments(i), `duplicate ${what} \`${name(item)}\`: already declared at ${formatIndexPath(segments(earlier))}`);
  });
}

const formatIndexPath = (segments: readonly PathSegment[]): string =>
  segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');

const isKeyArn = (ref: string): boolean => {
  const arn = parseArn(ref);
  return arn !== undefined && arn.service === 'kms' && arn.resource.startsWith('key/');
};

/** Duplicates, dangling references and artifact store shape of a scenario. Pure. */
export function validateReferences(scenario: Scenario): RawIssue[] {
  const { issues, push } = collector();
  const pipeline = scenario.pipeline.pipeline;

  // --- duplicates ---------------------------------------------------------
  duplicates(push, scenario.accounts, (a) => a.id, (i) => ['accounts', i, 'id'], 'account id');
  duplicates(push, scenario.roles, (r) => r.arn, (i) => ['roles', i, 'arn'], 'role ARN', (n) => n.toLowerCase());
  duplicates(push, scenario.managedPolicies, (p) => p.arn, (i) => ['managedPolicies', i, 'arn'], 'managed policy ARN');
  duplicates(push, scenario.keys, (k) => k.arn, (i) => ['keys', i, 'arn'], 'key ARN');
  duplicates(push, scenario.buckets, (b) => b.name, (i) => ['buckets', i, 'name'], 'bucket name');
  duplicates(push, scenario.codeBuildProjects, (p) => p.arn, (i) => ['codeBuildProjects', i, 'arn'], 'project ARN');
  duplicates(push, scenario.snsTopics, (t) => t.arn, (i) => ['snsTopics', i, 'arn'], 'topic ARN');
  duplicates(push, scenario.lambdaFunctions, (f) => f.arn, (i) => ['lambdaFunctions', i, 'arn'], 'function ARN');
  duplicates(push, pipeline.stages, (s) => s.name, (i) => ['pipeline', 'pipeline', 'stages', i, 'name'], 'stage name');
  pipeline.stages.forEach((stage, s) =>
    duplicates(push, stage.actions, (a) => a.name, (i) => ['pipeline', 'pipeline', 'stages', s, 'actions', i, 'name'], `action name in stage \`${stage.name}\``),
  );
  if (scenario.organization) {
    duplicates(push, scenario.organization.ous, (o) => o.id, (i) => ['organization', 'ous', i, 'id'], 'OU id');
    duplicates(push, scenario.organization.policies, (p) => p.name, (i) => ['organization', 'policies', i, 'name'], 'organization policy name');
  }
  // An alias names one key in its account and region.
  const aliasOwner = new Map<string, number>();
  scenario.keys.forEach((key, i) => {
    const arn = parseArn(key.arn);
    key.aliases.forEach((alias, j) => {
      const where = `${arn?.account}:${arn?.region}:${alias}`;
      const earlier = aliasOwner.get(where);
      if (earlier === undefined) aliasOwner.set(where, i);
      else if (earlier !== i) push('duplicate_name', ['keys', i, 'aliases', j], `duplicate alias \`${alias}\`: keys[${earlier}] has it in the same account and region`);
    });
  });

  // --- accounts -----------------------------------------------------------
  const accounts = new Set(scenario.accounts.map((a) => a.id));
  const knownAccounts = [...accounts];
  const checkAccount = (account: string, segments: readonly PathSegment[], what: string) => {
    if (!accounts.has(account)) push('unknown_account', segments, `${what} \`${account}\` is not declared in \`accounts\`${didYouMean(account, knownAccounts, 1)}`);
  };
  const checkArnAccount = (arnText: string, segments: readonly PathSegment[]) => {
    const account = parseArn(arnText)?.account;
    if (account && /^\d{12}$/.test(account)) checkAccount(account, segments, 'account');
  };
  scenario.roles.forEach((r, i) => checkArnAccount(r.arn, ['roles', i, 'arn']));
  scenario.managedPolicies.forEach((p, i) => checkArnAccount(p.arn, ['managedPolicies', i, 'arn']));
  scenario.keys.forEach((k, i) => checkArnAccount(k.arn, ['keys', i, 'arn']));
  scenario.codeBuildProjects.forEach((p, i) => checkArnAccount(p.arn, ['codeBuildProjects', i, 'arn']));
  scenario.snsTopics.forEach((t, i) => checkArnAccount(t.arn, ['snsTopics', i, 'arn']));
  scenario.codeCommitRepositories.forEach((r, i) => checkArnAccount(r.arn, ['codeCommitRepositories', i, 'arn']));
  scenario.connections.forEach((c, i) => checkArnAccount(c.arn, ['connections', i, 'arn']));
  scenario.lambdaFunctions.forEach((f, i) => checkArnAccount(f.arn, ['lambdaFunctions', i, 'arn']));
  checkArnAccount(scenario.pipeline.metadata.pipelineArn, ['pipeline', 'metadata', 'pipelineArn']);
  scenario.buckets.forEach((b, i) => checkAccount(b.account, ['buckets', i, 'account'], 'account'));
  scenario.codeDeployApplications.forEach((a, i) => checkAccount(a.account, ['codeDeployApplications', i, 'account'], 'account'));
  scenario.stacks.forEach((s, i) => checkAccount(s.account, ['stacks', i, 'account'], 'account'));
  if (scenario.organization?.managementAccount) checkAccount(scenario.organization.managementAccount, ['organization', 'managementAccount'], 'management account');

  // --- organization -------------------------------------------------------
  const org = scenario.organization;
  const ous = new Set(org?.ous.map((o) => o.id) ?? []);
  const ouOrRoot = (id: string) => ous.has(id) || id === org?.rootId;
  scenario.accounts.forEach((account, i) => {
    if (account.ou === undefined || ouOrRoot(account.ou)) return;
    const why = org ? `is not declared in \`organization.ous\`${didYouMean(account.ou, ous)}` : 'is named but no `organization` is declared';
    push('unknown_ou', ['accounts', i, 'ou'], `OU \`${account.ou}\` ${why}`);
  });
  org?.ous.forEach((ou, i) => {
    if (ou.parent !== undefined && !ouOrRoot(ou.parent)) push('unknown_ou', ['organization', 'ous', i, 'parent'], `parent OU \`${ou.parent}\` is not declared in \`organization.ous\`${didYouMean(ou.parent, ous)}`);
  });
  org?.policies.forEach((policy, i) =>
    policy.targets.forEach((target, j) => {
      if (!ouOrRoot(target) && !accounts.has(target)) {
        push('unknown_ou', ['organization', 'policies', i, 'targets', j], `policy target \`${target}\` is neither the root \`${org.rootId}\`, a declared OU nor a declared account${didYouMean(target, [org.rootId, ...ous, ...accounts])}`);
      }
    }),
  );
  // FullAWSAccess is attached everywhere but where it was detached; a scenario that lists it in
  // `policies` cannot also detach it from the same target.
  const fullAwsAccessAt = new Set(org?.policies.filter(isFullAwsAccess).flatMap((p) => p.targets));
  org?.fullAwsAccessDetachedFrom.forEach((target, j) => {
    const at = ['organization', 'fullAwsAccessDetachedFrom', j] as const;
    if (!ouOrRoot(target) && !accounts.has(target)) push('unknown_ou', at, `\`${target}\` is neither the root \`${org.rootId}\`, a declared OU nor a declared account${didYouMean(target, [org.rootId, ...ous, ...accounts])}`);
    else if (fullAwsAccessAt.has(target)) push('full_aws_access_conflict', at, `\`FullAWSAccess\` is detached from \`${target}\` but listed in \`organization.policies\` as attached to it`);
  });

  // --- roles --------------------------------------------------------------
  const roleArns = new Set(scenario.roles.map((r) => r.arn.toLowerCase()));
  const declaredRoles = scenario.roles.map((r) => r.arn);
  const checkRole = (arn: string, segments: readonly PathSegment[], what = 'role') => {
    if (!roleArns.has(arn.toLowerCase())) push('unknown_role', segments, `${what} \`${arn}\` is not declared in \`roles\`${didYouMean(arn, declaredRoles)}`);
  };
  checkRole(pipeline.roleArn, ['pipeline', 'pipeline', 'roleArn'], 'pipeline service role');
  pipeline.stages.forEach((stage, s) =>
    stage.actions.forEach((action, a) => {
      const at = ['pipeline', 'pipeline', 'stages', s, 'actions', a] as const;
      if (action.roleArn) checkRole(action.roleArn, [...at, 'roleArn'], 'action role');
      if (action.actionTypeId.provider.startsWith('CloudFormation')) {
        for (const key of ['RoleArn', 'AdministrationRoleArn']) {
          const value = action.configuration[key];
          // A variable (`#{…}`) is resolved when the action runs.
          if (value === undefined || value.includes('#{')) continue;
          const arn = parseArn(value);
          if (!arn || arn.service !== 'iam' || !arn.resource.startsWith('role/')) {
            push('invalid_arn', [...at, 'configuration', key], `expected an IAM role ARN such as \`arn:aws:iam::111111111111:role/Name\`, got \`${value}\``);
          } else checkRole(value, [...at, 'configuration', key], key === 'RoleArn' ? 'CloudFormation execution role' : 'StackSet administration role');
        }
      }
    }),
  );
  scenario.codeBuildProjects.forEach((p, i) => checkRole(p.serviceRole, ['codeBuildProjects', i, 'serviceRole'], 'CodeBuild service role'));
  scenario.codeDeployApplications.forEach((app, i) =>
    app.deploymentGroups.forEach((group, j) => {
      checkRole(group.serviceRole, ['codeDeployApplications', i, 'deploymentGroups', j, 'serviceRole'], 'CodeDeploy service role');
      if (group.instanceRole) checkRole(group.instanceRole, ['codeDeployApplications', i, 'deploymentGroups', j, 'instanceRole'], 'instance role');
    }),
  );
  scenario.lambdaFunctions.forEach((f, i) => checkRole(f.role, ['lambdaFunctions', i, 'role'], 'function role'));
  const actionNames = new Set(pipeline.stages.flatMap((s) => s.actions.map((a) => `${s.name}/${a.name}`)));
  scenario.run.approvals.forEach((approval, i) => {
    if (approval.approver) checkRole(approval.approver, ['run', 'approvals', i, 'approver'], 'approver');
    if (!actionNames.has(approval.action)) {
      push('unknown_pipeline_action', ['run', 'approvals', i, 'action'], `no action \`${approval.action}\` in the pipeline${didYouMean(approval.action, actionNames)}`);
    }
  });

  // --- managed policies ---------------------------------------------------
  const policyArns = new Set(scenario.managedPolicies.map((p) => p.arn));
  const checkPolicy = (arn: string, segments: readonly PathSegment[]) => {
    // AWS managed policies (`arn:aws:iam::aws:policy/…`) are AWS's; only customer ones must be declared.
    if (parseArn(arn)?.account === 'aws' || policyArns.has(arn)) return;
    push('unknown_policy', segments, `managed policy \`${arn}\` is not declared in \`managedPolicies\`${didYouMean(arn, policyArns)}`);
  };
  scenario.roles.forEach((role, i) => {
    role.managedPolicies.forEach((arn, j) => checkPolicy(arn, ['roles', i, 'managedPolicies', j]));
    if (role.permissionsBoundary) checkPolicy(role.permissionsBoundary, ['roles', i, 'permissionsBoundary']);
  });

  // --- keys and buckets ---------------------------------------------------
  const keyArns = new Set(scenario.keys.map((k) => k.arn));
  const checkKeyRef = (ref: string | undefined, segments: readonly PathSegment[]) => {
    // Only key ARNs are checked here; ids and aliases resolve in the engine, per account and region.
    if (ref === undefined || !isKeyArn(ref) || keyArns.has(ref)) return;
    push('unknown_kms_key', segments, `KMS key \`${ref}\` is not declared in \`keys\`${didYouMean(ref, keyArns)}`);
  };
  const bucketNames = new Set(scenario.buckets.map((b) => b.name));
  const stores: [readonly PathSegment[], { readonly location: string; readonly encryptionKey?: { readonly id: string } | undefined }][] = [];
  if (pipeline.artifactStore) stores.push([['pipeline', 'pipeline', 'artifactStore'], pipeline.artifactStore]);
  for (const [region, store] of Object.entries(pipeline.artifactStores ?? {})) stores.push([['pipeline', 'pipeline', 'artifactStores', region], store]);
  for (const [segments, store] of stores) {
    if (!bucketNames.has(store.location)) push('unknown_bucket', [...segments, 'location'], `artifact bucket \`${store.location}\` is not declared in \`buckets\`${didYouMean(store.location, bucketNames)}`);
    checkKeyRef(store.encryptionKey?.id, [...segments, 'encryptionKey', 'id']);
  }
  if (pipeline.artifactStore && pipeline.artifactStores) {
    push('artifact_store_conflict', ['pipeline', 'pipeline', 'artifactStores'], 'a pipeline has either `artifactStore` or `artifactStores`, not both', 'key');
  } else if (!pipeline.artifactStore && !pipeline.artifactStores) {
    push('missing_artifact_store', ['pipeline', 'pipeline'], 'the pipeline has no artifact store: add `artifactStore` (one region) or `artifactStores` (one per region)');
  }
  scenario.buckets.forEach((b, i) => checkKeyRef(b.encryption?.kmsKeyId, ['buckets', i, 'encryption', 'kmsKeyId']));
  scenario.codeBuildProjects.forEach((p, i) => checkKeyRef(p.encryptionKey, ['codeBuildProjects', i, 'encryptionKey']));
  scenario.snsTopics.forEach((t, i) => checkKeyRef(t.kmsMasterKeyId, ['snsTopics', i, 'kmsMasterKeyId']));
  scenario.keys.forEach((key, i) => {
    checkKeyRef(key.primaryArn, ['keys', i, 'primaryArn']);
    if (key.keyManager === 'AWS' && key.policy) {
      push('aws_managed_key_policy', ['keys', i, 'policy'], 'AWS managed keys have a fixed key policy that cannot be edited: remove `policy`', 'key');
    }
  });

  return issues;
}
