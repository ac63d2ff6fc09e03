/**
 * One step of an execution: `step(state, plannedAction) → { state, events }`. An action
 * assumes its role, has its inputs copied to its region, then makes its provider's calls
 * (engine/providers.ts). Pure apart from awaiting the policy engine.
 */
import { objectArn, parseArn, sessionArn } from '../model/arn.js';
import { findRole, keyInRegion, resolveKey } from '../model/world.js';
import type { Plan, PlannedAction } from './plan.js';
import { runProvider } from './providers.js';
import { createRecorder, type Recorder, type StepContext } from './recorder.js';
import type { Caller, CallEvaluatedEvent, TraceEvent } from './types.js';
import { resolveVariables, type VariableScope } from './variables.js';

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

/** A role session as CodePipeline (or a service) would open it. */
export function roleCaller(roleArn: string, sessionName: string): Caller & { readonly kind: 'role' } {
  return { kind: 'role', roleArn, sessionArn: sessionArn(roleArn, sessionName), sessionName };
}

/** The failure message of a denied call: AWS's message, else the explanation. */
export function denialMessage(ev: CallEvaluatedEvent): string {
  return ev.message ?? ev.explanation;
}

/** Runs one planned action. Pure apart from awaiting the policy engine. */
export async function step(ctx: StepContext, plan: Plan, state: ExecutionState, action: PlannedAction, parentSeq: number, executionId: string): Promise<StepResult> {
  const rec = createRecorder(ctx, state.seq);
  const where = { stage: action.stage, action: action.declaration.name };
  const parent = rec.emit({ type: 'action.started', parentSeq, ...where, provider: action.provider, account: action.account, region: action.region, roleArn: action.roleArn, runOrder: action.runOrder });
  const finish = (status: 'Succeeded' | 'Failed', message: string | undefined, next: ExecutionState): StepResult => {
    rec.emit({ type: 'action.finished', parentSeq: parent, ...where, status, ...(message ? { message } : {}) });
    const events = rec.events();
    const firstDenied = events.find((e) => e.type === 'call.evaluated' && e.decision !== 'Allowed');
    return {
      state: { ...next, seq: rec.nextSeq(), firstDenialSeq: next.firstDenialSeq ?? firstDenied?.seq ?? null },
      events,
      status,
    };
  };
  const pipelineCaller = state.pipelineCaller;
  if (!pipelineCaller || pipelineCaller.kind !== 'role') return finish('Failed', 'the pipeline service role session is not available', state);

  // An action with its own roleArn: the pipeline service role assumes it first.
  let caller: Caller & { kind: 'role' } = pipelineCaller;
  if (action.declaration.roleArn) {
    const ev = await rec.call(parent, where, { caller: pipelineCaller, operation: 'sts:AssumeRole', resource: action.roleArn, region: plan.region, facts: { roleSessionName: sessionNameFor(executionId) } }, `assume the action role of ${action.declaration.name}`);
    if (ev.decision !== 'Allowed') return finish('Failed', denialMessage(ev), state);
    caller = roleCaller(action.roleArn, sessionNameFor(executionId));
  }

  // Variables are resolved when the action runs.
  const resolution = resolveVariables(action.declaration.configuration, state.variables);
  if (Object.keys(resolution.resolved).length) rec.emit({ type: 'variables.resolved', parentSeq: parent, ...where, variables: resolution.resolved });
  if (resolution.unresolved.length) {
    return finish('Failed', `unable to resolve variable ${resolution.unresolved.map((r) => `\`${r}\``).join(', ')}: no earlier action publishes it`, state);
  }

  // Inputs produced in another region are copied to this action's region first.
  let artifacts = state.artifacts;
  for (const input of action.declaration.inputArtifacts) {
    const copies = artifacts[input.name];
    if (!copies || copies[action.region]) continue;
    const replicated = await replicate(ctx, plan, rec, parent, action, input.name, copies, pipelineCaller, executionId);
    if (replicated.status === 'Failed') return finish('Failed', replicated.message, { ...state, artifacts });
    artifacts = { ...artifacts, [input.name]: { ...copies, [action.region]: replicated.copy } };
  }

  const stateWithCopies: ExecutionState = { ...state, artifacts };
  const outcome = await runProvider({ ctx, plan, rec, action, parent, config: resolution.configuration, caller, pipelineCaller, state: stateWithCopies, executionId });
  let next = stateWithCopies;
  if (outcome.artifacts) next = { ...next, artifacts: { ...next.artifacts, ...outcome.artifacts } };
  if (outcome.variables && action.declaration.namespace) {
    next = { ...next, variables: { ...next.variables, [action.declaration.namespace]: outcome.variables } };
  }
  return finish(outcome.status, outcome.message, next);
}

/** The session name CodePipeline uses for role sessions of an execution. */
export function sessionNameFor(executionId: string): string {
  return `codepipeline-${executionId.slice(0, 8)}`;
}

/** The object key of an artifact in a store. */
export function artifactKey(plan: Plan, artifact: string, executionId: string): string {
  return `${plan.pipelineName.slice(0, 20)}/${artifact.slice(0, 20)}/${executionId.slice(0, 8)}.zip`;
}

/** The KMS key reference a store encrypts with: its `encryptionKey`, else the account's `aws/s3`. */
export function storeKeyRef(plan: Plan, region: string): string {
  const store = plan.stores[region];
  return store?.encryptionKey?.id ?? `arn:aws:kms:${region}:${plan.account}:alias/aws/s3`;
}

/**
 * Reads an artifact copy: `s3:GetObject` then `kms:Decrypt` through S3 on the key the object
 * was encrypted with (S3 records the key ARN with the object).
 */
export async function readArtifact(run: Pick<ActionRun, 'rec' | 'action'>, parent: number, caller: Caller, name: string, copy: ArtifactCopy): Promise<CallEvaluatedEvent | null> {
  const where = { stage: run.action.stage, action: run.action.declaration.name };
  const object = objectArn(copy.bucket, copy.key);
  const get = await run.rec.call(parent, where, { caller, operation: 's3:GetObject', resource: object, region: copy.region }, `read input artifact ${name}`);
  if (get.decision !== 'Allowed') return get;
  const decrypt = await run.rec.call(parent, where, { caller, operation: 'kms:Decrypt', resource: copy.keyArn, region: copy.region, facts: { viaService: `s3.${copy.region}.amazonaws.com`, encryptionContext: { 'aws:s3:arn': object } } }, `decrypt input artifact ${name}`);
  return decrypt.decision !== 'Allowed' ? decrypt : null;
}

/**
 * Writes an artifact: `s3:PutObject` with the SSE-KMS headers, then `kms:GenerateDataKey`
 * through S3. A key alias or id resolves in the writer's account, as S3 resolves it.
 */
export async function writeArtifact(
  run: Pick<ActionRun, 'rec' | 'action' | 'ctx' | 'plan' | 'executionId'>,
  parent: number,
  caller: Caller,
  name: string,
  region: string,
  keyRefOverride?: string,
): Promise<{ readonly denied: CallEvaluatedEvent | null; readonly copy: ArtifactCopy | null; readonly message?: string }> {
  const where = { stage: run.action.stage, action: run.action.declaration.name };
  const store = run.plan.stores[region];
  if (!store) return { denied: null, copy: null, message: `no artifact store for region \`${region}\`` };
  const writerAccount = caller.kind === 'role' ? parseArn(caller.roleArn)?.account ?? run.plan.account : run.plan.account;
  const ref = keyRefOverride ?? storeKeyRef(run.plan, region);
  const resolved = resolveKey(run.ctx.world, ref, { account: writerAccount, region });
  const keyArn = resolved.key ? (keyInRegion(run.ctx.world, resolved.key, region) ?? resolved.key).arn : ref;
  const key = artifactKey(run.plan, name, run.executionId);
  const object = objectArn(store.location, key);
  const put = await run.rec.call(parent, where, { caller, operation: 's3:PutObject', resource: object, region, facts: { sseHeader: 'aws:kms', sseKmsKeyId: keyArn } }, `write output artifact ${name}`);
  if (put.decision !== 'Allowed') return { denied: put, copy: null };
  const gen = await run.rec.call(parent, where, { caller, operation: 'kms:GenerateDataKey', resource: keyArn, region, facts: { viaService: `s3.${region}.amazonaws.com`, encryptionContext: { 'aws:s3:arn': object } } }, `encrypt output artifact ${name}`);
  if (gen.decision !== 'Allowed') return { denied: gen, copy: null };
  return { denied: null, copy: { bucket: store.location, key, keyArn, region } };
}

