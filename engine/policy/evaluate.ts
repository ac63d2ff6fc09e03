/**
 * The engine call: the only importer of `@cloud-copilot/iam-simulate`'s runtime; the engine's
 * objects never leave engine/policy/. Turns a plan into the engine's request (policies
 * pre-validated, the encryption-context surrogate added) and hands the analysis to the judgement.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { World } from '../../model/world.js';
import type { Analysis } from './analysis-layers.js';
import { failedEvaluation, judge, refusedEvaluation, unresolvedEvaluation } from './judge.js';
import { NO_BOUNDARY, NO_RESOURCE_POLICY, type PolicyUse } from './policy-use.js';
import { ENCRYPTION_CONTEXT_SURROGATE, NOT_PRINCIPAL_SURROGATE, principalChain } from './policy-rewrite.js';
import { planRequest, type Plan } from './request-plan.js';
import type { Call, Evaluation } from '../types.js';

/** Evaluates a planned request with the engine (Strict mode) and judges the analysis. */
export async function evaluatePlan(plan: Plan): Promise<Evaluation> {
  if (plan.refusal) return refusedEvaluation(plan, plan.refusal);
  if (plan.unresolved) return unresolvedEvaluation(plan, plan.unresolved);
  let analysis: Analysis;
  try {
    const result = await runSimulation(toSimulation(plan), { simulationMode: 'Strict' });
    if (result.resultType === 'error') return failedEvaluation(plan, `the policy engine could not evaluate the request: ${result.errors.message}`);
    if (result.resultType === 'single') {
      analysis = result.result.analysis;
    } else {
      // A resource ARN with a wildcard: the engine evaluates each matching pattern and allows if
      // any is allowed; explain by the first pattern that reached the overall result.
      const decisive = result.results.find((r) => r.analysis.result === result.overallResult) ?? result.results[0];
      if (!decisive) return failedEvaluation(plan, `the policy engine found nothing to evaluate for \`${plan.resource}\``);
      analysis = decisive.analysis;
    }
  } catch (e) {
    return failedEvaluation(plan, `the policy engine failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  return judge(plan, analysis);
}

/** The engine's input: the request as pipesim derived it, policies pre-validated. */
function toSimulation(plan: Plan): Simulation {
  const valid = (uses: readonly PolicyUse[]) => uses.flatMap((u) => (u.prepared.policy ? [{ name: u.name, policy: u.prepared.policy }] : []));
  // The engine only reads the context (arrays included), so the plan's object is passed as is.
  let contextVariables = plan.context as Record<string, string | string[]>;
  const ec = plan.call.facts?.encryptionContext;
  if (ec && plan.encryptionContextConditions) {
    // The engine drops kms:EncryptionContext:<key>; send each pair under the surrogate the
    // rewritten conditions test (engine/policy/policy-rewrite.ts).
    contextVariables = { ...contextVariables };
    for (const [k, v] of Object.entries(ec)) contextVariables[ENCRYPTION_CONTEXT_SURROGATE + k] = v;
  }
  if (plan.notPrincipalDenies) {
    // Deny + NotPrincipal statements were rewritten to test the caller's identities (engine/policy/policy-rewrite.ts).
    contextVariables = { ...contextVariables, [NOT_PRINCIPAL_SURROGATE]: principalChain(plan.call.caller, plan.callerKind === 'role' ? plan.callerName : undefined) };
  }
  const resourcePolicy = plan.resourcePolicy?.prepared.policy;
  return {
    request: {
      principal: plan.principal,
      action: plan.call.operation,
      resource: { resource: plan.resource, accountId: plan.resourceAccount },
      contextVariables,
    },
    identityPolicies: valid(plan.identity),
    serviceControlPolicies: plan.scps.map((l) => ({ orgIdentifier: l.target, policies: valid(l.policies) })),
    resourceControlPolicies: plan.rcps.map((l) => ({ orgIdentifier: l.target, policies: valid(l.policies) })),
    // A required trust or key policy that fails validation allows nothing (the engine would
    // otherwise treat the missing trust policy as "no resource policy" and allow same-account AssumeRole).
    ...(resourcePolicy ? { resourcePolicy } : plan.resourcePolicy && plan.explicitTrust ? { resourcePolicy: NO_RESOURCE_POLICY } : {}),
    ...(plan.boundary ? { permissionBoundaryPolicies: plan.boundary.prepared.policy ? [{ name: plan.boundary.name, policy: plan.boundary.prepared.policy }] : [{ name: plan.boundary.name, policy: NO_BOUNDARY }] } : {}),
    ...(plan.session?.prepared.policy ? { sessionPolicy: plan.session.prepared.policy } : {}),
    ...(plan.blockPublicAccess !== undefined ? { additionalSettings: { s3: { blockPublicAccess: plan.blockPublicAccess } } } : {}),
  };
}

// The benchmark's baseline (bench/bench.ts): not used by the simulator.

/** Replaces every pre-validated policy of an engine request by its raw document. */
function rawRequest(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rawRequest);
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (v['__validated'] === true) return v['policyDocument'];
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rawRequest(x)]));
  }
  return value;
}

/**
 * The raw engine on exactly the requests pipesim sends for these calls, as a naive caller
 * would use it: `runSimulation` on plain documents (re-validated by the engine on every call), no caches. For the benchmark.
 */
export function rawEngineBaseline(world: World, calls: readonly Call[]): { readonly requests: number; readonly run: () => Promise<void> } {
  const requests = calls
    .map((c) => planRequest(world, c))
    .filter((p) => !p.unresolved && !p.refusal)
    .map((p) => rawRequest(toSimulation(p)) as Simulation);
  return {
    requests: requests.length,
    run: async () => {
      for (const r of requests) await runSimulation(r, { simulationMode: 'Strict' });
    },
  };
}

