/**
 * pipesim as a library: load a scenario, simulate an execution, diagnose its first denial, apply
 * what-if patches, print or filter the trace — and fast-check arbitraries of policy mutations,
 * green-by-construction topologies and single faults for property tests of policy changes.
 * Every export is named here (STYLE §23–24); see README.md, "Library".
 */

// Loading and validation.
export { loadScenario } from './model/load.js';
export type { LoadOptions, LoadResult } from './model/load.js';
export { listBundledScenarios, loadScenarioFile } from './model/source.js';
export type { BundledScenario, SourcedLoadResult, SourceOptions } from './model/source.js';
export type { LocatedIssue, Position } from './model/issues.js';
export type { PolicyDocument, PolicyStatement, Scenario, ScenarioInput } from './model/schema.js';

// Simulation, the trace and its views.
export { simulate } from './engine/execution/simulate.js';
export type { SimulateOptions } from './engine/execution/simulate.js';
export { createMemo } from './engine/policy/authorize.js';
export type { Memo } from './engine/policy/authorize.js';
export { filterTrace, firstDenial, formatTrace } from './engine/trace.js';
export type { TraceFilter } from './engine/trace.js';
export { CATEGORIES } from './engine/types.js';
export type {
  CallEvaluatedEvent,
  Category,
  CloudTrailRecord,
  DecidingStatement,
  Decision,
  EventBridgeEvent,
  FirstDenial,
  Issue,
  PolicyKind,
  SimulationResult,
  Status,
  TraceEvent,
} from './engine/types.js';

// Diagnosis and what-if patches.
export { diagnose } from './engine/analysis/diagnose.js';
export type { DenialDetail, DiagnoseOptions, Diagnosis, RunOutcome, VerifiedFix } from './engine/analysis/diagnose.js';
export { applyPatch } from './engine/analysis/patch.js';
export type { JsonPatch, PatchIssue, PatchOperation, PatchResult } from './engine/analysis/patch.js';

// Property testing: arbitraries, topologies, faults, and the mutated-run workload.
export { MUTATION_KINDS, policyMutation, policyMutations } from './engine/generate/arbitraries/mutations.js';
export type { MutationEffect, MutationKind, MutationOptions, PolicyMutation } from './engine/generate/arbitraries/mutations.js';
export type { PolicySite, SiteKind } from './engine/generate/arbitraries/policy-sites.js';
export { buildTopology, greenTopology, topologyParams } from './engine/generate/topology.js';
export type { ExpectedCall, TargetPlan, Topology, TopologyAction, TopologyNames, TopologyOptions, TopologyParams } from './engine/generate/topology.js';
export { FAULT_CATALOGUE, faultSites, singleFault } from './engine/generate/arbitraries/faults.js';
export type { FaultKind, FaultOptions, FaultStep, SingleFault } from './engine/generate/arbitraries/faults.js';
export { applyMutation, mutatedRun } from './engine/generate/arbitraries/run.js';
export type { Patched } from './engine/generate/arbitraries/run.js';
