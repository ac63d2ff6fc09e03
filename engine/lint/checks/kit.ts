/** What every lint check shares: its context and draft findings, and readers of the trace (for `--run` proofs), the stores and the buckets. Pure. */
import type { PathSegment } from '../../../model/path.js';
import type { ArtifactStore, PolicyDocument, Role, Scenario } from '../../../model/schema.js';
import type { World } from '../../../model/world.js';
import type { CallEvaluatedEvent, SimulationResult, TraceEvent } from '../../types.js';
import type { RuleId } from '../rules.js';
import type { LintAction } from '../topology.js';

/** A finding before severity, fix and position are added. */
export interface Draft {
  readonly ruleId: RuleId;
  readonly segments: readonly PathSegment[];
  readonly message: string;
  readonly proven?: boolean;
}

/** What every check reads. */
export interface CheckContext {
  readonly scenario: Scenario;
  readonly world: World;
  readonly actions: readonly LintAction[];
  readonly home: { readonly account: string; readonly region: string };
  /** Production account id → why it is production. */
  readonly production: ReadonlyMap<string, string>;
  readonly result?: SimulationResult;
}

/** One check: the drafts of one or more rules. */
export type Check = (ctx: CheckContext) => Draft[];

/** The path of the pipeline declaration in a scenario. */
export const PIPELINE: readonly PathSegment[] = ['pipeline', 'pipeline'];

/** The evaluated calls of a run (none without one). */
export function calls(result: SimulationResult | undefined): CallEvaluatedEvent[] {
  return (result?.events ?? []).filter((e): e is CallEvaluatedEvent => e.type === 'call.evaluated');
}

/** The events of one type of a run. */
export function eventsOf<T extends TraceEvent['type']>(result: SimulationResult | undefined, type: T): Extract<TraceEvent, { type: T }>[] {
  return (result?.events ?? []).filter((e): e is Extract<TraceEvent, { type: T }> => e.type === type);
}

/** Whether two ARNs are the same, compared without case. */
export const sameArn = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
/** Items as a list of `code` spans. */
export const quoteList = (items: readonly string[]) => items.map((i) => `\`${i}\``).join(', ');
/** A count with its noun, plural when not one. */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Allowed sts:AssumeRole calls on a role in the run: who assumed it. */
export function assumersOf(result: SimulationResult | undefined, roleArn: string): string[] {
  return [...new Set(calls(result).filter((c) => c.operation === 'sts:AssumeRole' && c.decision === 'Allowed' && sameArn(c.resource, roleArn)).map((c) => c.principal))];
}

/** The artifact stores of the declaration: region, store and path. */
export function storesOf(ctx: CheckContext): { readonly region: string; readonly store: ArtifactStore; readonly segments: readonly PathSegment[] }[] {
  const decl = ctx.scenario.pipeline.pipeline;
  if (decl.artifactStores) return Object.entries(decl.artifactStores).map(([region, store]) => ({ region, store, segments: [...PIPELINE, 'artifactStores', region] }));
  if (decl.artifactStore) return [{ region: ctx.home.region, store: decl.artifactStore, segments: [...PIPELINE, 'artifactStore'] }];
  return [];
}

/** Accounts other than the pipeline's whose actions run in a region (and so use that region's store). */
export function otherAccountsInRegion(ctx: CheckContext, region: string): string[] {
  return [...new Set(ctx.actions.filter((a) => a.region === region && a.account !== ctx.home.account).map((a) => a.account))];
}

/** The index of a role by ARN (compared without case), or -1. */
export function roleIndex(scenario: Scenario, arn: string): number {
  return scenario.roles.findIndex((r) => sameArn(r.arn, arn));
}

/** The identity policy documents of a role, with their names (inline name or managed ARN). */
export function identityPolicies(ctx: CheckContext, role: Role): { readonly name: string; readonly doc: PolicyDocument; readonly base: PathSegment[] }[] {
  const ri = roleIndex(ctx.scenario, role.arn);
  const inline = Object.entries(role.inlinePolicies).map(([name, doc]) => ({ name, doc, base: ['roles', ri, 'inlinePolicies', name] as PathSegment[] }));
  const managed = role.managedPolicies.flatMap((arn) => {
    const mi = ctx.scenario.managedPolicies.findIndex((m) => m.arn === arn);
    const m = ctx.scenario.managedPolicies[mi];
    return m ? [{ name: arn, doc: m.document, base: ['managedPolicies', mi, 'document'] as PathSegment[] }] : [];
  });
  return [...inline, ...managed];
}
