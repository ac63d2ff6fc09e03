/**
 * Rollbacks, and what they roll back. Pure (events only; no call is evaluated here).
 *
 * - Action level: CloudFormation rolls a failed stack back to its previous state; CodeDeploy, when
 *   the deployment group enables automatic rollback, redeploys the last known good revision as a
 *   new deployment ("Redeploy and roll back a deployment with CodeDeploy",
 *   https://docs.aws.amazon.com/codedeploy/latest/userguide/deployments-rollback-and-redeploy.html).
 *   The action still fails.
 * - Stage level (V2 `onFailure: { result: ROLLBACK }`): "Configuring stage rollback"
 *   (https://docs.aws.amazon.com/codepipeline/latest/userguide/stage-rollback.html) and
 *   "Configure a stage for automatic rollback" (stage-rollback-auto.html): the failed stage is
 *   rolled back to the most recent execution that succeeded; the rollback is a new execution of
 *   type Rollback that uses the source revisions, artifacts and variables of that execution; a
 *   source stage cannot be rolled back; without an earlier successful execution there is nothing
 *   to roll back to. pipesim records the rollback and which actions it redeploys; the rollback
 *   execution's own calls are not evaluated.
 * - FAQ Q8 of the domain guide (one Region deploys, another fails): the failed Region's stack rolls
 *   back by itself (action level); the Region that succeeded keeps the new version unless the
 *   stage rolls back as a whole.
 */
import type { Scenario } from '../../model/schema.js';
import { stableId } from './audit.js';
import type { PlannedStage } from './plan.js';
import type { Recorder } from './recorder.js';
import type { TraceEvent } from '../types.js';

/** An earlier execution of the pipeline, as the scenario's `run.previousExecutions` lists it. */
export type PreviousExecution = Scenario['run']['previousExecutions'][number];

/** What an action-level rollback restores. */
export interface ActionRollback {
  /** Why the rollback started. */
  readonly reason: string;
  /** What it returns to. */
  readonly target: string;
}

/** Records an action-level rollback under `parent`; returns its seq. */
export function actionRollback(run: { readonly rec: Recorder; readonly action: { readonly stage: string; readonly declaration: { readonly name: string } } }, parent: number, rollback: ActionRollback): number {
  return run.rec.emit({ type: 'rollback.started', parentSeq: parent, stage: run.action.stage, action: run.action.declaration.name, scope: 'action', reason: rollback.reason, target: rollback.target });
}

/** The most recent successful earlier execution (the list is in the order the executions ran). */
export function lastSuccessfulExecution(previous: readonly PreviousExecution[]): PreviousExecution | undefined {
  return [...previous].reverse().find((e) => e.status === 'Succeeded');
}

/** What the stage rollback needs to know. */
export interface StageRollbackInput {
  readonly stage: PlannedStage;
  readonly stageSeq: number;
  /** The events of this stage so far (its actions' outcomes are read from them). */
  readonly stageEvents: readonly TraceEvent[];
  readonly previousExecutions: readonly PreviousExecution[];
  readonly executionId: string;
}

/**
 * Records the rollback of a failed V2 stage with `onFailure: ROLLBACK`: the target execution, the
 * rollback execution, and per action what it had done in this execution and what it is returned to.
 */
export function recordStageRollback(rec: Recorder, input: StageRollbackInput): void {
  const { stage, stageSeq } = input;
  const where = { stage: stage.name };
  const actions = stage.groups.flatMap((g) => g.actions);
  if (actions.length > 0 && actions.every((a) => a.category === 'Source')) {
    rec.emit({ type: 'note.added', parentSeq: stageSeq, ...where, text: 'a source stage cannot be rolled back' });
    return;
  }
  const previous = lastSuccessfulExecution(input.previousExecutions);
  if (!previous) {
    rec.emit({ type: 'rollback.started', parentSeq: stageSeq, ...where, scope: 'stage', reason: 'stage failed with onFailure ROLLBACK' });
    rec.emit({ type: 'note.added', parentSeq: stageSeq, ...where, text: 'no earlier successful execution: nothing to roll back to (automatic rollback needs a successful execution of this stage)' });
    return;
  }
  const rollbackId = stableId('rollback', input.executionId, stage.name);
  const commit = previous.commitId ? ` (commit ${previous.commitId.slice(0, 7)})` : '';
  const started = rec.emit({ type: 'rollback.started', parentSeq: stageSeq, ...where, scope: 'stage', reason: 'stage failed with onFailure ROLLBACK', target: `execution ${previous.id}${commit}` });
  rec.emit({
    type: 'note.added',
    parentSeq: started,
    ...where,
    text: `rollback execution ${rollbackId} (type Rollback) re-runs stage ${stage.name} with the source revisions, artifacts and variables of execution ${previous.id}; its calls are not evaluated here`,
  });
  const finished = new Map<string, 'Succeeded' | 'Failed'>();
  for (const e of input.stageEvents) if (e.type === 'action.finished' && e.action) finished.set(e.action, e.status);
  for (const a of actions) {
    const outcome = finished.get(a.declaration.name);
    const what = outcome === 'Succeeded' ? 'succeeded in this execution: its change is rolled back' : outcome === 'Failed' ? 'failed in this execution: redeployed' : 'did not run in this execution: redeployed';
    rec.emit({ type: 'note.added', parentSeq: started, ...where, action: a.declaration.name, text: `${a.declaration.name} (${a.account}, ${a.region}) ${what} to the version of execution ${previous.id}` });
  }
}
