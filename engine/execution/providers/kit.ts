/**
 * What every action provider shares: the action's place in the trace, calls made in order, and
 * the action's inputs and outputs through the artifact stores. Providers import this module and
 * nothing of each other or of the dispatcher. Pure apart from awaiting the policy engine.
 */
import { denialMessage, readArtifact, writeArtifact } from '../artifacts.js';
import type { ActionOutcome, ActionRun, ArtifactCopy } from '../state.js';
import type { Call, Caller, CallEvaluatedEvent } from '../../types.js';

export { codeBuildProjectArn } from '../plan.js';
export { awsManagedS3KeyRef, denialMessage, readArtifact, roleCaller, s3EncryptionArn, storeKeyRef } from '../artifacts.js';
export type { ActionOutcome, ActionRun, ArtifactCopy } from '../state.js';

/** The stage/action an event belongs to. */
export function where(run: ActionRun): { readonly stage: string; readonly action: string } {
  return { stage: run.action.stage, action: run.action.declaration.name };
}

/** Makes calls in order and stops at the first denial. */
export async function callAll(run: ActionRun, parent: number, calls: readonly (readonly [Call, string])[]): Promise<CallEvaluatedEvent | null> {
  for (const [call, purpose] of calls) {
    const ev = await run.rec.call(parent, where(run), call, purpose);
    if (ev.decision !== 'Allowed') return ev;
  }
  return null;
}

/** A call by a caller in the action's region. */
export function callBy(run: ActionRun, caller: Caller, operation: string, resource: string, extra: Partial<Call> = {}): Call {
  return { caller, operation, resource, region: run.action.region, ...extra };
}

/** Reads every input artifact of the action as `caller`. */
export async function readInputs(run: ActionRun, caller: Caller): Promise<CallEvaluatedEvent | null> {
  for (const input of run.action.declaration.inputArtifacts) {
    const copy = run.state.artifacts[input.name]?.[run.action.region];
    if (!copy) continue;
    const denied = await readArtifact(run, run.parent, caller, input.name, copy);
    if (denied) return denied;
  }
  return null;
}

/** Writes every output artifact of the action as `caller` into the action region's store. */
export async function writeOutputs(run: ActionRun, caller: Caller, keyRef?: string): Promise<{ readonly failed: string | null; readonly artifacts: Record<string, Record<string, ArtifactCopy>> }> {
  const artifacts: Record<string, Record<string, ArtifactCopy>> = {};
  for (const output of run.action.declaration.outputArtifacts) {
    const written = await writeArtifact(run, run.parent, caller, output.name, run.action.region, keyRef);
    if (written.denied) return { failed: denialMessage(written.denied), artifacts };
    if (!written.copy) return { failed: written.message ?? `output artifact \`${output.name}\` could not be written`, artifacts };
    artifacts[output.name] = { [run.action.region]: written.copy };
  }
  return { failed: null, artifacts };
}

/** A failed outcome with the message the console shows. */
export const fail = (message: string): ActionOutcome => ({ status: 'Failed', message });
