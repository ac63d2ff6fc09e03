/**
 * CodeCommit source action (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodeCommit.html).
 */
import { callAll, callBy, denialMessage, fail, writeOutputs, type ActionOutcome, type ActionRun } from './kit.js';

/** CodeCommit source: the action role reads the branch and uploads the archive into the artifact store. */
export async function runCodeCommitSource(run: ActionRun): Promise<ActionOutcome> {
  const repoName = run.config['RepositoryName'] ?? '';
  const repo = `arn:aws:codecommit:${run.action.region}:${run.action.account}:${repoName}`;
  const denied = await callAll(run, run.parent, [
    [callBy(run, run.caller, 'codecommit:GetBranch', repo), `read branch ${run.config['BranchName']}`],
    [callBy(run, run.caller, 'codecommit:GetCommit', repo), 'read the head commit'],
    [callBy(run, run.caller, 'codecommit:UploadArchive', repo), 'upload the source archive'],
    [callBy(run, run.caller, 'codecommit:GetUploadArchiveStatus', repo), 'wait for the archive'],
  ]);
  if (denied) return fail(denialMessage(denied));
  const written = await writeOutputs(run, run.caller);
  if (written.failed) return fail(written.failed);
  const commit = run.ctx.world.scenario.run.commit;
  return {
    status: 'Succeeded',
    artifacts: written.artifacts,
    variables: { CommitId: commit.id, CommitMessage: commit.message, BranchName: run.config['BranchName'] ?? '', RepositoryName: repoName, AuthorDate: run.ctx.world.scenario.run.startTime },
  };
}
