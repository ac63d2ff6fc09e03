import { findRole } from '../../../model/world.js';
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
