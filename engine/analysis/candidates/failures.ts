/**
 * Structural fixes for an action that failed without a denied call (no policy statement can fix
 * it): enable the trusted access a service-managed StackSet needs, declare the variable namespace
 * an expression reads. Pure.
 */
import type { Scenario } from '../../../model/schema.js';
import { buildWorld } from '../../../model/world.js';
import { codeBuildProjectArn, planPipeline } from '../../execution/plan.js';
import { STACKSETS_TRUSTED_ACCESS } from '../../execution/service-world.js';
import type { SimulationResult } from '../../types.js';
import { pointer } from '../patch.js';
import type { FixCandidate } from './kit.js';

/** The message of the first action that failed, with where it is. */
function failedAction(result: SimulationResult): { readonly stage: string; readonly action: string; readonly message: string } | undefined {
  const e = result.events.find((x) => x.type === 'action.finished' && x.status === 'Failed');
  return e && e.type === 'action.finished' ? { stage: e.stage ?? '', action: e.action ?? '', message: e.message ?? '' } : undefined;
}

/** Candidate fixes for the first failed action of a run that no call denied. */
export function failureCandidates(scenario: Scenario, result: SimulationResult): FixCandidate[] {
  const failed = failedAction(result);
  if (!failed) return [];
  // CloudFormation: "You must enable organizations access to operate a service managed stack set"
  // (StackSets User Guide, "Activate trusted access with AWS Organizations").
  if (failed.message.includes('enable organizations access') && scenario.organization && !scenario.organization.trustedAccess.includes(STACKSETS_TRUSTED_ACCESS)) {
    return [
      {
        id: 'stacksets-trusted-access',
        group: 'stacksets-trusted-access',
        target: 'pipeline',
        description: `enable trusted access for CloudFormation StackSets in organization \`${scenario.organization.id}\` (\`${STACKSETS_TRUSTED_ACCESS}\`), which a service-managed stack set needs`,
        patch: [{ op: 'add', path: pointer('organization', 'trustedAccess', '-'), value: STACKSETS_TRUSTED_ACCESS }],
      },
    ];
  }
  // "unable to resolve variable `#{Namespace.Name}`": an earlier action that publishes Name has no namespace.
  const variable = /unable to resolve variable `#\{([\w-]+)\.([\w-]+)\}`/.exec(failed.message);
  if (variable) return namespaceCandidates(scenario, failed.stage, variable[1]!, variable[2]!);
  return [];
}

/** Declare `namespace` on the earlier CodeBuild action whose project exports the variable (Variables reference: a namespace makes an action's variables available). */
function namespaceCandidates(scenario: Scenario, stage: string, namespace: string, name: string): FixCandidate[] {
  const plan = planPipeline(scenario, buildWorld(scenario)).plan;
  if (!plan) return [];
  const upTo = plan.stages.findIndex((s) => s.name === stage);
  for (const planned of plan.stages.slice(0, upTo < 0 ? plan.stages.length : upTo)) {
    for (const a of planned.groups.flatMap((g) => g.actions)) {
      if (a.declaration.namespace || a.provider !== 'CodeBuild') continue;
      const project = scenario.codeBuildProjects.find((p) => p.arn === codeBuildProjectArn(a));
      if (!project || !(name in project.exportedVariables)) continue;
      return [
        {
          id: 'declare-namespace',
          group: 'declare-namespace',
          target: 'pipeline',
          description: `declare namespace \`${namespace}\` on \`${a.stage}/${a.declaration.name}\`, whose project exports \`${name}\`, so \`#{${namespace}.${name}}\` resolves`,
          patch: [{ op: 'add', path: pointer('pipeline', 'pipeline', 'stages', a.stageIndex, 'actions', a.actionIndex, 'namespace'), value: namespace }],
        },
      ];
    }
  }
  return [];
}
