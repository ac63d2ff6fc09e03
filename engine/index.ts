/** The engine's shared vocabulary: the trace and result types, and the views of a trace. Each concern is a folder with its own index. */
export { depths, describeEvent, filterTrace, firstDenial, formatTrace } from './trace.js';
export type { TraceFilter } from './trace.js';
export { CATEGORIES } from './types.js';
export type { Call, Caller, CallEvaluatedEvent, Category, CloudTrailRecord, DecidingStatement, Decision, Evaluation, EventBridgeEvent, FirstDenial, Issue, PolicyKind, RequestFacts, SimulationResult, Status, TraceEvent } from './types.js';
