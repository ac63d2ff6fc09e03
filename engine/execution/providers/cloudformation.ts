/**
 * AWS CloudFormation deploy action, every action mode (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CloudFormation.html).
 */
import { stableId } from '../audit.js';
import type { Caller } from '../../types.js';
import { callAll, callBy, denialMessage, fail, readInputs, roleCaller, where, writeOutputs, type ActionOutcome, type ActionRun } from './kit.js';

/** The CloudFormation API calls of each action mode, in the order the action makes them. */
const CFN_MODES: Readonly<Record<string, readonly string[]>> = {
  CREATE_UPDATE: ['cloudformation:DescribeStacks', 'STACK_WRITE'],
  REPLACE_ON_FAILURE: ['cloudformation:DescribeStacks', 'STACK_WRITE'],
  DELETE_ONLY: ['cloudformation:DescribeStacks', 'cloudformation:DeleteStack'],
  CHANGE_SET_REPLACE: ['cloudformation:DescribeStacks', 'cloudformation:DescribeChangeSet', 'cloudformation:CreateChangeSet'],
  CHANGE_SET_EXECUTE: ['cloudformation:DescribeChangeSet', 'cloudformation:ExecuteChangeSet'],
};

/**
 * CloudFormation deploy: the action role reads the template artifact, calls CloudFormation and
 * passes the execution role; CloudFormation assumes that role and makes the template's calls.
 */
export async function runCloudFormation(run: ActionRun): Promise<ActionOutcome> {
  const mode = run.config['ActionMode'] ?? 'CREATE_UPDATE';
  const stackName = run.config['StackName'] ?? '';
  const stackArn = `arn:aws:cloudformation:${run.action.region}:${run.action.account}:stack/${stackName}/${stableId('stack', run.action.account, run.action.region, stackName)}`;
  const stack = run.ctx.world.stacks.find((s) => s.name === stackName && s.account === run.action.account && s.region === run.action.region);
  const read = await readInputs(run, run.caller);
  if (read) return fail(denialMessage(read));
  const ops = CFN_MODES[mode];
  if (!ops) return fail(`unknown CloudFormation action mode \`${mode}\``);
  for (const op of ops) {
    const operation = op === 'STACK_WRITE' ? (stack?.exists ? 'cloudformation:UpdateStack' : 'cloudformation:CreateStack') : op;
    const denied = await callAll(run, run.parent, [[callBy(run, run.caller, operation, stackArn), `${operation.split(':')[1]} ${stackName}`]]);
    if (denied) return fail(denialMessage(denied));
  }
  // The execution role: given here, or (for CHANGE_SET_EXECUTE) the one the change set was created with.
  const roleArn = run.config['RoleArn'] ?? changeSetRole(run, stackName);
  if (roleArn && mode !== 'CHANGE_SET_EXECUTE') {
    const denied = await callAll(run, run.parent, [[callBy(run, run.caller, 'iam:PassRole', roleArn, { facts: { passedToService: 'cloudformation.amazonaws.com' } }), 'pass the execution role to CloudFormation']]);
    if (denied) return fail(denialMessage(denied));
  }
  if (mode === 'CHANGE_SET_REPLACE') return finishCfn(run);
  if (roleArn) {
    const service: Caller = { kind: 'service', service: 'cloudformation.amazonaws.com', sourceArn: stackArn, sourceAccount: run.action.account };
    const assumed = await callAll(run, run.parent, [[callBy(run, service, 'sts:AssumeRole', roleArn), 'CloudFormation assumes the execution role']]);
    if (assumed) return fail(denialMessage(assumed));
    const exec = roleCaller(roleArn, 'AWSCloudFormation');
    const resourceCalls = (stack?.calls ?? []).map((c) => [callBy(run, exec, c.action, c.resource, { facts: { viaService: 'cloudformation.amazonaws.com' } }), `stack ${stackName}: ${c.action}`] as const);
    const denied = await callAll(run, run.parent, resourceCalls);
    if (denied) return fail(`Resource handler returned message: "${denialMessage(denied)}"`);
  }
  if (stack?.fails || run.ctx.world.scenario.run.failures.includes(`${run.action.stage}/${run.action.declaration.name}`)) {
    run.rec.emit({ type: 'rollback.started', parentSeq: run.parent, ...where(run), scope: 'action', reason: `stack ${stackName} failed`, target: 'the previous stack state (CloudFormation rollback)' });
    return fail(`Stack ${stackName} failed: UPDATE_ROLLBACK_COMPLETE`);
  }
  return finishCfn(run);
}

async function finishCfn(run: ActionRun): Promise<ActionOutcome> {
  if (!run.action.declaration.outputArtifacts.length) return { status: 'Succeeded', variables: {} };
  const written = await writeOutputs(run, run.caller);
  if (written.failed) return fail(written.failed);
  return { status: 'Succeeded', artifacts: written.artifacts, variables: {} };
}

/** The RoleArn of the CHANGE_SET_REPLACE action for the same stack. */
function changeSetRole(run: ActionRun, stackName: string): string | undefined {
  for (const stage of run.plan.stages) {
    for (const group of stage.groups) {
      for (const a of group.actions) {
        const c = a.declaration.configuration;
        if (a.provider === 'CloudFormation' && c['ActionMode'] === 'CHANGE_SET_REPLACE' && c['StackName'] === stackName && a.account === run.action.account && c['RoleArn']) return c['RoleArn'];
      }
    }
  }
  return undefined;
}
