/**
 * The call catalogue: what each action provider makes AWS evaluate (docs/call-catalogue.md).
 * Sources: CodePipeline action structure reference
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference.html), the
 * CodePipeline service role policy (https://docs.aws.amazon.com/codepipeline/latest/userguide/security-iam.html#how-to-custom-role)
 * and cross-account pipelines (https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-create-cross-account.html).
 */
import { bucketArn, objectArn } from '../model/arn.js';
import { findRole, resolveKey } from '../model/world.js';
import { stableId } from './audit.js';
import { runCodeDeploy } from './codedeploy.js';
import { runLambda } from './lambda.js';
import { runStackSet } from './stacksets.js';
import { denialMessage, readArtifact, roleCaller, writeArtifact, type ActionOutcome, type ActionRun, type ArtifactCopy } from './step.js';
import type { Call, Caller, CallEvaluatedEvent } from './types.js';

/** A provider's implementation. */
type Provider = (run: ActionRun) => Promise<ActionOutcome>;

const PROVIDERS: Readonly<Record<string, Provider>> = {
  CodeCommit: codeCommitSource,
  S3: s3Source,
  CodeStarSourceConnection: connectionSource,
  CodeBuild: codeBuild,
  CloudFormation: cloudFormation,
  CloudFormationStackSet: runStackSet,
  CloudFormationStackInstances: runStackSet,
  CodeDeploy: runCodeDeploy,
  Lambda: runLambda,
  Manual: manualApproval,
};

/** Registers a provider implementation (used by modules that add providers). */
export function providerFor(name: string): Provider | undefined {
  return PROVIDERS[name] ?? EXTRA[name];
}

const EXTRA: Record<string, Provider> = {};

/** Adds a provider to the catalogue. */
export function registerProvider(name: string, provider: Provider): void {
  EXTRA[name] = provider;
}

/** Runs the provider of a planned action. */
export async function runProvider(run: ActionRun): Promise<ActionOutcome> {
  const provider = providerFor(run.action.provider);
  if (!provider) {
    run.rec.emit({ type: 'note.added', parentSeq: run.parent, ...where(run), text: `provider \`${run.action.provider}\` is not modelled: no calls were evaluated for this action` });
    return { status: 'Failed', message: `provider \`${run.action.provider}\` is not modelled by pipesim` };
  }
  return provider(run);
}

/** The stage/action an event belongs to. */
export function where(run: ActionRun): { readonly stage: string; readonly action: string } {
  return { stage: run.action.stage, action: run.action.declaration.name };
}

/** Makes calls in order and stops at the first denial. */
export async function callAll(run: ActionRun, parent: number, calls: readonly (readonly [Call, string])[]): Promise<CallEvaluatedEvent | null> {
  for (const [call, purpose] of calls) {
    const ev = await run.rec.call(parent, where(run), call, purpose);
    if (ev.decision !== 'Allowed') return ev;
  }
  return null;
}

/** A call by a caller in the action's region. */
export function callBy(run: ActionRun, caller: Caller, operation: string, resource: string, extra: Partial<Call> = {}): Call {
  return { caller, operation, resource, region: run.action.region, ...extra };
}

/** Reads every input artifact of the action as `caller`. */
export async function readInputs(run: ActionRun, caller: Caller): Promise<CallEvaluatedEvent | null> {
  for (const input of run.action.declaration.inputArtifacts) {
    const copy = run.state.artifacts[input.name]?.[run.action.region];
    if (!copy) continue;
    const denied = await readArtifact(run, run.parent, caller, input.name, copy);
    if (denied) return denied;
  }
  return null;
}

/** Writes every output artifact of the action as `caller` into the action region's store. */
export async function writeOutputs(run: ActionRun, caller: Caller, keyRef?: string): Promise<{ readonly failed: string | null; readonly artifacts: Record<string, Record<string, ArtifactCopy>> }> {
  const artifacts: Record<string, Record<string, ArtifactCopy>> = {};
  for (const output of run.action.declaration.outputArtifacts) {
    const written = await writeArtifact(run, run.parent, caller, output.name, run.action.region, keyRef);
    if (written.denied) return { failed: denialMessage(written.denied), artifacts };
    if (!written.copy) return { failed: written.message ?? `output artifact \`${output.name}\` could not be written`, artifacts };
    artifacts[output.name] = { [run.action.region]: written.copy };
  }
  return { failed: null, artifacts };
}

const fail = (message: string): ActionOutcome => ({ status: 'Failed', message });

