/**
 * The CodeDeploy deploy action (provider `CodeDeploy`; configuration `ApplicationName`,
 * `DeploymentGroupName`; exactly one input artifact, the revision with its AppSpec file):
 * "AWS CodeDeploy deploy action reference"
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodeDeploy.html).
 *
 * What is evaluated:
 * - the action role calls CodeDeploy as the CodePipeline service role policy lists it ("Manage the
 *   CodePipeline service role", https://docs.aws.amazon.com/codepipeline/latest/userguide/how-to-custom-role.html):
 *   `RegisterApplicationRevision` and `GetApplicationRevision` on the application,
 *   `CreateDeployment` and `GetDeployment` on the deployment group, `GetDeploymentConfig` on the
 *   deployment configuration — resource ARNs as "CodeDeploy permissions reference" gives them
 *   (https://docs.aws.amazon.com/codedeploy/latest/userguide/auth-and-access-control-permissions-reference.html):
 *   `arn:aws:codedeploy:<region>:<account>:application:<app>`,
 *   `…:deploymentgroup:<app>/<group>`, `…:deploymentconfig:<config>`.
 *   No `iam:PassRole` is evaluated: the service role belongs to the deployment group, and
 *   CreateDeployment takes no role (the domain guide's "plus iam:PassRole" applies to creating the
 *   deployment group, not to deploying).
 * - `codedeploy.amazonaws.com` assumes the deployment group's service role ("Step 3: Create a
 *   service role for CodeDeploy", https://docs.aws.amazon.com/codedeploy/latest/userguide/getting-started-create-service-role.html);
 *   a trust policy that does not admit it is SERVICE_ROLE_TRUST.
 * - EC2/on-premises (`Server`): the instance role (the instance profile the CodeDeploy agent
 *   uses, AmazonEC2RoleforAWSCodeDeploy: `s3:GetObject` on the revision) downloads the bundle from
 *   the artifact store of the action's Region: `s3:GetObject` plus `kms:Decrypt` through S3 —
 *   across accounts the bucket policy and the key policy (or a grant) must admit it.
 * - `ECS` and `Lambda` compute platforms: no instance; the service role reads the revision from
 *   S3 (AWSCodeDeployRoleForECS / AWSCodeDeployRoleForLambda "access revision files in Amazon S3
 *   buckets"). The task-set and alias calls of those platforms are not evaluated.
 * - a deployment failure is driven by `run.failures` naming `Stage/Action`; with automatic
 *   rollback enabled on the group for DEPLOYMENT_FAILURE, CodeDeploy redeploys the last known good
 *   revision as a new deployment (engine/execution/rollback.ts). The action fails either way.
 */
import type { CodeDeployApplication } from '../../../model/schema.js';
import { stableId } from '../audit.js';
import { actionRollback, lastSuccessfulExecution } from '../rollback.js';
import type { Caller } from '../../types.js';
import { callAll, callBy, denialMessage, fail, readArtifact, roleCaller, where, type ActionOutcome, type ActionRun } from './kit.js';

/** The deployment configuration CodeDeploy uses when the group names none, per compute platform. */
const DEFAULT_CONFIG: Readonly<Record<CodeDeployApplication['computePlatform'], string>> = {
  Server: 'CodeDeployDefault.OneAtATime',
  ECS: 'CodeDeployDefault.ECSAllAtOnce',
  Lambda: 'CodeDeployDefault.LambdaAllAtOnce',
};


/** A CodeDeploy deployment id (`d-` and nine letters or digits). */
function deploymentId(...seed: readonly string[]): string {
  return `d-${stableId('deployment', ...seed).replaceAll('-', '').slice(0, 9).toUpperCase()}`;
}

