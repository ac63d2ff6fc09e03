/**
 * AWS CodeBuild build and test action (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodeBuild.html).
 *
 * Output artifacts are encrypted with the *project's* `encryptionKey`, and without one with the
 * AWS managed `aws/s3` key of the project's account and Region — never with the pipeline's
 * artifact store key (CodeBuild API `Project.encryptionKey`: "If you don't specify a value,
 * CodeBuild uses the managed CMK for Amazon S3"; CodeBuild guide "Encrypt build outputs using a
 * customer managed key"; aws-cdk#4182 "CodeBuild ignores KMS keys provided in CodePipeline" and
 * #4033). A later action in another account then cannot decrypt the build output.
 */
import type { Caller } from '../../types.js';
import { awsManagedS3KeyRef, callAll, callBy, codeBuildProjectArn, denialMessage, fail, readInputs, roleCaller, writeOutputs, type ActionOutcome, type ActionRun } from './kit.js';

/** CodeBuild: the action role starts the build; CodeBuild assumes the project role, which moves the artifacts. */
export async function runCodeBuild(run: ActionRun): Promise<ActionOutcome> {
  const name = run.config['ProjectName'] ?? '';
  const arn = codeBuildProjectArn(run.action);
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
  const written = await writeOutputs(run, projectCaller, project.encryptionKey ?? awsManagedS3KeyRef(run.action.account, run.action.region));
  if (written.failed) return fail(written.failed);
  return { status: 'Succeeded', artifacts: written.artifacts, variables: project.exportedVariables };
}
