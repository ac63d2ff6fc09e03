/**
 * CloudFormation StackSets actions (`CloudFormationStackSet`, `CloudFormationStackInstances`).
 * Self-managed: the administration role (trusting cloudformation.amazonaws.com) assumes the
 * execution role in every target account; service-managed: Organizations trusted access and
 * service-linked roles, targets resolved from OUs
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-prereqs-self-managed.html,
 * https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-StackSets.html).
 */
import type { Scenario } from '../model/schema.js';
import { stableId } from './audit.js';
import { callAll, callBy, readInputs, where } from './providers.js';
import { denialMessage, roleCaller, type ActionOutcome, type ActionRun } from './step.js';
import type { Caller } from './types.js';

/** The accounts under an OU (recursively), as the scenario's organization lists them. */
export function accountsInOu(scenario: Scenario, ouId: string): readonly string[] {
  const org = scenario.organization;
  if (!org) return [];
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
  return scenario.accounts.filter((a) => (ouId === org.rootId ? true : a.ou !== undefined && inside.has(a.ou))).map((a) => a.id);
}

/** Parses `DeploymentTargets`: comma-separated account ids or OU ids. */
function targetsOf(run: ActionRun): readonly string[] {
  const raw = run.config['DeploymentTargets'] ?? '';
  const ids = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (run.config['PermissionModel'] === 'SERVICE_MANAGED') {
    return [...new Set(ids.flatMap((id) => (/^\d{12}$/.test(id) ? [id] : accountsInOu(run.ctx.world.scenario, id))))];
  }
  return ids;
}

/** Runs a StackSet action: the stack set operation, then one stack instance per account × region. */
export async function runStackSet(run: ActionRun): Promise<ActionOutcome> {
  const name = run.config['StackSetName'] ?? '';
  const serviceManaged = run.config['PermissionModel'] === 'SERVICE_MANAGED';
  const stackSetArn = `arn:aws:cloudformation:${run.action.region}:${run.action.account}:stackset/${name}:${stableId('stackset', run.action.account, run.action.region, name)}`;
  const regions = (run.config['Regions'] ?? run.action.region).split(',').map((s) => s.trim()).filter(Boolean);
  const targets = targetsOf(run);
  const isInstances = run.action.provider === 'CloudFormationStackInstances';

  const read = await readInputs(run, run.caller);
  if (read) return { status: 'Failed', message: denialMessage(read) };
  const ops = isInstances ? ['cloudformation:DescribeStackSet', 'cloudformation:CreateStackInstances'] : ['cloudformation:DescribeStackSet', 'cloudformation:UpdateStackSet'];
  const denied = await callAll(run, run.parent, ops.map((op) => [callBy(run, run.caller, op, stackSetArn), `${op.split(':')[1]} ${name}`] as const));
  if (denied) return { status: 'Failed', message: denialMessage(denied) };

  const execName = run.config['ExecutionRoleName'] ?? 'AWSCloudFormationStackSetExecutionRole';
  let admin: (Caller & { kind: 'role' }) | null = null;
  if (serviceManaged) {
    const org = run.ctx.world.scenario.organization;
    if (!org?.trustedAccess.includes('member.org.stacksets.cloudformation.amazonaws.com')) {
      return { status: 'Failed', message: 'You must enable organizations access to operate a service managed stack set' };
    }
    run.rec.emit({ type: 'note.added', parentSeq: run.parent, ...where(run), text: 'service-managed permissions: StackSets uses its service-linked roles in the management and member accounts (SCPs do not apply to service-linked roles)' });
  } else {
    const adminArn = run.config['AdministrationRoleArn'] ?? `arn:aws:iam::${run.action.account}:role/AWSCloudFormationStackSetAdministrationRole`;
    const passed = await callAll(run, run.parent, [[callBy(run, run.caller, 'iam:PassRole', adminArn, { facts: { passedToService: 'cloudformation.amazonaws.com' } }), 'pass the administration role to CloudFormation']]);
    if (passed) return { status: 'Failed', message: denialMessage(passed) };
    const service: Caller = { kind: 'service', service: 'cloudformation.amazonaws.com', sourceArn: stackSetArn, sourceAccount: run.action.account };
    const assumed = await callAll(run, run.parent, [[callBy(run, service, 'sts:AssumeRole', adminArn), 'CloudFormation assumes the StackSet administration role']]);
    if (assumed) return { status: 'Failed', message: denialMessage(assumed) };
    admin = roleCaller(adminArn, 'AWSCloudFormationStackSetAdministration');
  }

  // One stack instance per account × region. Failure tolerance is a count (or percentage) of
  // failed instances per region before the operation stops.
  const tolerance = toleranceCount(run, targets.length);
  let failedTotal = 0;
  let firstFailure: string | undefined;
  for (const region of regions) {
    let failedHere = 0;
    for (const account of targets) {
      if (failedHere > tolerance) break;
      const inst = run.rec.emit({ type: 'stack-instance.started', parentSeq: run.parent, ...where(run), account, region });
      const message = await deployInstance(run, inst, admin, account, region, name, execName, serviceManaged);
      run.rec.emit({ type: 'stack-instance.finished', parentSeq: inst, ...where(run), account, region, status: message ? 'Failed' : 'Succeeded', ...(message ? { message } : {}) });
      if (message) {
        failedHere++;
        failedTotal++;
        firstFailure ??= message;
      }
    }
    if (failedHere > tolerance) break;
  }
  if (failedTotal > tolerance) return { status: 'Failed', message: firstFailure ?? 'stack instances failed' };
  return { status: 'Succeeded', variables: {} };
}

/** Deploys one stack instance; returns the failure message, or null. */
async function deployInstance(run: ActionRun, parent: number, admin: (Caller & { kind: 'role' }) | null, account: string, region: string, name: string, execName: string, serviceManaged: boolean): Promise<string | null> {
  const stack = run.ctx.world.stacks.find((s) => s.name === name && s.account === account && s.region === region) ?? run.ctx.world.stacks.find((s) => s.name === name && s.account === account);
  if (serviceManaged) return null;
  const execArn = `arn:aws:iam::${account}:role/${execName}`;
  const assumed = await callAll(run, parent, [[{ caller: admin!, operation: 'sts:AssumeRole', resource: execArn, region }, `administration role assumes ${execName} in ${account}`]]);
  if (assumed) return denialMessage(assumed);
  const exec = roleCaller(execArn, 'AWSCloudFormation');
  const calls = (stack?.calls ?? []).map((c) => [{ caller: exec, operation: c.action, resource: c.resource, region, facts: { viaService: 'cloudformation.amazonaws.com' } }, `stack instance ${account}/${region}: ${c.action}`] as const);
  const denied = await callAll(run, parent, calls);
  if (denied) return denialMessage(denied);
  return stack?.fails ? `stack instance ${account}/${region} failed` : null;
}

function toleranceCount(run: ActionRun, n: number): number {
  const count = run.config['FailureToleranceCount'];
  if (count !== undefined) return Number(count) || 0;
  const pct = run.config['FailureTolerancePercentage'];
  if (pct !== undefined) return Math.floor(((Number(pct) || 0) * n) / 100);
  return 0;
}