/** Copies an artifact into the action's region: CodePipeline does it with the pipeline service role. */
async function replicate(
  ctx: StepContext,
  plan: Plan,
  rec: Recorder,
  parent: number,
  action: PlannedAction,
  name: string,
  copies: Readonly<Record<string, ArtifactCopy>>,
  pipelineCaller: Caller,
  executionId: string,
): Promise<{ readonly status: 'Succeeded'; readonly copy: ArtifactCopy } | { readonly status: 'Failed'; readonly message: string }> {
  const source = copies[plan.region] ?? Object.values(copies)[0];
  if (!source) return { status: 'Failed', message: `artifact \`${name}\` has no stored copy` };
  const where = { stage: action.stage, action: action.declaration.name };
  const rep = rec.emit({ type: 'artifact.replicated', parentSeq: parent, ...where, artifact: name, from: source.bucket, to: plan.stores[action.region]?.location ?? '', fromRegion: source.region, toRegion: action.region });
  const run = { rec, action, ctx, plan, executionId };
  const denied = await readArtifact(run, rep, pipelineCaller, name, source);
  if (denied) return { status: 'Failed', message: denialMessage(denied) };
  const written = await writeArtifact(run, rep, pipelineCaller, name, action.region);
  if (written.denied) return { status: 'Failed', message: denialMessage(written.denied) };
  if (!written.copy) return { status: 'Failed', message: written.message ?? `artifact \`${name}\` could not be copied` };
  return { status: 'Succeeded', copy: written.copy };
}

/** Whether a role exists in the world. */
export function roleExists(run: Pick<ActionRun, 'ctx'>, arn: string): boolean {
  return findRole(run.ctx.world, arn) !== undefined;
}