/** CodeCommit source: the action role reads the branch and uploads the archive into the artifact store. */
async function codeCommitSource(run: ActionRun): Promise<ActionOutcome> {
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

/** S3 source: the action role reads the versioned object (and decrypts it), then stores it as an artifact. */
async function s3Source(run: ActionRun): Promise<ActionOutcome> {
  const bucketName = run.config['S3Bucket'] ?? '';
  const key = run.config['S3ObjectKey'] ?? '';
  const bucket = run.ctx.world.buckets.get(bucketName);
  if (!bucket) return fail(`source bucket \`${bucketName}\` does not exist`);
  const object = objectArn(bucketName, key);
  const calls: [Call, string][] = [
    [{ caller: run.caller, operation: 's3:GetBucketVersioning', resource: bucketArn(bucketName), region: bucket.region }, 'check source bucket versioning'],
    [{ caller: run.caller, operation: 's3:GetObject', resource: object, region: bucket.region }, `read source object ${key}`],
    [{ caller: run.caller, operation: 's3:GetObjectVersion', resource: object, region: bucket.region }, `read source object version ${key}`],
  ];
  if (bucket.encryption?.sseAlgorithm === 'aws:kms') {
    const ref = bucket.encryption.kmsKeyId ?? `arn:aws:kms:${bucket.region}:${bucket.account}:alias/aws/s3`;
    // The object was written in the bucket owner's account: S3 recorded the key ARN it resolved there.
    const resolved = resolveKey(run.ctx.world, ref, { account: bucket.account, region: bucket.region });
    const keyArn = resolved.key?.arn ?? ref;
    calls.push([{ caller: run.caller, operation: 'kms:Decrypt', resource: keyArn, region: bucket.region, facts: { viaService: `s3.${bucket.region}.amazonaws.com`, encryptionContext: { 'aws:s3:arn': object } } }, 'decrypt the source object']);
  }
  const denied = await callAll(run, run.parent, calls);
  if (denied) return fail(denialMessage(denied));
  const written = await writeOutputs(run, run.caller);
  if (written.failed) return fail(written.failed);
  return { status: 'Succeeded', artifacts: written.artifacts, variables: { ObjectKey: key, VersionId: 'v1', ETag: '0123456789abcdef' } };
}

/** CodeStar / CodeConnections source: the action role uses the connection. */
async function connectionSource(run: ActionRun): Promise<ActionOutcome> {
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

/** CodeBuild: the action role starts the build; CodeBuild assumes the project role, which moves the artifacts. */
async function codeBuild(run: ActionRun): Promise<ActionOutcome> {
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
async function cloudFormation(run: ActionRun): Promise<ActionOutcome> {
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

/**
 * Manual approval: the notification through SNS, then `PutApprovalResult` by the approver the run
 * names, from where the run says (https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals-iam-permissions.html).
 */
async function manualApproval(run: ActionRun): Promise<ActionOutcome> {
  const topic = run.config['NotificationArn'];
  const requested = run.rec.emit({ type: 'approval.requested', parentSeq: run.parent, ...where(run), ...(topic ? { topic } : {}), ...(run.config['ExternalEntityLink'] ? { reviewUrl: run.config['ExternalEntityLink'] } : {}) });
  if (topic) {
    const region = topic.split(':')[3] ?? run.action.region;
    const denied = await callAll(run, requested, [[{ caller: run.caller, operation: 'sns:Publish', resource: topic, region }, 'notify approvers']]);
    if (denied) return fail(denialMessage(denied));
  }
  const key = `${run.action.stage}/${run.action.declaration.name}`;
  const scenarioRun = run.ctx.world.scenario.run;
  const answer = scenarioRun.approvals.find((a) => a.action === key);
  if (!answer?.approver) {
    run.rec.emit({ type: 'approval.answered', parentSeq: requested, ...where(run), approver: 'unnamed', result: answer?.result ?? 'Approved', note: 'the scenario names no approver: an unnamed approver answered and no PutApprovalResult call was evaluated' });
    return answer?.result === 'Rejected' ? fail('Approval rejected') : { status: 'Succeeded', variables: {} };
  }
  if (!findRole(run.ctx.world, answer.approver)) return fail(`approver role \`${answer.approver}\` is not declared`);
  const approver = roleCaller(answer.approver, answer.sessionName ?? 'approver');
  const resource = `arn:aws:codepipeline:${run.plan.region}:${run.plan.account}:${run.plan.pipelineName}/${run.action.stage}/${run.action.declaration.name}`;
  const sourceVpce = answer.sourceVpce ?? scenarioRun.sourceVpce;
  const sourceIp = answer.sourceIp ?? scenarioRun.sourceIp;
  const denied = await callAll(run, requested, [[{ caller: approver, operation: 'codepipeline:PutApprovalResult', resource, region: run.plan.region, facts: { ...(sourceVpce ? { sourceVpce } : {}), ...(sourceIp ? { sourceIp } : {}) } }, `${answer.result === 'Approved' ? 'approve' : 'reject'} ${key}`]]);
  if (denied) return fail(denialMessage(denied));
  const author = scenarioRun.commit.author;
  const selfApproval = author !== undefined && author.toLowerCase() === answer.approver.toLowerCase();
  run.rec.emit({
    type: 'approval.answered',
    parentSeq: requested,
    ...where(run),
    approver: approver.sessionArn,
    result: answer.result,
    ...(selfApproval ? { note: 'self-approval: the approver authored the change; CodePipeline does not prevent this by itself — deny PutApprovalResult to the author (e.g. a separate approver role or an aws:PrincipalTag condition)' } : {}),
  });
  return answer.result === 'Rejected' ? fail('Approval rejected') : { status: 'Succeeded', variables: {} };
}
