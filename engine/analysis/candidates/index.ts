/** Candidate fixes: the dispatcher, and the shape of a candidate. */
export { approvalCandidates } from './approval.js';
export { candidateFixes } from './candidate-fixes.js';
export { denyCandidates } from './deny.js';
export { aliasCandidates, awsManagedKeyCandidates, keyStateCandidates, unknownRoleCandidates } from './keys.js';
export { denialContext, denialEvent, freeAlias, identityStatements, keyIdFor, principalOf, principalValues, requestCondition, scopedResource, serviceCondition, statementCovers, who } from './kit.js';
export type { CandidateOptions, DenialContext, FixCandidate, FixTarget } from './kit.js';
export { missingAllowCandidates } from './missing-allow.js';
export { crossAccountPassRoleCandidates, isCrossAccountPassRole } from './pass-role.js';
export { structuralCandidates } from './structural.js';
