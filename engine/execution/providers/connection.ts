/**
 * CodeStar / CodeConnections source action (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodestarConnectionSource.html).
 */
import { callAll, callBy, denialMessage, fail, writeOutputs, type ActionOutcome, type ActionRun } from './kit.js';

/** CodeStar / CodeConnections source: the action role uses the connection. */
export async function runConnectionSource(run: ActionRun): Promise<ActionOutcome> {
  const arn = run.config['ConnectionArn'] ?? '';
  const denied = await callAll(run, run.parent, [[callBy(run, run.caller, arn.includes(':codeconnections:') ? 'codeconnections:UseConnection' : 'codestar-connections:UseConnection', arn), 'use the connection']]);
  if (denied) return fail(denialMessage(denied));
  const connection = run.ctx.world.scenario.connections.find((c) => c.arn === arn);
  if (!connection) return fail(`connection \`${arn}\` does not exist`);
  if (connection.status !== 'AVAILABLE') return fail(`connection \`${arn}\` is ${connection.status}, not AVAILABLE`);
  const written = await writeOutputs(run, run.caller);
  if (written.failed) return fail(written.failed);
  const commit = run.ctx.world.scenario.run.commit;
  return { status: 'Succeeded', artifacts: written.artifacts, variables: { CommitId: commit.id, CommitMessage: commit.message, BranchName: run.config['BranchName'] ?? '', FullRepositoryName: run.config['FullRepositoryId'] ?? '', ConnectionArn: arn } };
}
