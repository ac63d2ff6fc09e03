/** Execution: plan the declaration, complete the world, fold step over the actions, record calls, audit. Pure apart from awaiting the policy engine. */
export { artifactKey, denialMessage, readArtifact, replicate, roleCaller, sessionNameFor, storeKeyRef, writeArtifact } from './artifacts.js';
export { auditRecords, awsUniqueId, stableId } from './audit.js';
export { planPipeline } from './plan.js';
export type { Plan, PlannedAction, PlannedGroup, PlannedStage } from './plan.js';
export { createRecorder } from './recorder.js';
export type { Authorizer, EventDraft, Recorder, StepContext } from './recorder.js';
export { actionRollback, lastSuccessfulExecution, recordStageRollback } from './rollback.js';
export type { ActionRollback, PreviousExecution, StageRollbackInput } from './rollback.js';
export { completeWorld, isStackSetProvider, STACKSETS_SERVICE, STACKSETS_TRUSTED_ACCESS, stackSetsExecRoleName, stackSetsOrgAdminRoleArn } from './service-world.js';
export { denialOf, firstDenialOf, simulate } from './simulate.js';
export type { SimulateOptions } from './simulate.js';
export type { ActionOutcome, ActionRun, ArtifactCopy, ExecutionState, StepResult } from './state.js';
export { step } from './step.js';
export { resolveVariables } from './variables.js';
export type { Resolution, VariableScope } from './variables.js';
