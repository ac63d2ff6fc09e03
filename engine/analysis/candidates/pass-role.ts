/**
 * A role passed across accounts: IAM refuses it whatever the policies say ("Cross-account pass
 * role is not allowed."), so the fix is structural — the role the action passes must live in the
 * account the action role deploys in (CodePipeline User Guide, pipelines-create-cross-account.html,
 * creates the CloudFormation execution role in the target account). Pure.
 */
import { parseArn, roleName } from '../../../model/arn.js';
import { findRole } from '../../../model/world.js';
import { CROSS_ACCOUNT_PASS_ROLE_MESSAGE } from '../../policy/request-plan.js';
import { pushOps, startDraft } from '../fix-statements.js';
import { pointer } from '../patch.js';
import type { DenialContext, FixCandidate } from './kit.js';

/** Whether a denial is IAM's cross-account PassRole refusal. */
export function isCrossAccountPassRole(dc: DenialContext): boolean {
  return dc.ev.operation.toLowerCase() === 'iam:passrole' && dc.ev.message === CROSS_ACCOUNT_PASS_ROLE_MESSAGE;
}

/** Create the passed role in the caller's account (same name, trust and inline policies) and point the action's configuration at it. */
export function crossAccountPassRoleCandidates(dc: DenialContext): FixCandidate[] {
  const caller = dc.callerRole;
  const passed = findRole(dc.world, dc.ev.resource);
  const target = parseArn(caller?.arn ?? '');
  const from = parseArn(passed?.arn ?? dc.ev.resource);
  if (!caller || !target || !from || target.account === from.account) return [];
  const newArn = `arn:${from.partition}:iam::${target.account}:${from.resource}`;
  const draft = startDraft(dc.scenario);
  if (!findRole(dc.world, newArn)) {
    // AWS managed policies exist in every account; customer managed policies of the old account do not.
    const managed = (passed?.managedPolicies ?? []).filter((arn) => parseArn(arn)?.account === 'aws');
    const role = { arn: newArn, trustPolicy: passed?.trustPolicy ?? { Version: '2012-10-17', Statement: [] }, inlinePolicies: passed?.inlinePolicies ?? {}, managedPolicies: managed, tags: passed?.tags ?? {} };
    if (!pushOps(draft, { op: 'add', path: pointer('roles', '-'), value: role })) return [];
  }
  const stages = dc.scenario.pipeline.pipeline.stages;
  const si = stages.findIndex((s) => s.name === dc.ev.stage);
  const ai = stages[si]?.actions.findIndex((a) => a.name === dc.ev.action) ?? -1;
  const config = stages[si]?.actions[ai]?.configuration ?? {};
  const keys = Object.keys(config).filter((k) => config[k]?.toLowerCase() === dc.ev.resource.toLowerCase());
  if (keys.length === 0) return [];
  for (const k of keys) if (!pushOps(draft, { op: 'replace', path: pointer('pipeline', 'pipeline', 'stages', si, 'actions', ai, 'configuration', k), value: newArn })) return [];
  return [
    {
      id: 'passed-role-in-target-account',
      group: 'passed-role-in-target-account',
      target: 'pipeline',
      description: `create role \`${roleName(newArn)}\` in account \`${target.account}\` (the account \`${caller.arn}\` deploys in) with the trust and inline policies of \`${dc.ev.resource}\`, and pass it instead (\`${keys.join('`, `')}\` of \`${dc.ev.stage}/${dc.ev.action}\`): IAM never passes a role of another account`,
      patch: draft.ops,
      warning: `the policies of \`${dc.ev.resource}\` are copied as they are; delete the old role once nothing uses it`,
      creates: [newArn],
    },
  ];
}
