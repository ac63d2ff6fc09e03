/**
 * Candidate fixes for the first denial (or the first structural issue) of a run: the smallest
 * least-privilege changes, each a JSON Patch against the scenario with a one-line description.
 * Candidates are proposals; engine/analysis/diagnose.ts applies each to a copy and re-simulates
 * before it shows one. This module dispatches by the denial's category to one generator per kind
 * of fix (missing-allow, deny, keys, approval, pass-role, structural). Pure.
 *
 * Least privilege: the exact principal (the role ARN, never the session; a service principal for
 * a service), the exact operation and the exact resource (the key ARN, the role ARN; for artifact
 * objects, the objects of that one artifact of that one pipeline, since CodePipeline names each
 * execution's object anew), narrowed further by the request's own facts where AWS supports it
 * (`kms:ViaService`, `iam:PassedToService`, `aws:SourceAccount`/`aws:SourceArn`).
 */
import type { Scenario } from '../../../model/schema.js';
import type { SimulationResult } from '../../types.js';
import { approvalCandidates } from './approval.js';
import { denyCandidates } from './deny.js';
import { failureCandidates } from './failures.js';
import { aliasCandidates, awsManagedKeyCandidates, keyStateCandidates, unknownRoleCandidates } from './keys.js';
import { denialContext, denialEvent, type CandidateOptions, type FixCandidate } from './kit.js';
import { missingAllowCandidates } from './missing-allow.js';
import { crossAccountPassRoleCandidates, isCrossAccountPassRole } from './pass-role.js';
import { structuralCandidates } from './structural.js';

/** Candidate fixes for a run's first denial or first structural issue (none for a run that succeeded). Pure. */
export function candidateFixes(scenario: Scenario, result: SimulationResult, options: CandidateOptions = {}): FixCandidate[] {
  if (result.status === 'Invalid') {
    const issue = result.issues[0];
    return issue ? structuralCandidates(scenario, issue) : [];
  }
  const ev = denialEvent(result);
  if (!ev) return failureCandidates(scenario, result);
  const dc = denialContext(scenario, ev, options);
  switch (dc.category) {
    case 'EXPLICIT_DENY':
      return denyCandidates(dc);
    case 'AWS_MANAGED_KEY':
      return awsManagedKeyCandidates(dc);
    case 'KEY_ALIAS_CROSS_ACCOUNT':
      return aliasCandidates(dc);
    case 'KEY_STATE':
      return keyStateCandidates(dc);
    case 'APPROVAL_PERMISSION':
      return approvalCandidates(dc);
    case 'UNKNOWN_RESOURCE':
      return unknownRoleCandidates(dc);
    case 'STRUCTURE':
      return [];
    case 'PASS_ROLE':
      return isCrossAccountPassRole(dc) ? crossAccountPassRoleCandidates(dc) : missingAllowCandidates(dc);
    case 'TRUST_POLICY':
    case 'CALLER_ASSUME_PERMISSION':
    case 'KEY_POLICY':
    case 'KEY_IDENTITY_PERMISSION':
    case 'BUCKET_POLICY':
    case 'BUCKET_IDENTITY_PERMISSION':
    case 'MISSING_REGION_ARTIFACT_STORE':
    case 'SERVICE_ROLE_TRUST':
    case 'ARTIFACT_ACCOUNT_BOUNDARY':
    case 'IDENTITY_PERMISSION':
    case 'RESOURCE_POLICY':
    case 'GUARDRAIL':
      return dc.ev.missingAllow.includes('aws-managed-key') ? awsManagedKeyCandidates(dc) : missingAllowCandidates(dc);
  }
}
