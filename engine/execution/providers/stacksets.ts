/**
 * CloudFormation StackSets actions (`CloudFormationStackSet`, `CloudFormationStackInstances`), as
 * the CodePipeline action reference documents their configuration
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-StackSets.html):
 * `StackSetName`, `TemplatePath` (`Artifact::file`), `DeploymentTargets` (accounts; OU or root ids
 * for SERVICE_MANAGED only), `Regions` (deployed in the order given), `PermissionModel`
 * (SELF_MANAGED by default), `AdministrationRoleArn` (default
 * `AWSCloudFormationStackSetAdministrationRole`), `ExecutionRoleName` (default
 * `AWSCloudFormationStackSetExecutionRole`), `FailureTolerancePercentage`/`Count`,
 * `MaxConcurrentPercentage`/`Count`, `OrganizationsAutoDeployment`.
 *
 * What is evaluated:
 * - the action role reads the template from the input artifact `TemplatePath` names, then calls
 *   the StackSet API (`DescribeStackSet`, `CreateStackSet` or `UpdateStackSet`,
 *   `CreateStackInstances` for instances that do not exist yet — deployed before the update,
 *   as the action reference says — and `DescribeStackSetOperation`); for SELF_MANAGED
 *   `CloudFormationStackSet` it also passes the administration role (`iam:PassRole`,
 *   `iam:PassedToService=cloudformation.amazonaws.com`).
 * - SELF_MANAGED ("Grant self-managed permissions",
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-prereqs-self-managed.html):
 *   `cloudformation.amazonaws.com` assumes the administration role, which assumes the execution
 *   role in every target account; an execution role that is missing or does not trust the
 *   administration role fails that instance with StackSets' status reason `Account <id> should
 *   have '<ExecutionRoleName>' role with trust relationship to Role '<administration role>'.`
 * - SERVICE_MANAGED: trusted access between StackSets and Organizations is required, otherwise
 *   Create/UpdateStackSet fails with `ValidationError: You must enable organizations access to
 *   operate a service managed stack set`; the action must run in the organization's management
 *   account (action reference: no delegated administrator); OU ids resolve to the accounts the
 *   scenario's organization lists under them, never the management account (CloudFormation API
 *   Reference, DeploymentTargets). StackSets uses its service-linked role
 *   `AWSServiceRoleForCloudFormationStackSetsOrgAdmin` (policy
 *   CloudFormationStackSetsOrgAdminServiceRolePolicy: `sts:AssumeRole` on
 *   `arn:aws:iam::*:role/stacksets-exec-*`), which assumes the `stacksets-exec-*` role StackSets
 *   creates in each member account with AdministratorAccess ("Configure a custom execution role
 *   template for StackSets"). SCPs do not apply to the service-linked role; the
 *   `stacksets-exec-*` role is an ordinary role, so SCPs of the member account do apply to it.
 * - one stack instance per account × Region, a step of its own (`stack-instance.started` /
 *   `stack-instance.finished`) with the execution role's calls (`stacks[].calls`).
 * - operation preferences (CloudFormation API Reference, StackSetOperationPreferences): failure
 *   tolerance is a number of accounts per Region (a percentage rounds down); once more accounts
 *   fail in a Region, the operation stops there and no later Region is attempted. Maximum
 *   concurrency (a percentage rounds down, at least 1; default 1) with the default
 *   STRICT_FAILURE_TOLERANCE runs at most min(MaxConcurrent, FailureTolerance + 1) accounts at
 *   once. pipesim runs instances one after another: concurrency only decides how they are grouped
 *   into batches (and so which instances are still attempted after a failure in the same batch).
 */
import { parseArn, roleName } from '../../../model/arn.js';
import { accountsInOu, type World } from '../../../model/world.js';
import { stableId } from '../audit.js';
import { actionRollback } from '../rollback.js';
import { STACKSETS_SERVICE, STACKSETS_TRUSTED_ACCESS, stackSetsExecRoleName, stackSetsOrgAdminRoleArn } from '../service-world.js';
import type { Caller, CallEvaluatedEvent } from '../../types.js';
import { callAll, callBy, denialMessage, fail, readArtifact, roleCaller, where, type ActionOutcome, type ActionRun } from './kit.js';

