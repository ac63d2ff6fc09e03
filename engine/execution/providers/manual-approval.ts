import { findRole } from '../../../model/world.js';
import type { Call } from '../../types.js';
import { callAll, denialMessage, fail, roleCaller, where, type ActionOutcome, type ActionRun } from './kit.js';

/**
 * Manual approval: the notification through SNS, then `PutApprovalResult` by the approver the run
 * names, from where the run says (https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals-iam-permissions.html).
 */
export async function runManualApproval(run: ActionRun): Promise<ActionOutcome> {
  const topic = run.config['NotificationArn'];
  const requested = run.rec.emit({ type: 'approval.requested', parentSeq: run.parent, ...where(run), ...(topic ? { topic } : {}), ...(run.config['ExternalEntityLink'] ? { reviewUrl: run.config['ExternalEntityLink'] } : {}) });
  if (topic) {
    const region = topic.split(':')[3] ?? run.action.region;
    const denied = await callAll(run, requested, [[{ caller: run.caller, operation: 'sns:Publish', resource: topic, region }, 'notify approvers'], ...topicKeyCalls(run, topic, region)]);
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

/**
 * Publishing to a topic with server-side encryption: the publisher needs `kms:GenerateDataKey` and
 * `kms:Decrypt` on the topic's key, through SNS, and the key policy must allow it (SNS Developer
 * Guide, "Key management": "the publisher must have the kms:GenerateDataKey* and kms:Decrypt
 * permissions for the AWS KMS key"). The key is named in the topic's account and Region.
 */
function topicKeyCalls(run: ActionRun, topic: string, region: string): [Call, string][] {
  const keyId = run.ctx.world.topics.get(topic)?.kmsMasterKeyId;
  if (!keyId) return [];
  const account = topic.split(':')[4] ?? run.action.account;
  const key = keyId.startsWith('arn:') ? keyId : keyId.startsWith('alias/') ? `arn:aws:kms:${region}:${account}:${keyId}` : `arn:aws:kms:${region}:${account}:key/${keyId}`;
  const facts = { viaService: 'sns.amazonaws.com' };
  return [
    [{ caller: run.caller, operation: 'kms:GenerateDataKey', resource: key, region, facts }, 'encrypt the notification with the topic key'],
    [{ caller: run.caller, operation: 'kms:Decrypt', resource: key, region, facts }, 'decrypt the notification data key'],
  ];
}
