/**
 * The call catalogue's dispatcher: which module implements each action provider (docs/call-catalogue.md).
 * Each provider lives in its own file and depends on ./kit.ts, never on another provider or on this
 * file; an unmodelled provider is a located note and a failed action, never a silent success.
 * Sources: CodePipeline action structure reference
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference.html), the
 * CodePipeline service role policy (https://docs.aws.amazon.com/codepipeline/latest/userguide/security-iam.html#how-to-custom-role)
 * and cross-account pipelines (https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-create-cross-account.html).
 */
import { runCloudFormation } from './cloudformation.js';
import { runCodeBuild } from './codebuild.js';
import { runCodeCommitSource } from './codecommit.js';
import { runCodeDeploy } from './codedeploy.js';
import { runConnectionSource } from './connection.js';
import { runEcsDeploy } from './ecs.js';
import { where, type ActionOutcome, type ActionRun } from './kit.js';
import { runLambda } from './lambda.js';
import { runManualApproval } from './manual-approval.js';
import { runS3Deploy } from './s3-deploy.js';
import { runS3Source } from './s3-source.js';
import { runStackSet } from './stacksets.js';

/** A provider's implementation. */
type Provider = (run: ActionRun) => Promise<ActionOutcome>;

/** By provider, or by `Category/Provider` where one provider name serves two categories (S3 source and S3 deploy). */
const PROVIDERS: Readonly<Record<string, Provider>> = {
  CodeCommit: runCodeCommitSource,
  'Source/S3': runS3Source,
  'Deploy/S3': runS3Deploy,
  'Deploy/ECS': runEcsDeploy,
  CodeStarSourceConnection: runConnectionSource,
  CodeBuild: runCodeBuild,
  CloudFormation: runCloudFormation,
  CloudFormationStackSet: runStackSet,
  CloudFormationStackInstances: runStackSet,
  CodeDeploy: runCodeDeploy,
  Lambda: runLambda,
  Manual: runManualApproval,
};

/** Runs the provider of a planned action. */
export async function runProvider(run: ActionRun): Promise<ActionOutcome> {
  const provider = PROVIDERS[`${run.action.category}/${run.action.provider}`] ?? PROVIDERS[run.action.provider];
  if (!provider) {
    run.rec.emit({ type: 'note.added', parentSeq: run.parent, ...where(run), text: `provider \`${run.action.provider}\` is not modelled: no calls were evaluated for this action` });
    return { status: 'Failed', message: `provider \`${run.action.provider}\` is not modelled by pipesim` };
  }
  return provider(run);
}