/** Runs a CodeDeploy action. */
export async function runCodeDeploy(run: ActionRun): Promise<ActionOutcome> {
  const appName = run.config['ApplicationName'] ?? '';
  const groupName = run.config['DeploymentGroupName'] ?? '';
  const { account, region } = run.action;
  const w = where(run);
  const app = run.ctx.world.codeDeployApps.find((a) => a.name === appName && a.account === account && a.region === region);
  const group = app?.deploymentGroups.find((g) => g.name === groupName);
  const base = `arn:aws:codedeploy:${region}:${account}`;
  const appArn = `${base}:application:${appName}`;
  const groupArn = `${base}:deploymentgroup:${appName}/${groupName}`;
  const configArn = `${base}:deploymentconfig:${DEFAULT_CONFIG[app?.computePlatform ?? 'Server']}`;

  const denied = await callAll(run, run.parent, [
    [callBy(run, run.caller, 'codedeploy:RegisterApplicationRevision', appArn), `register the revision with ${appName}`],
    [callBy(run, run.caller, 'codedeploy:GetApplicationRevision', appArn), 'read the registered revision'],
  ]);
  if (denied) return fail(denialMessage(denied));
  // CodeDeploy's own errors (ApplicationDoesNotExistException, DeploymentGroupDoesNotExistException).
  if (!app) return fail(`ApplicationDoesNotExistException: no application \`${appName}\` in ${account}/${region}`);
  const created = await callAll(run, run.parent, [
    [callBy(run, run.caller, 'codedeploy:CreateDeployment', groupArn), `create a deployment to ${appName}/${groupName}`],
    [callBy(run, run.caller, 'codedeploy:GetDeploymentConfig', configArn), 'read the deployment configuration'],
  ]);
  if (created) return fail(denialMessage(created));
  if (!group) return fail(`DeploymentGroupDoesNotExistException: no deployment group \`${groupName}\` in application \`${appName}\``);

  // CodeDeploy works with the deployment group's service role.
  const service: Caller = { kind: 'service', service: 'codedeploy.amazonaws.com', sourceArn: groupArn, sourceAccount: account };
  const assumed = await callAll(run, run.parent, [[callBy(run, service, 'sts:AssumeRole', group.serviceRole, { facts: { roleSessionName: `CodeDeploy-${run.executionId.slice(0, 8)}` } }), 'CodeDeploy assumes the deployment group service role']]);
  if (assumed) return fail(denialMessage(assumed));
  const id = deploymentId(run.executionId, run.action.stage, run.action.declaration.name);
  const deployment = run.rec.emit({ type: 'note.added', parentSeq: run.parent, ...w, text: `deployment ${id} of ${appName}/${groupName} (${app.computePlatform}, ${DEFAULT_CONFIG[app.computePlatform]})` });

  // Who fetches the revision from the artifact store.
  const input = run.action.declaration.inputArtifacts[0]?.name;
  const copy = input ? run.state.artifacts[input]?.[region] : undefined;
  if (input && copy) {
    let reader: (Caller & { kind: 'role' }) | null = null;
    if (app.computePlatform === 'Server') {
      if (group.instanceRole) reader = roleCaller(group.instanceRole, `i-${stableId('instance', group.instanceRole).replaceAll('-', '').slice(0, 17)}`);
      else run.rec.emit({ type: 'note.added', parentSeq: deployment, ...w, text: 'the deployment group declares no instance role: the bundle download by the instances is not evaluated' });
    } else {
      reader = roleCaller(group.serviceRole, `CodeDeploy-${run.executionId.slice(0, 8)}`);
    }
    if (reader) {
      const who = app.computePlatform === 'Server' ? 'the instance role downloads the revision bundle' : 'the service role reads the revision';
      run.rec.emit({ type: 'note.added', parentSeq: deployment, ...w, text: `${who} from ${copy.bucket} (${copy.region})` });
      const refused = await readArtifact(run, deployment, reader, input, copy);
      if (refused) return finishFailed(run, deployment, id, group.autoRollback, `Deployment ${id} failed: the revision could not be downloaded: ${denialMessage(refused)}`);
    }
  }
  if (run.ctx.world.scenario.run.failures.includes(`${run.action.stage}/${run.action.declaration.name}`)) {
    return finishFailed(run, deployment, id, group.autoRollback, `Deployment ${id} failed`);
  }
  const watched = await callAll(run, run.parent, [[callBy(run, run.caller, 'codedeploy:GetDeployment', groupArn), `watch deployment ${id}`]]);
  if (watched) return fail(denialMessage(watched));
  return { status: 'Succeeded', variables: {} };
}

/** A failed deployment: CodeDeploy rolls back when the group enables it for DEPLOYMENT_FAILURE. */
function finishFailed(run: ActionRun, deployment: number, id: string, autoRollback: { readonly enabled: boolean; readonly events: readonly string[] } | undefined, message: string): ActionOutcome {
  if (autoRollback?.enabled && autoRollback.events.includes('DEPLOYMENT_FAILURE')) {
    const previous = lastSuccessfulExecution(run.ctx.world.scenario.run.previousExecutions);
    const rollbackId = deploymentId('rollback', id);
    actionRollback(run, deployment, {
      reason: `deployment ${id} failed and the deployment group rolls back on DEPLOYMENT_FAILURE`,
      target: `the last known good revision${previous ? ` (execution ${previous.id}${previous.commitId ? `, commit ${previous.commitId.slice(0, 7)}` : ''})` : ''}, redeployed as new deployment ${rollbackId}`,
    });
  } else {
    run.rec.emit({ type: 'note.added', parentSeq: deployment, ...where(run), text: 'automatic rollback is not enabled for DEPLOYMENT_FAILURE on this deployment group: the instances keep what the failed deployment left' });
  }
  return fail(message);
}
