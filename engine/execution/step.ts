/**
 * One step of an execution: `step(state, plannedAction) → { state, events }`. An action
 * assumes its role, has its inputs copied to its region, then makes its provider's calls
 * (engine/execution/providers/). Pure apart from awaiting the policy engine.
 */
import { denialMessage, replicate, roleCaller, sessionNameFor } from './artifacts.js';
import type { Plan, PlannedAction } from './plan.js';
import { runProvider } from './providers/index.js';
import { createRecorder, type StepContext } from './recorder.js';
import type { ExecutionState, StepResult } from './state.js';
import type { Caller } from '../types.js';
import { resolveVariables } from './variables.js';

/** Runs one planned action. Pure apart from awaiting the policy engine. */
export async function step(ctx: StepContext, plan: Plan, state: ExecutionState, action: PlannedAction, parentSeq: number, executionId: string): Promise<StepResult> {
  const rec = createRecorder(ctx, state.seq);
  const where = { stage: action.stage, action: action.declaration.name };
  const parent = rec.emit({ type: 'action.started', parentSeq, ...where, provider: action.provider, account: action.account, region: action.region, roleArn: action.roleArn, runOrder: action.runOrder });
  const finish = (status: 'Succeeded' | 'Failed', message: string | undefined, next: ExecutionState): StepResult => {
    rec.emit({ type: 'action.finished', parentSeq: parent, ...where, status, ...(message ? { message } : {}) });
    const events = rec.events();
    const firstDenied = events.find((e) => e.type === 'call.evaluated' && e.decision !== 'Allowed');
    return {
      state: { ...next, seq: rec.nextSeq(), firstDenialSeq: next.firstDenialSeq ?? firstDenied?.seq ?? null },
      events,
      status,
    };
  };
  const pipelineCaller = state.pipelineCaller;
  if (!pipelineCaller || pipelineCaller.kind !== 'role') return finish('Failed', 'the pipeline service role session is not available', state);

  // An action with its own roleArn: the pipeline service role assumes it first.
  let caller: Caller & { kind: 'role' } = pipelineCaller;
  if (action.declaration.roleArn) {
    const ev = await rec.call(parent, where, { caller: pipelineCaller, operation: 'sts:AssumeRole', resource: action.roleArn, region: plan.region, facts: { roleSessionName: sessionNameFor(executionId) } }, `assume the action role of ${action.declaration.name}`);
    if (ev.decision !== 'Allowed') return finish('Failed', denialMessage(ev), state);
    caller = roleCaller(action.roleArn, sessionNameFor(executionId));
  }

  // Variables are resolved when the action runs.
  const resolution = resolveVariables(action.declaration.configuration, state.variables);
  if (Object.keys(resolution.resolved).length) rec.emit({ type: 'variables.resolved', parentSeq: parent, ...where, variables: resolution.resolved });
  if (resolution.unresolved.length) {
    return finish('Failed', `unable to resolve variable ${resolution.unresolved.map((r) => `\`${r}\``).join(', ')}: no earlier action publishes it`, state);
  }

  // Inputs produced in another region are copied to this action's region first.
  let artifacts = state.artifacts;
  for (const input of action.declaration.inputArtifacts) {
    const copies = artifacts[input.name];
    if (!copies || copies[action.region]) continue;
    const replicated = await replicate(ctx, plan, rec, parent, action, input.name, copies, pipelineCaller, executionId);
    if (replicated.status === 'Failed') return finish('Failed', replicated.message, { ...state, artifacts });
    artifacts = { ...artifacts, [input.name]: { ...copies, [action.region]: replicated.copy } };
  }

  const stateWithCopies: ExecutionState = { ...state, artifacts };
  const outcome = await runProvider({ ctx, plan, rec, action, parent, config: resolution.configuration, caller, pipelineCaller, state: stateWithCopies, executionId });
  let next = stateWithCopies;
  if (outcome.artifacts) next = { ...next, artifacts: { ...next.artifacts, ...outcome.artifacts } };
  if (outcome.variables && action.declaration.namespace) {
    next = { ...next, variables: { ...next.variables, [action.declaration.namespace]: outcome.variables } };
  }
  return finish(outcome.status, outcome.message, next);
}
