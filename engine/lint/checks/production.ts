/** PS001, PS002: an approval before production changes; the pipeline outside the production accounts. Pure. */
import { actionKey, deployAccounts, runsBefore, type LintAction } from '../topology.js';
import { eventsOf, type Check, type CheckContext, type Draft } from './kit.js';

/** Whether an action changes a production account: a Deploy action there (creating a change set changes nothing yet). */
function changesProduction(ctx: CheckContext, a: LintAction): boolean {
  if (a.category !== 'Deploy') return false;
  if (a.provider === 'CloudFormation' && a.declaration.configuration['ActionMode'] === 'CHANGE_SET_REPLACE') return false;
  return deployAccounts(ctx.scenario, a).some((acc) => ctx.production.has(acc));
}

/**
 * PS001: a manual approval runs before the first production deploy, and none runs after the
 * last one (an approval there gates nothing that reaches production).
 */
export const approvalBeforeProduction: Check = (ctx) => {
  const order = [...ctx.actions].sort((a, b) => a.stageIndex - b.stageIndex || a.runOrder - b.runOrder || a.actionIndex - b.actionIndex);
  const deploys = order.filter((a) => changesProduction(ctx, a));
  const first = deploys[0];
  const last = deploys[deploys.length - 1];
  if (!first || !last) return [];
  const approvals = order.filter((a) => a.provider === 'Manual');
  const describe = (d: LintAction) => {
    const account = deployAccounts(ctx.scenario, d).find((acc) => ctx.production.has(acc)) ?? '';
    return `production deploy \`${actionKey(d)}\` (account \`${account}\`, ${ctx.production.get(account)})`;
  };
  const started = (a: LintAction) => eventsOf(ctx.result, 'action.started').find((e) => e.stage === a.stage && e.action === a.declaration.name);
  const out: Draft[] = [];

  if (!approvals.some((ap) => runsBefore(ap, first))) {
    // Proof: the trace shows the deploy starting with no approval given before it.
    const s = started(first);
    const proven = s !== undefined && !eventsOf(ctx.result, 'approval.answered').some((e) => e.result === 'Approved' && e.seq < s.seq);
    out.push({ ruleId: 'PS001', segments: first.path, message: `no manual approval runs before the ${describe(first)}${proven ? ': the run deployed with no approval' : ''}`, ...(proven ? { proven } : {}) });
  }
  for (const ap of approvals.filter((x) => runsBefore(last, x))) {
    // Proof: the trace shows the deploy finishing before the approval was even requested.
    const finished = eventsOf(ctx.result, 'action.finished').find((e) => e.stage === last.stage && e.action === last.declaration.name);
    const requested = eventsOf(ctx.result, 'approval.requested').find((e) => e.stage === ap.stage && e.action === ap.declaration.name);
    const proven = finished !== undefined && (requested === undefined || finished.seq < requested.seq);
    out.push({
      ruleId: 'PS001',
      segments: ap.path,
      message: `approval \`${actionKey(ap)}\` runs after the ${describe(last)}, so it gates nothing that reaches production${proven ? ': the run deployed before the approval was requested' : ''}`,
      ...(proven ? { proven } : {}),
    });
  }
  return out;
};

/** PS002: the pipeline's own account is not production. */
export const pipelineInProduction: Check = (ctx) => {
  const reason = ctx.production.get(ctx.home.account);
  if (!reason) return [];
  return [{ ruleId: 'PS002', segments: ['pipeline', 'metadata', 'pipelineArn'], message: `pipeline \`${ctx.scenario.pipeline.pipeline.name}\` lives in production account \`${ctx.home.account}\` (${reason})` }];
};
