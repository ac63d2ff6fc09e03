/** The checks that run after the schema: policies, resources, actions and references. */
import type { Issue } from './issues.js';
import { formatPath } from './path.js';
import type { Scenario } from './schema.js';
import type { RawIssue } from './schema-issues.js';
import { validateActions, validatePolicyGrammar, validatePolicyResources, validatePolicyStorage } from './validate-policies.js';
import { validateReferences } from './validate-references.js';

/** Every semantic issue of a schema-valid scenario, with where to point in the source. */
export function semanticIssues(scenario: Scenario): RawIssue[] {
  return [...validatePolicyGrammar(scenario), ...validatePolicyResources(scenario), ...validateActions(scenario), ...validatePolicyStorage(scenario), ...validateReferences(scenario)];
}

/** Checks a scenario built in code (not read from a file): the same issues as loading, without positions. */
export function checkScenario(scenario: Scenario): Issue[] {
  return semanticIssues(scenario).map((i) => ({ code: i.code, path: formatPath(i.segments), message: i.message, severity: i.severity }));
}
