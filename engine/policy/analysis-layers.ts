/** The engine's analysis of one request as pipesim reads it: its layers' results (type-only use of the engine). */
import type { RequestAnalysis } from '@cloud-copilot/iam-simulate';
import type { CombineInput, LayerResult } from './combine.js';
import type { Plan } from './request-plan.js';

/** The engine's analysis of one request. */
export type Analysis = RequestAnalysis;
/** One policy layer of an analysis (identity, boundary, session). */
export type Layer = NonNullable<RequestAnalysis['identityAnalysis']>;
/** The resource-policy layer of an analysis. */
export type ResourceLayer = NonNullable<RequestAnalysis['resourceAnalysis']>;
/** One statement of a layer, as the engine analysed it. */
export type StatementAnalysis = Layer['allowStatements'][number];

/** The result of each layer taking part in a request (undefined: the layer does not apply). */
export interface Layers {
  readonly identity: LayerResult;
  readonly resource: CombineInput['resource'];
  readonly scp: LayerResult | undefined;
  readonly rcp: LayerResult | undefined;
  readonly boundary: LayerResult | undefined;
  readonly session: LayerResult | undefined;
}

/** Reads the layer results of an analysis (SCP and RCP only where the plan has levels). */
export function layersOf(plan: Plan, a: Analysis): Layers {
  return {
    identity: a.identityAnalysis?.result ?? 'ImplicitlyDenied',
    resource: a.resourceAnalysis?.result ?? 'NotApplicable',
    scp: plan.scps.length > 0 ? a.scpAnalysis?.result : undefined,
    rcp: plan.rcps.length > 0 ? a.rcpAnalysis?.result : undefined,
    boundary: a.permissionBoundaryAnalysis?.result,
    session: a.sessionAnalysis?.result,
  };
}

