/**
 * Amazon ECS standard deploy action (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-ECS.html):
 * the action role reads the image definitions file (`FileName` of its input artifact), describes
 * the service and its task definition, registers a new revision, passes the task definition's
 * roles to ECS (`iam:PassRole` with `iam:PassedToService` = `ecs-tasks.amazonaws.com`) and updates
 * the service — the service role permissions the action reference lists
 * (`ecs:DescribeServices`, `ecs:DescribeTaskDefinition`, `ecs:RegisterTaskDefinition`,
 * `ecs:UpdateService`, `iam:PassRole`). ECS has no resource-level permissions for the task
 * definition calls: they are requested on `*`.
 */
import type { Call } from '../../types.js';
import { callAll, callBy, denialMessage, fail, readInputs, type ActionOutcome, type ActionRun } from './kit.js';

/** ECS deploy: read the image definitions, then register a task definition revision and update the service. */
export async function runEcsDeploy(run: ActionRun): Promise<ActionOutcome> {
  const cluster = run.config['ClusterName'] ?? '';
  const name = run.config['ServiceName'] ?? '';
  const arn = `arn:aws:ecs:${run.action.region}:${run.action.account}:service/${cluster}/${name}`;
  const service = run.ctx.world.scenario.ecsServices.find((s) => s.arn === arn);
  if (!service) return fail(`ECS service \`${arn}\` is not declared in \`ecsServices\`: the roles its task definition passes cannot be checked`);
  const read = await readInputs(run, run.caller);
  if (read) return fail(denialMessage(read));
  const passes = [service.taskRoleArn, service.executionRoleArn]
    .filter((r): r is string => r !== undefined)
    .map((role): [Call, string] => [callBy(run, run.caller, 'iam:PassRole', role, { facts: { passedToService: 'ecs-tasks.amazonaws.com' } }), `pass ${role === service.taskRoleArn ? 'the task role' : 'the task execution role'} to ECS`]);
  const denied = await callAll(run, run.parent, [
    [callBy(run, run.caller, 'ecs:DescribeServices', arn), `describe service ${name}`],
    [callBy(run, run.caller, 'ecs:DescribeTaskDefinition', '*'), 'read the current task definition'],
    [callBy(run, run.caller, 'ecs:RegisterTaskDefinition', '*'), 'register the new task definition revision'],
    ...passes,
    [callBy(run, run.caller, 'ecs:UpdateService', arn), `update service ${name}`],
  ]);
  if (denied) return fail(denialMessage(denied));
  return { status: 'Succeeded', variables: {} };
}
