/** PS012, PS016, PS017: the pipeline's shape (V2 features in a V1 pipeline; StackSets versus per-region actions). Pure. */
import { actionKey, isStackSetAction, stackSetTargets, type LintAction } from '../topology.js';
import { PIPELINE, plural, type Check, type Draft } from './kit.js';

/** PS012: a V1 pipeline uses, or would gain from, V2 features. */
export const v1WithV2Features: Check = (ctx) => {
  const decl = ctx.scenario.pipeline.pipeline;
  if (decl.pipelineType !== 'V1') return [];
  const reasons: string[] = [];
  if (decl.variables?.length) reasons.push('declares pipeline-level variables');
  if (ctx.actions.some((a) => Object.values(a.declaration.configuration).some((v) => /#\{variables\./.test(v)))) reasons.push('references `#{variables.…}`');
  if (decl.triggers?.length) reasons.push('declares triggers');
  if (decl.stages.some((s) => s.onFailure?.result === 'ROLLBACK')) reasons.push('rolls stages back on failure');
  if (decl.executionMode && decl.executionMode !== 'SUPERSEDED') reasons.push(`runs in \`${decl.executionMode}\` mode`);
  const regions = new Set([ctx.home.region, ...ctx.actions.map((a) => a.region), ...Object.keys(decl.artifactStores ?? {})]);
  if (regions.size > 1) reasons.push(`deploys to ${plural(regions.size, 'region')}`);
  if (ctx.actions.some((a) => Object.values(a.declaration.configuration).some((v) => /#\{[A-Za-z0-9@\-_]+\.[A-Za-z0-9@\-_]+\}/.test(v)))) reasons.push('passes variables between actions');
  if (reasons.length === 0) return [];
  return [{ ruleId: 'PS012', segments: [...PIPELINE, 'pipelineType'], message: `pipeline \`${decl.name}\` is V1 but ${reasons.join(', ')}` }];
};

/** PS016: a StackSet for four or fewer regions of one account. */
export const stackSetForFewRegions: Check = (ctx) =>
  ctx.actions.flatMap((a): Draft[] => {
    if (a.provider !== 'CloudFormationStackSet' || !isStackSetAction(a)) return [];
    const { accounts, regions } = stackSetTargets(ctx.scenario, a);
    if (accounts.length !== 1 || regions.length === 0 || regions.length > 4) return [];
    const name = a.declaration.configuration['StackSetName'] ?? a.declaration.name;
    return [{ ruleId: 'PS016', segments: [...a.path, 'configuration', 'DeploymentTargets'], message: `stack set \`${name}\` (\`${actionKey(a)}\`) deploys to ${plural(regions.length, 'region')} of one account (\`${accounts[0]}\`)` }];
  });

const CFN_DEPLOY_MODES = new Set(['CREATE_UPDATE', 'REPLACE_ON_FAILURE', 'CHANGE_SET_REPLACE', 'CHANGE_SET_EXECUTE']);
/** Configuration keys whose values may differ by target without making the deployment non-uniform. */
const PER_TARGET_KEYS = new Set(['RoleArn', 'OutputFileName']);

/** PS017: more than five identical per-region CloudFormation actions. */
export const perRegionActionsForFleet: Check = (ctx) => {
  const groups = new Map<string, LintAction[]>();
  for (const a of ctx.actions) {
    const cfg = a.declaration.configuration;
    if (a.provider !== 'CloudFormation' || !CFN_DEPLOY_MODES.has(cfg['ActionMode'] ?? '')) continue;
    const same = Object.entries(cfg)
      .filter(([k]) => !PER_TARGET_KEYS.has(k))
      .sort(([x], [y]) => (x < y ? -1 : 1));
    const signature = JSON.stringify([same, a.declaration.inputArtifacts.map((i) => i.name), (cfg['RoleArn'] ?? '').split('/').pop()]);
    groups.set(signature, [...(groups.get(signature) ?? []), a]);
  }
  const out: Draft[] = [];
  for (const group of groups.values()) {
    const pairs = new Set(group.map((a) => `${a.account}/${a.region}`));
    if (pairs.size <= 5) continue;
    const first = group[0]!;
    out.push({
      ruleId: 'PS017',
      segments: first.path,
      message: `${plural(group.length, 'CloudFormation action')} deploy stack \`${first.declaration.configuration['StackName'] ?? ''}\` with identical configuration to ${plural(pairs.size, 'account/region pair')}`,
    });
  }
  return out;
};
