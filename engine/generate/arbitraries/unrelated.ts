/**
 * Statements that name nothing in the world: an account, role, bucket or key that does not
 * exist. Adding one must change nothing — same status, same decisions.
 */
import fc from 'fast-check';
import type { PolicyStatement, Scenario } from '../../../model/schema.js';
import type { Operation } from 'fast-json-patch';
import { asList as listOf, statementsOf } from '../../../model/policy-document.js';
import { policySites, RESOURCE_SITE_KINDS } from './policy-sites.js';

/** A statement naming nothing in the world, added to one policy document. */
export interface UnrelatedStatement {
  readonly label: string;
  readonly patch: readonly Operation[];
  /** JSON Pointer of the document it is added to. */
  readonly target: string;
}

/** An account id the scenario does not have. Pure. */
export function ghostAccount(scenario: Scenario): string {
  const used = new Set([...scenario.accounts.map((a) => a.id), ...(JSON.stringify(scenario).match(/(?<!\d)\d{12}(?!\d)/g) ?? [])]);
  let n = 987_654_321_098;
  while (used.has(String(n))) n -= 1;
  return String(n);
}

/**
 * An arbitrary of statements naming only things the scenario lacks, each added to one of its
 * policy documents (an Allow or a Deny, for an action the document already mentions). Throws
 * when the scenario has no policy document.
 */
export function unrelatedStatement(scenario: Scenario): fc.Arbitrary<UnrelatedStatement> {
  const sites = policySites(scenario);
  if (sites.length === 0) throw new Error('unrelatedStatement: the scenario has no policy document');
  const ghost = ghostAccount(scenario);
  const region = scenario.pipeline.metadata.pipelineArn.split(':')[3] || 'us-east-1';
  const ghostPrincipals = [`arn:aws:iam::${ghost}:role/PipesimGhostRole`, `arn:aws:iam::${ghost}:root`];
  const ghostResources = [`arn:aws:iam::${ghost}:role/PipesimGhostRole`, `arn:aws:s3:::pipesim-ghost-${ghost}/*`, `arn:aws:kms:${region}:${ghost}:key/pipesim-ghost`, `arn:aws:sns:${region}:${ghost}:pipesim-ghost`];
  return fc
    .record({
      site: fc.constantFrom(...sites),
      effect: fc.constantFrom('Allow' as const, 'Deny' as const),
      principal: fc.constantFrom(...ghostPrincipals),
      resource: fc.constantFrom(...ghostResources),
      actionPick: fc.nat(),
    })
    .map(({ site, effect, principal, resource, actionPick }): UnrelatedStatement => {
      const actions = [...new Set(statementsOf(site.document).flatMap((s) => listOf(s.Action)))];
      const action = actions.length ? actions[actionPick % actions.length]! : '*';
      const resourceKind = RESOURCE_SITE_KINDS.has(site.kind);
      // A resource policy names a ghost principal (any resource); any other policy names a ghost resource.
      const statement: PolicyStatement = resourceKind
        ? { Sid: 'PipesimUnrelated', Effect: effect, Principal: { AWS: principal }, Action: action, ...(site.kind === 'trust' ? {} : { Resource: '*' }) }
        : { Sid: 'PipesimUnrelated', Effect: effect, Action: action, Resource: resource };
      const named = resourceKind ? principal : resource;
      const patch: Operation[] = Array.isArray(site.document.Statement)
        ? [{ op: 'add', path: `${site.pointer}/Statement/-`, value: statement }]
        : [{ op: 'replace', path: `${site.pointer}/Statement`, value: [site.document.Statement, statement] }];
      return { label: `add an ${effect} of ${action} naming ${named}, which does not exist, to ${site.description}`, patch, target: site.pointer };
    });
}
