/** Analysis of a run: diagnose its first denial, propose and verify fixes, what-if patches (candidate generation lives in ./candidates/). */
export { callKey, CATEGORY_GUIDE, describeFailure, diagnose, explainFailure, firstVerifiedFix, GUIDE_CHECKLIST, progressed, proposeFixes, runOutcome, verifyFix } from './diagnose.js';
export type { AppliedFix, ChecklistNumber, DenialDetail, DiagnoseOptions, Diagnosis, GuideReference, RunOutcome, VerifiedFix } from './diagnose.js';
export { patchScenarioText } from './fix-output.js';
export type { ScenarioText, TextFormat } from './fix-output.js';
export { addIdentityStatement, appendStatement, freshSid, globCovers, globMatches, identityStatement, locatePolicy, pushOps, resourceStatement, roleIndex, shortName, sidFor, startDraft, statementList } from './fix-statements.js';
export type { Condition, Draft, PolicyLocation } from './fix-statements.js';
export { DEFAULT_MAX_ROUNDS, fixScenario } from './fix.js';
export type { FixOptions, FixRound, FixRun, FixStop } from './fix.js';
export { applyOperations, applyPatch, checkPatchShape, invertPatch, locateIssue, pointer, pointerSegments, readPatchText, shareStructure } from './patch.js';
export type { JsonPatch, PatchFileResult, PatchIssue, PatchOperation, PatchResult } from './patch.js';
export { diffResults, whatIf } from './whatif.js';
export type { CallChange, CallState, DenialMove, ResultDiff, WhatIfResult } from './whatif.js';