/** The configuration of a StackSet action, read as the action reference defines it. */
interface StackSetConfig {
  readonly name: string;
  readonly serviceManaged: boolean;
  readonly adminArn: string;
  readonly execName: string;
  readonly regions: readonly string[];
  /** Account, OU or root ids as written. */
  readonly targets: readonly string[];
  readonly autoDeployment: string | undefined;
}


/** Splits a comma-separated list. */
function list(value: string | undefined): readonly string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** The StackSet action that defines the stack set a `CloudFormationStackInstances` action deploys. */
function definingAction(run: ActionRun, name: string): Readonly<Record<string, string>> | undefined {
  return run.plan.stages.flatMap((s) => s.groups.flatMap((g) => g.actions)).find((a) => a.provider === 'CloudFormationStackSet' && a.declaration.configuration['StackSetName'] === name)?.declaration.configuration;
}

/** Reads the configuration, or says what the action reference forbids. */
function readConfig(run: ActionRun): StackSetConfig | string {
  const c = run.config;
  const isInstances = run.action.provider === 'CloudFormationStackInstances';
  const name = c['StackSetName'] ?? '';
  // CloudFormationStackInstances names only the stack set: its permission model and roles are the stack set's.
  const defining = isInstances ? definingAction(run, name) ?? {} : c;
  const model = defining['PermissionModel'] ?? 'SELF_MANAGED';
  if (model !== 'SELF_MANAGED' && model !== 'SERVICE_MANAGED') return `PermissionModel \`${model}\` is not one of SELF_MANAGED, SERVICE_MANAGED`;
  const serviceManaged = model === 'SERVICE_MANAGED';
  if (c['FailureToleranceCount'] !== undefined && c['FailureTolerancePercentage'] !== undefined) return 'specify either FailureToleranceCount or FailureTolerancePercentage, but not both';
  if (c['MaxConcurrentCount'] !== undefined && c['MaxConcurrentPercentage'] !== undefined) return 'specify either MaxConcurrentCount or MaxConcurrentPercentage, but not both';
  if (serviceManaged && !isInstances && (c['AdministrationRoleArn'] || c['ExecutionRoleName'])) return 'AdministrationRoleArn and ExecutionRoleName are not used with the SERVICE_MANAGED permission model: do not define a role name';
  const targets = list(c['DeploymentTargets']);
  const regions = list(c['Regions']);
  if (targets.some((t) => t.includes('::')) || regions.some((r) => r.includes('::'))) return 'DeploymentTargets read from an artifact file are not modelled by pipesim: list the accounts or OU ids in the configuration';
  if (targets.length && !regions.length) return 'DeploymentTargets needs Regions as well';
  if (isInstances && !regions.length) return 'CloudFormationStackInstances needs Regions';
  if (!serviceManaged) {
    const notAccount = targets.find((t) => !/^\d{12}$/.test(t));
    if (notAccount) return `for the SELF_MANAGED permission model DeploymentTargets can only be accounts: \`${notAccount}\` is not an account id`;
  }
  return {
    name,
    serviceManaged,
    adminArn: defining['AdministrationRoleArn'] ?? `arn:aws:iam::${run.action.account}:role/AWSCloudFormationStackSetAdministrationRole`,
    execName: defining['ExecutionRoleName'] ?? 'AWSCloudFormationStackSetExecutionRole',
    regions,
    targets,
    autoDeployment: defining['OrganizationsAutoDeployment'],
  };
}

/** Failure tolerance in accounts per Region: the count, or the percentage rounded down. */
function toleranceOf(config: Readonly<Record<string, string>>, accounts: number): number {
  const count = config['FailureToleranceCount'];
  if (count !== undefined) return Math.max(0, Math.floor(Number(count) || 0));
  const pct = config['FailureTolerancePercentage'];
  if (pct !== undefined) return Math.floor(((Number(pct) || 0) * accounts) / 100);
  return 0;
}

/** Maximum concurrent accounts: the count, or the percentage rounded down but at least 1; default 1. */
function maxConcurrentOf(config: Readonly<Record<string, string>>, accounts: number): number {
  const count = config['MaxConcurrentCount'];
  if (count !== undefined) return Math.max(1, Math.floor(Number(count) || 1));
  const pct = config['MaxConcurrentPercentage'];
  if (pct !== undefined) return Math.max(1, Math.floor(((Number(pct) || 0) * accounts) / 100));
  return 1;
}

