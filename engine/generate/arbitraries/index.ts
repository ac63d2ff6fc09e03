/** fast-check arbitraries and helpers for property tests of policy changes (every export named). */
export { applicableFaultKinds, FAULT_CATALOGUE, faultSites, singleFault } from './faults.js';
export type { FaultKind, FaultOptions, FaultStep, SingleFault } from './faults.js';
export { createInternTable, deepFreeze, internPolicies } from './intern.js';
export type { InternTable } from './intern.js';
export { MUTATION_KINDS, policyMutation, policyMutations } from './mutations.js';
export type { MutationEffect, MutationKind, MutationOptions, PolicyMutation } from './mutations.js';
export { applyPatchShared, escapePointerToken, parsePointer, pointer } from './patch-shared.js';
export type { PatchIssue, PatchOutcome } from './patch-shared.js';
export { policySites, RESOURCE_SITE_KINDS, statementIndex, statementName, statementPointer } from './policy-sites.js';
export type { PolicySite, SiteKind } from './policy-sites.js';
export { AWS_REGIONS, renameDeep, renameScenario, renaming, renamingFor, scenarioNames, verdicts } from './rename.js';
export type { Renaming } from './rename.js';
export { applyMutation, mutatedRun } from './run.js';
export type { Patched } from './run.js';
export { ghostAccount, unrelatedStatement } from './unrelated.js';
export type { UnrelatedStatement } from './unrelated.js';
