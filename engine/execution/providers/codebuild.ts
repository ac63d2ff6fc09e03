/**
 * AWS CodeBuild build and test action (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodeBuild.html).
 */
import type { Caller } from '../../types.js';
import { callAll, callBy, denialMessage, fail, readInputs, roleCaller, writeOutputs, type ActionOutcome, type ActionRun } from './kit.js';

/** CodeBuild: the action role starts the build; CodeBuild assumes the project role, which moves the artifacts. */
export async function runCodeBuild(run: ActionRun): Promise<ActionOutcome> {
  const name = run.config['ProjectName'] ?? '';
  const arn = `arn:aws:codebuild:${run.action.region}:${run.action.account}:project/${name}`;
  const denied = await callAll(run, run.parent, [
    [callBy(run, run.caller, 'codebuild:StartBuild', arn), `start build of ${name}`],
    [callBy(run, run.caller, 'codebuild:BatchGetBuilds', arn), 'watch the build'],
  ]);
  if (denied) return fail(denialMessage(denied));
  const project = run.ctx.world.projects.get(arn);
  if (!project) return fail(`project \`${arn}\` does not exist`);
  const service: Caller = { kind: 'service', service: 'codebuild.amazonaws.com', sourceArn: arn, sourceAccount: run.action.account };
  const assumed = await callAll(run, run.parent, [[callBy(run, service, 'sts:AssumeRole', project.serviceRole), 'CodeBuild assumes the project service role']]);
  if (assumed) return fail(denialMessage(assumed));
  const projectCaller = roleCaller(project.serviceRole, `AWSCodeBuild-${run.executionId.slice(0, 8)}`);
  const read = await readInputs(run, projectCaller);
  if (read) return fail(denialMessage(read));
  if (run.ctx.world.scenario.run.failures.includes(`${run.action.stage}/${run.action.declaration.name}`)) return fail(`build of \`${name}\` failed`);
  const written = await writeOutputs(run, projectCaller, project.encryptionKey);
  if (written.failed) return fail(written.failed);
  return { status: 'Succeeded', artifacts: written.artifacts, variables: project.exportedVariables };
}