/** Runs a StackSet action: the template, the StackSet API, then one stack instance per account × Region. */
export async function runStackSet(run: ActionRun): Promise<ActionOutcome> {
  const parsed = readConfig(run);
  if (typeof parsed === 'string') return fail(parsed);
  const cfg = parsed;
  const w = where(run);
  const isInstances = run.action.provider === 'CloudFormationStackInstances';
  const world = run.ctx.world;
  const stackSetId = `${cfg.name}:${stableId('stackset', run.action.account, run.action.region, cfg.name)}`;
  const stackSetArn = `arn:aws:cloudformation:${run.action.region}:${run.action.account}:stackset/${stackSetId}`;
  const operationId = stableId('stackset-operation', run.executionId, run.action.stage, run.action.declaration.name);

  // The template comes from the input artifact TemplatePath names; the action role reads it.
  const templatePath = run.config['TemplatePath'];
  if (!isInstances) {
    const artifact = templatePath?.split('::')[0] ?? '';
    if (!templatePath?.includes('::')) return fail(`TemplatePath \`${templatePath ?? ''}\` must name an input artifact and a file: \`InputArtifactName::TemplateFileName\``);
    if (!run.action.declaration.inputArtifacts.some((a) => a.name === artifact)) return fail(`TemplatePath names artifact \`${artifact}\`, which is not an input artifact of this action`);
    const copy = run.state.artifacts[artifact]?.[run.action.region];
    if (copy) {
      const denied = await readArtifact(run, run.parent, run.caller, artifact, copy);
      if (denied) return fail(denialMessage(denied));
    }
  }

  // Which instances: the targets × Regions, or (no targets given) every instance the stack set has.
  const existing = world.stacks.filter((s) => s.name === cfg.name && s.exists);
  const stackSetExists = existing.length > 0;
  const management = world.organization?.managementAccount ?? run.action.account;
  let accounts: readonly string[];
  if (cfg.targets.length) {
    accounts = cfg.serviceManaged ? [...new Set(cfg.targets.flatMap((t) => (/^\d{12}$/.test(t) ? [t] : accountsInOu(world.scenario, t))))].filter((a) => a !== management) : cfg.targets;
  } else {
    accounts = [...new Set(existing.map((s) => s.account))];
  }
  const regions = cfg.regions.length ? cfg.regions : [...new Set(existing.map((s) => s.region))];
  const isNew = (account: string, region: string) => !existing.some((s) => s.account === account && s.region === region);
  const anyNew = accounts.some((a) => regions.some((r) => isNew(a, r)));

  // The StackSet API, as the action role.
  // CreateStackSet has no resource-level permissions (Service Authorization Reference): it is requested on `*`.
  const api = (op: string) => [callBy(run, run.caller, `cloudformation:${op}`, op === 'CreateStackSet' ? '*' : stackSetArn), `${op} ${cfg.name}`] as const;
  const steps: (readonly [ReturnType<typeof callBy>, string])[] = [api('DescribeStackSet')];
  if (!isInstances && !cfg.serviceManaged) {
    steps.push([callBy(run, run.caller, 'iam:PassRole', cfg.adminArn, { facts: { passedToService: 'cloudformation.amazonaws.com' } }), 'pass the administration role to CloudFormation']);
  }
  const denied = await callAll(run, run.parent, steps);
  if (denied) return fail(denialMessage(denied));
  const writes = isInstances ? ['CreateStackInstances'] : stackSetExists ? [...(anyNew ? ['CreateStackInstances'] : []), 'UpdateStackSet'] : ['CreateStackSet', ...(accounts.length ? ['CreateStackInstances'] : [])];
  for (const op of writes) {
    const refused = await callAll(run, run.parent, [api(op)]);
    if (refused) return fail(denialMessage(refused));
    if (cfg.serviceManaged && (op === 'CreateStackSet' || op === 'UpdateStackSet' || isInstances)) {
      const problem = serviceManagedProblem(run);
      if (problem) return fail(problem);
    }
  }
  if (cfg.autoDeployment && cfg.autoDeployment !== 'Disabled') {
    if (!cfg.serviceManaged) run.rec.emit({ type: 'note.added', parentSeq: run.parent, ...w, text: 'OrganizationsAutoDeployment is not used with the SELF_MANAGED permission model' });
    else run.rec.emit({ type: 'note.added', parentSeq: run.parent, ...w, text: `auto-deployment ${cfg.autoDeployment}: accounts added to the targeted OUs later get stack instances without a pipeline run${cfg.autoDeployment === 'EnabledWithStackRetention' ? '; stacks are retained when an account leaves' : ''} (not simulated)` });
  }
  const opCalls = await callAll(run, run.parent, [api('DescribeStackSetOperation')]);
  if (opCalls) return fail(denialMessage(opCalls));
  const variables = { StackSetId: stackSetId, OperationId: operationId };
  if (!accounts.length || !regions.length) {
    run.rec.emit({ type: 'note.added', parentSeq: run.parent, ...w, text: `no stack instances to deploy${cfg.serviceManaged && cfg.targets.length ? ` (the targets hold no account but the management account \`${management}\`, where StackSets never deploys)` : ''}` });
    return { status: 'Succeeded', variables };
  }

  // Who deploys the instances: the administration role, or StackSets' service-linked role.
  let deployer: Caller & { kind: 'role' };
  if (cfg.serviceManaged) {
    const slr = stackSetsOrgAdminRoleArn(management);
    run.rec.emit({ type: 'note.added', parentSeq: run.parent, ...w, text: 'service-managed permissions: StackSets uses its service-linked role in the management account (SCPs do not apply to it) and the stacksets-exec-* role it created in each member account (SCPs of that account apply)' });
    const assumed = await callAll(run, run.parent, [[callBy(run, { kind: 'service', service: STACKSETS_SERVICE, sourceAccount: management }, 'sts:AssumeRole', slr, { facts: { roleSessionName: 'AWSCloudFormationStackSets' } }), 'StackSets assumes its service-linked role']]);
    if (assumed) return fail(denialMessage(assumed));
    deployer = roleCaller(slr, 'AWSCloudFormationStackSets');
  } else {
    const service: Caller = { kind: 'service', service: 'cloudformation.amazonaws.com', sourceArn: stackSetArn, sourceAccount: run.action.account };
    const assumed = await callAll(run, run.parent, [[callBy(run, service, 'sts:AssumeRole', cfg.adminArn, { facts: { roleSessionName: 'AWSCloudFormationStackSetAdministration' } }), 'CloudFormation assumes the StackSet administration role']]);
    if (assumed) return fail(denialMessage(assumed));
    deployer = roleCaller(cfg.adminArn, 'AWSCloudFormationStackSetAdministration');
  }

  // One stack instance per account × Region, Region by Region in the order given.
  const tolerance = toleranceOf(run.config, accounts.length);
  const maxConcurrent = maxConcurrentOf(run.config, accounts.length);
  const batchSize = Math.min(maxConcurrent, tolerance + 1);
  let firstFailure: string | undefined;
  let stopped: string | undefined;
  for (const [ri, region] of regions.entries()) {
    const batches: string[][] = [];
    for (let i = 0; i < accounts.length; i += batchSize) batches.push(accounts.slice(i, i + batchSize));
    const regionNote = run.rec.emit({
      type: 'note.added',
      parentSeq: run.parent,
      ...w,
      text: `Region ${region}: ${accounts.length} account(s) in ${batches.length} batch(es) of at most ${batchSize} (maximum concurrency ${maxConcurrent}, failure tolerance ${tolerance}); batches only group and order the instances here, pipesim runs them one after another`,
    });
    let failedHere = 0;
    for (const [bi, batch] of batches.entries()) {
      const batchNote = run.rec.emit({ type: 'note.added', parentSeq: regionNote, ...w, text: `batch ${bi + 1}/${batches.length} in ${region}: ${batch.join(', ')}` });
      for (const account of batch) {
        const inst = run.rec.emit({ type: 'stack-instance.started', parentSeq: batchNote, ...w, account, region });
        const message = await deployInstance(run, inst, deployer, cfg, account, region, management);
        run.rec.emit({ type: 'stack-instance.finished', parentSeq: inst, ...w, account, region, status: message ? 'Failed' : 'Succeeded', ...(message ? { message } : {}) });
        if (message) {
          failedHere++;
          firstFailure ??= `${account}/${region}: ${message}`;
        }
      }
      if (failedHere > tolerance) break;
    }
    if (failedHere > tolerance) {
      const later = regions.slice(ri + 1);
      stopped = region;
      run.rec.emit({ type: 'note.added', parentSeq: regionNote, ...w, text: `failure tolerance exceeded in ${region} (${failedHere} failed, ${tolerance} tolerated): the operation stops${later.length ? `; Regions ${later.join(', ')} are not attempted` : ''}` });
      break;
    }
  }
  if (stopped) return { status: 'Failed', message: `StackSet operation ${operationId} on ${cfg.name} failed: ${firstFailure ?? 'stack instances failed'}`, variables };
  if (firstFailure) run.rec.emit({ type: 'note.added', parentSeq: run.parent, ...w, text: `some stack instances failed within the failure tolerance: the operation and the action succeed (failed instances stay OUTDATED)` });
  return { status: 'Succeeded', variables };
}

/** Why a service-managed stack set cannot be operated from this action, or null. */
function serviceManagedProblem(run: ActionRun): string | null {
  const org = run.ctx.world.organization;
  if (!org?.trustedAccess.includes(STACKSETS_TRUSTED_ACCESS)) return 'ValidationError: You must enable organizations access to operate a service managed stack set';
  if (org.managementAccount && org.managementAccount !== run.action.account) {
    return `the StackSets action must run in the organization's management account \`${org.managementAccount}\` to use service-managed permissions; account \`${run.action.account}\` cannot (a delegated administrator is not supported by this action)`;
  }
  return null;
}

/** Deploys one stack instance; returns its failure status reason, or null. */
async function deployInstance(run: ActionRun, parent: number, deployer: Caller & { kind: 'role' }, cfg: StackSetConfig, account: string, region: string, management: string): Promise<string | null> {
  const world = run.ctx.world;
  const stack = world.stacks.find((s) => s.name === cfg.name && s.account === account && s.region === region) ?? world.stacks.find((s) => s.name === cfg.name && s.account === account);
  const execName = cfg.serviceManaged ? execRoleNameIn(world, account, management) : cfg.execName;
  const execArn = `arn:aws:iam::${account}:role/${execName}`;
  const assumed = await callAll(run, parent, [[{ caller: deployer, operation: 'sts:AssumeRole', resource: execArn, region, facts: { roleSessionName: 'AWSCloudFormation' } }, `${roleName(deployer.roleArn)} assumes ${execName} in ${account}`]]);
  if (assumed) return execRoleFailure(assumed, cfg, account, execName, deployer);
  const exec = roleCaller(execArn, 'AWSCloudFormation');
  const calls = (stack?.calls ?? []).map((c) => [{ caller: exec, operation: c.action, resource: c.resource, region, facts: { viaService: 'cloudformation.amazonaws.com' } }, `stack instance ${account}/${region}: ${c.action}`] as const);
  const denied = await callAll(run, parent, calls);
  if (denied) return `Resource handler returned message: "${denialMessage(denied)}"`;
  if (stack?.fails) {
    const stackName = `StackSet-${cfg.name}-${stableId('stack-instance', cfg.name, account, region).slice(0, 8)}`;
    actionRollback(run, parent, { reason: `stack instance ${account}/${region} failed`, target: `the previous state of stack ${stackName} in ${account}/${region} (CloudFormation rolls the instance's stack back; other instances keep their state)` });
    return `Stack ${stackName} failed: ${stack.exists ? 'UPDATE_ROLLBACK_COMPLETE' : 'ROLLBACK_COMPLETE'}`;
  }
  return null;
}

/** The execution role StackSets uses in a member account under service-managed permissions. */
function execRoleNameIn(world: World, account: string, management: string): string {
  const declared = [...world.roles.values()].find((r) => parseArn(r.arn)?.account === account && roleName(r.arn).startsWith('stacksets-exec-'));
  return declared ? roleName(declared.arn) : stackSetsExecRoleName(management);
}

/** The status reason StackSets shows when the deployer cannot assume the execution role. */
function execRoleFailure(ev: CallEvaluatedEvent, cfg: StackSetConfig, account: string, execName: string, deployer: Caller & { kind: 'role' }): string {
  if (cfg.serviceManaged) return denialMessage(ev);
  return `Account ${account} should have '${execName}' role with trust relationship to Role '${roleName(deployer.roleArn)}'.`;
}
