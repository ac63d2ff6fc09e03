/**
 * What lint needs to know about a scenario's topology, without planning it (lint also runs on
 * declarations CodePipeline would reject): which accounts are production, where each action
 * runs and as whom, which accounts a StackSet targets. Pure.
 */
import { parseArn } from '../../model/arn.js';
import type { Account, Scenario } from '../../model/schema.js';
import { accountsInOu } from '../../model/world.js';
import type { PlannedAction } from '../execution/plan.js';

/** One action of the declaration with where it runs (as execution plans it), and its path in the document. */
export interface LintAction extends PlannedAction {
  /** Path segments of the action in the document. */
  readonly path: readonly (string | number)[];
}

/** The pipeline's account and home region, from its ARN. Pure. */
export function pipelineHome(scenario: Scenario): { readonly account: string; readonly region: string } {
  const arn = parseArn(scenario.pipeline.metadata.pipelineArn);
  return { account: arn?.account ?? '', region: arn?.region ?? '' };
}

/** Every action of the declaration, in declaration order. Pure. */
export function actionsOf(scenario: Scenario): LintAction[] {
  const home = pipelineHome(scenario);
  const decl = scenario.pipeline.pipeline;
  return decl.stages.flatMap((stage, si) =>
    stage.actions.map((a, ai) => {
      const roleArn = a.roleArn ?? decl.roleArn;
      return {
        stageIndex: si,
        actionIndex: ai,
        stage: stage.name,
        declaration: a,
        provider: a.actionTypeId.provider,
        category: a.actionTypeId.category,
        account: parseArn(roleArn)?.account || home.account,
        region: a.region ?? home.region,
        roleArn,
        runOrder: a.runOrder,
        path: ['pipeline', 'pipeline', 'stages', si, 'actions', ai],
      };
    }),
  );
}

/** Whether action `a` runs before action `b` (an earlier stage, or a lower runOrder in the same stage). Pure. */
export function runsBefore(a: LintAction, b: LintAction): boolean {
  return a.stageIndex < b.stageIndex || (a.stageIndex === b.stageIndex && a.runOrder < b.runOrder);
}

/** `Stage/Action` of an action. Pure. */
export function actionKey(a: LintAction): string {
  return `${a.stage}/${a.declaration.name}`;
}

const PROD_WORDS = new Set(['prod', 'production', 'prd']);
const NOT_PROD_PREFIXES = new Set(['non', 'pre', 'not']);
const ENV_TAG_KEYS = new Set(['environment', 'env', 'stage']);

/**
 * Whether a name says production: a word `prod`, `production` or `prd` (words split on
 * non-letters and camelCase) not preceded by `non`/`pre`; `preprod` and `nonprod` are not. Pure.
 */
export function nameSaysProduction(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.some((w, i) => PROD_WORDS.has(w) && !NOT_PROD_PREFIXES.has(words[i - 1] ?? ''));
}

/**
 * Why an account is production, or undefined: an `Environment` (or `Env`, `Stage`) tag whose
 * value is prod/production decides first (any other value says it is not); then the account
 * name; then the name of its OU or of any OU above it. Pure.
 */
export function productionReason(scenario: Scenario, account: Account): string | undefined {
  for (const [key, value] of Object.entries(account.tags ?? {})) {
    if (ENV_TAG_KEYS.has(key.toLowerCase())) return nameSaysProduction(value) ? `tagged \`${key}: ${value}\`` : undefined;
  }
  if (nameSaysProduction(account.name)) return `named \`${account.name}\``;
  const ous = scenario.organization?.ous ?? [];
  const seen = new Set<string>();
  let ouId = account.ou;
  while (ouId && !seen.has(ouId)) {
    seen.add(ouId);
    const ou = ous.find((o) => o.id === ouId);
    if (!ou) break;
    if (nameSaysProduction(ou.name)) return `in OU \`${ou.name}\``;
    ouId = ou.parent;
  }
  return undefined;
}

/** Production accounts of the scenario: account id → why. Pure. */
export function productionAccounts(scenario: Scenario): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const account of scenario.accounts) {
    const reason = productionReason(scenario, account);
    if (reason) out.set(account.id, reason);
  }
  return out;
}

/** Whether the action is a StackSet action. Pure. */
export function isStackSetAction(a: LintAction): boolean {
  return a.provider === 'CloudFormationStackSet' || a.provider === 'CloudFormationStackInstances';
}

/** The accounts and regions a StackSet action deploys to. Pure. */
export function stackSetTargets(scenario: Scenario, a: LintAction): { readonly accounts: readonly string[]; readonly regions: readonly string[] } {
  const cfg = a.declaration.configuration;
  const ids = (cfg['DeploymentTargets'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const accounts = [...new Set(ids.flatMap((id) => (/^\d{12}$/.test(id) ? [id] : accountsInOu(scenario, id))))];
  const regions = [...new Set((cfg['Regions'] ?? a.region).split(',').map((s) => s.trim()).filter(Boolean))];
  return { accounts, regions };
}

/** The accounts an action deploys into or works in (a StackSet's targets, else its own account). Pure. */
export function deployAccounts(scenario: Scenario, a: LintAction): readonly string[] {
  return isStackSetAction(a) ? stackSetTargets(scenario, a).accounts : [a.account];
}

/** Whether the pipeline crosses accounts: an action, a StackSet target or a CloudFormation execution role elsewhere. Pure. */
export function isCrossAccount(scenario: Scenario, actions: readonly LintAction[]): boolean {
  const home = pipelineHome(scenario).account;
  return actions.some((a) => deployAccounts(scenario, a).some((acc) => acc !== home) || (parseArn(a.declaration.configuration['RoleArn'] ?? '')?.account ?? home) !== home);
}
