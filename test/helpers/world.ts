/** Test helpers: a World from a partial scenario, and calls from a compact shape. */
import { sessionArn } from '../../model/arn.js';
import { Scenario, type ScenarioInput } from '../../model/schema.js';
import { buildWorld, type World } from '../../model/world.js';
import type { Call, RequestFacts } from '../../engine/types.js';

/** The parts of a scenario a policy test cares about. */
export type WorldInput = Omit<Partial<ScenarioInput>, 'pipeline'>;

const DUMMY_PIPELINE = {
  pipeline: {
    name: 'Dummy',
    roleArn: 'arn:aws:iam::111111111111:role/DummyPipelineRole',
    artifactStore: { type: 'S3', location: 'dummy-artifacts' },
    stages: [{ name: 'Source', actions: [{ name: 'Source', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' } }] }],
  },
  metadata: { pipelineArn: 'arn:aws:codepipeline:us-east-1:111111111111:Dummy' },
} as const;

/** Builds a World from a partial scenario, filling a dummy pipeline; throws on a shape error. */
export function worldOf(input: WorldInput): World {
  return buildWorld(Scenario.parse({ accounts: [{ id: '111111111111', name: 'tooling' }], ...input, pipeline: DUMMY_PIPELINE }));
}

/** A caller as the case files write it. */
export type CallerInput = { readonly role: string; readonly session?: string } | { readonly service: string; readonly sourceArn?: string; readonly sourceAccount?: string };

/** A call as the case files write it. */
export interface CallInput {
  readonly caller: CallerInput;
  readonly operation: string;
  readonly resource: string;
  readonly region?: string;
  readonly facts?: RequestFacts;
}

/** Turns a compact call into a Call (a role caller gets the session ARN STS would give it). */
export function callOf(input: CallInput): Call {
  const c = input.caller;
  const caller: Call['caller'] =
    'role' in c
      ? { kind: 'role', roleArn: c.role, sessionArn: sessionArn(c.role, c.session ?? 'pipesim'), sessionName: c.session ?? 'pipesim' }
      : { kind: 'service', service: c.service, ...(c.sourceArn ? { sourceArn: c.sourceArn } : {}), ...(c.sourceAccount ? { sourceAccount: c.sourceAccount } : {}) };
  return { caller, operation: input.operation, resource: input.resource, region: input.region ?? 'us-east-1', ...(input.facts ? { facts: input.facts } : {}) };
}
