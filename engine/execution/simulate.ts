/**
 * `simulate(scenario, options) → SimulationResult`: plan, then fold `step` over the stages
 * and runOrder groups. Deterministic: no I/O, no clock, no randomness; ids and time come
 * from the scenario's `run` block or the options.
 */
import type { Scenario } from '../../model/schema.js';
import { buildWorld } from '../../model/world.js';
import { auditRecords } from './audit.js';
import { createMemo, type Memo } from '../policy/authorize.js';
import { planPipeline, type Plan } from './plan.js';
import { createRecorder, type Authorizer, type StepContext } from './recorder.js';
import { recordStageRollback } from './rollback.js';
import { completeWorld } from './service-world.js';
import { roleCaller, sessionNameFor } from './artifacts.js';
import type { ExecutionState } from './state.js';
import { step } from './step.js';
import type { CallEvaluatedEvent, FirstDenial, SimulationResult, Status, TraceEvent } from '../types.js';

/** Options of one simulation. */
export interface SimulateOptions {
  /** A decision memo shared across runs (policy edits never hit stale entries). */
  readonly memo?: Memo;
  /** Overrides `run.executionId`. */
  readonly executionId?: string;
  /** Overrides `run.startTime` (ISO 8601). */
  readonly startTime?: string;
  /** Replaces the policy layer (e.g. a recording wrapper in benchmarks); defaults to `authorize`. */
  readonly authorize?: Authorizer;
}

/** Simulates one execution of the scenario's pipeline. Pure apart from awaiting the policy engine. */
export async function simulate(scenario: Scenario, options: SimulateOptions = {}): Promise<SimulationResult> {
  const world0 = buildWorld(scenario);
  const planned = planPipeline(scenario, world0);
  const id = scenario.id ?? scenario.pipeline.pipeline.name;
  if (!planned.plan) {
    return { formatVersion: 1, scenario: id, status: 'Invalid', firstDenial: null, issues: planned.issues, events: [], cloudTrail: [], eventBridge: [] };
  }
  const plan = planned.plan;
  const world = completeWorld(world0, plan);
  const executionId = options.executionId ?? scenario.run.executionId;
  const startMs = Date.parse(options.startTime ?? scenario.run.startTime);
  // Without a shared memo, one for this run: a request made twice in a run is evaluated once.
  const ctx: StepContext = { world, startMs: Number.isNaN(startMs) ? 0 : startMs, memo: options.memo ?? createMemo(), ...(options.authorize ? { authorize: options.authorize } : {}) };
  const events: TraceEvent[] = [];
  const { state: started, status: startStatus } = await startExecution(ctx, plan, executionId, events);
  let state = started;
  let status: Status = startStatus;

  if (status !== 'Failed') {
    for (const stage of plan.stages) {
      const rec = createRecorder(ctx, state.seq);
      const stageSeq = rec.emit({ type: 'stage.started', parentSeq: 0, stage: stage.name });
      const stageStart = events.length;
      events.push(...rec.events());
      state = { ...state, seq: rec.nextSeq() };
      let stageFailed = false;
      for (const group of stage.groups) {
        // Actions of one runOrder run in parallel; the trace lists them in declaration order.
        for (const action of group.actions) {
          const r = await step(ctx, plan, state, action, stageSeq, executionId);
          events.push(...r.events);
          state = r.state;
          if (r.status === 'Failed') stageFailed = true;
        }
        // A failed action fails its stage once its parallel siblings finish.
        if (stageFailed) break;
      }
      const end = createRecorder(ctx, state.seq);
      if (stageFailed && stage.onFailure === 'ROLLBACK' && plan.pipelineType === 'V2') {
        recordStageRollback(end, { stage, stageSeq, stageEvents: events.slice(stageStart), previousExecutions: scenario.run.previousExecutions, executionId });
      }
      end.emit({ type: 'stage.finished', parentSeq: stageSeq, stage: stage.name, status: stageFailed ? 'Failed' : 'Succeeded' });
      events.push(...end.events());
      state = { ...state, seq: end.nextSeq() };
      if (stageFailed) {
        status = 'Failed';
        break;
      }
    }
  }
  if (status !== 'Failed') status = 'Succeeded';
  const fin = createRecorder(ctx, state.seq);
  fin.emit({ type: 'execution.finished', parentSeq: 0, status });
  events.push(...fin.events());

  const audit = auditRecords(events, world, plan, executionId);
  return {
    formatVersion: 1,
    scenario: id,
    status,
    firstDenial: firstDenialOf(events, state.firstDenialSeq),
    issues: [],
    events,
    cloudTrail: audit.cloudTrail,
    eventBridge: audit.eventBridge,
  };
}

/** CodePipeline assumes the pipeline service role; without it nothing runs. */
async function startExecution(ctx: StepContext, plan: Plan, executionId: string, events: TraceEvent[]): Promise<{ readonly state: ExecutionState; readonly status: Status }> {
  const rec = createRecorder(ctx, 0);
  rec.emit({ type: 'execution.started', parentSeq: null, pipeline: plan.pipelineName, executionId, region: plan.region, account: plan.account });
  const ev = await rec.call(0, {}, { caller: { kind: 'service', service: 'codepipeline.amazonaws.com', sourceArn: plan.pipelineArn, sourceAccount: plan.account }, operation: 'sts:AssumeRole', resource: plan.roleArn, region: plan.region }, 'CodePipeline assumes the pipeline service role');
  events.push(...rec.events());
  const pipelineVars: Record<string, string> = {};
  for (const v of ctx.world.scenario.pipeline.pipeline.variables ?? []) if (v.defaultValue !== undefined) pipelineVars[v.name] = v.defaultValue;
  Object.assign(pipelineVars, ctx.world.scenario.run.variables);
  const state: ExecutionState = {
    seq: rec.nextSeq(),
    artifacts: {},
    variables: { variables: pipelineVars, codepipeline: { PipelineExecutionId: executionId } },
    pipelineCaller: ev.decision === 'Allowed' ? roleCaller(plan.roleArn, sessionNameFor(executionId)) : null,
    firstDenialSeq: ev.decision === 'Allowed' ? null : ev.seq,
  };
  return { state, status: ev.decision === 'Allowed' ? 'Succeeded' : 'Failed' };
}

/** The first denial of a trace, as the JSON contract names it. Pure. */
export function firstDenialOf(events: readonly TraceEvent[], seq: number | null): FirstDenial | null {
  if (seq === null) return null;
  const ev = events.find((e): e is CallEvaluatedEvent => e.type === 'call.evaluated' && e.seq === seq);
  return ev ? denialOf(ev) : null;
}

/** A denied call, as the JSON contract names a denial. Pure. */
export function denialOf(ev: CallEvaluatedEvent): FirstDenial {
  return {
    seq: ev.seq,
    stage: ev.stage ?? null,
    action: ev.action ?? null,
    operation: ev.operation,
    principal: ev.principal,
    sessionArn: ev.sessionArn ?? null,
    resource: ev.resource,
    decision: ev.decision,
    category: ev.category ?? 'STRUCTURE',
    message: ev.message ?? ev.explanation,
  };
}
