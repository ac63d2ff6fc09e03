/**
 * The state an execution folds over its steps, and what a provider is given and gives back.
 * Plain data types only.
 */
import type { Plan, PlannedAction } from './plan.js';
import type { Recorder, StepContext } from './recorder.js';
import type { Caller, TraceEvent } from '../types.js';
import type { VariableScope } from './variables.js';

/** One stored copy of an artifact. */
export interface ArtifactCopy {
  readonly bucket: string;
  readonly key: string;
  /** The KMS key ARN it was encrypted with (or the unresolved reference). */
  readonly keyArn: string;
  readonly region: string;
}

/** What an execution has built up so far. */
export interface ExecutionState {
  /** The next sequence number. */
  readonly seq: number;
  /** Artifact name → region → copy. */
  readonly artifacts: Readonly<Record<string, Readonly<Record<string, ArtifactCopy>>>>;
  /** Namespace → variables produced so far (plus `variables` and `codepipeline`). */
  readonly variables: VariableScope;
  /** The pipeline service role session, once CodePipeline has assumed it. */
  readonly pipelineCaller: Caller | null;
  /** Seq of the first denied call, if any. */
  readonly firstDenialSeq: number | null;
}

/** What a provider needs to run one action. */
export interface ActionRun {
  readonly ctx: StepContext;
  readonly plan: Plan;
  readonly rec: Recorder;
  readonly action: PlannedAction;
  /** Seq of the action.started event. */
  readonly parent: number;
  /** The action's configuration with variables resolved. */
  readonly config: Readonly<Record<string, string>>;
  /** The role session the action runs as. */
  readonly caller: Caller & { readonly kind: 'role' };
  /** The pipeline service role session. */
  readonly pipelineCaller: Caller & { readonly kind: 'role' };
  readonly state: ExecutionState;
  readonly executionId: string;
}

/** What a provider reports back. */
export interface ActionOutcome {
  readonly status: 'Succeeded' | 'Failed';
  readonly message?: string;
  /** Artifacts written by the action: name → region → copy. */
  readonly artifacts?: Readonly<Record<string, Readonly<Record<string, ArtifactCopy>>>>;
  /** Output variables (published under the action's namespace). */
  readonly variables?: Readonly<Record<string, string>>;
}

/** The result of one step. */
export interface StepResult {
  readonly state: ExecutionState;
  readonly events: readonly TraceEvent[];
  readonly status: 'Succeeded' | 'Failed';
}
