/** Candidate fixes: the dispatcher, and the shape of a candidate. */
export { candidateFixes } from './candidate-fixes.js';
export { denialEvent, keyIdFor, scopedResource } from './kit.js';
export type { CandidateOptions, FixCandidate, FixTarget } from './kit.js';
