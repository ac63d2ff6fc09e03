/**
 * The pipeline map: every stage and action of the declaration with its account, region and
 * status as of the selected event (a replay shows the past, not the end). Reads the scenario
 * and the trace only. Pure.
 */
import type { TraceEvent } from '../../engine/types.js';
import { parseArn } from '../../model/arn.js';
import type { Scenario } from '../../model/schema.js';

/** Status of an action or stage as of the selected event. */
export type MapStatus = 'succeeded' | 'failed' | 'running' | 'not-run';

/** One action on the map. */
export interface MapAction {
  readonly name: string;
  readonly provider: string;
  readonly accountId: string;
  readonly accountName: string;
  readonly region: string;
  readonly status: MapStatus;
  readonly rolledBack: boolean;
  /** The action holds the run's first denial. */
  readonly firstDenial: boolean;
  /** The selected event belongs to this action. */
  readonly current: boolean;
}

/** One stage on the map. */
export interface MapStage {
  readonly name: string;
  readonly status: MapStatus;
  readonly rolledBack: boolean;
  readonly firstDenial: boolean;
  readonly current: boolean;
  readonly actions: readonly MapAction[];
}

/** What the map is drawn from. */
export interface MapInput {
  readonly scenario: Scenario;
  readonly events: readonly TraceEvent[];
  /** Events after this seq have not happened yet; null shows the end of the run. */
  readonly uptoSeq: number | null;
  readonly firstDenialSeq: number | null;
  readonly selected: TraceEvent | undefined;
}

/** The stages and actions with their status as of `uptoSeq`. Pure. */
export function pipelineMap(input: MapInput): readonly MapStage[] {
  const { scenario, events, uptoSeq, firstDenialSeq, selected } = input;
  const decl = scenario.pipeline.pipeline;
  const home = parseArn(scenario.pipeline.metadata.pipelineArn);
  const accountName = (id: string) => scenario.accounts.find((a) => a.id === id)?.name ?? id;
  const past = uptoSeq === null ? events : events.filter((e) => e.seq <= uptoSeq);
  const firstDenial = firstDenialSeq === null ? undefined : events.find((e) => e.seq === firstDenialSeq);

  return decl.stages.map((stage): MapStage => {
    const inStage = past.filter((e) => e.stage === stage.name);
    const actions = stage.actions.map((a): MapAction => {
      const mine = inStage.filter((e) => e.action === a.name);
      const started = mine.find((e) => e.type === 'action.started');
      const finished = mine.find((e) => e.type === 'action.finished');
      const denied = mine.some((e) => e.type === 'call.evaluated' && e.decision !== 'Allowed');
      // The account and region the run reports, else the declaration's: the role's account, else the pipeline's.
      const accountId = started?.type === 'action.started' ? started.account : (a.roleArn ? parseArn(a.roleArn)?.account : undefined) ?? home?.account ?? '';
      const region = started?.type === 'action.started' ? started.region : a.region ?? home?.region ?? '';
      const status: MapStatus = finished?.type === 'action.finished' ? (finished.status === 'Succeeded' ? 'succeeded' : 'failed') : denied ? 'failed' : started ? 'running' : 'not-run';
      return {
        name: a.name,
        provider: a.actionTypeId.provider,
        accountId,
        accountName: accountName(accountId),
        region,
        status,
        rolledBack: mine.some((e) => e.type === 'rollback.started'),
        firstDenial: firstDenial?.stage === stage.name && firstDenial.action === a.name,
        current: selected?.stage === stage.name && selected.action === a.name,
      };
    });
    const finished = inStage.find((e) => e.type === 'stage.finished');
    const status: MapStatus =
      finished?.type === 'stage.finished'
        ? finished.status === 'Succeeded'
          ? 'succeeded'
          : 'failed'
        : actions.some((a) => a.status === 'failed')
          ? 'failed'
          : inStage.length
            ? 'running'
            : 'not-run';
    return {
      name: stage.name,
      status,
      rolledBack: inStage.some((e) => e.type === 'rollback.started' && e.scope === 'stage'),
      firstDenial: firstDenial?.stage === stage.name,
      current: selected?.stage === stage.name,
      actions,
    };
  });
}
