/**
 * `lint(scenario, { locate, result }) → Finding[]`: the static rules of engine/lint/rules.ts
 * over a scenario, each finding with its path, position, message and one-line fix; with a
 * simulation result, the findings the run proves are marked `proven`. Pure.
 */
import type { Position } from '../../model/issues.js';
import { formatPath, type PathSegment } from '../../model/path.js';
import type { Scenario } from '../../model/schema.js';
import { buildWorld } from '../../model/world.js';
import type { SimulationResult } from '../types.js';
import { CHECKS, checkContext } from './checks/index.js';
import { RULE_IDS, RULES, SEVERITY_RANK, type LintSeverity, type RuleId } from './rules.js';
import { actionsOf } from './topology.js';

/** One lint finding. */
export interface Finding {
  readonly ruleId: RuleId;
  readonly severity: LintSeverity;
  /** Path inside the scenario document (`buckets[0].versioning`). */
  readonly path: string;
  /** Lowercase, one line, no final period; user input in backticks. */
  readonly message: string;
  /** One line: what to change. */
  readonly fix: string;
  /** 1-based line of the path in the scenario file, where known. */
  readonly line?: number;
  /** 1-based column. */
  readonly column?: number;
  /** True when the simulation run proves the finding. */
  readonly proven?: boolean;
}

/** Options of one lint. */
export interface LintOptions {
  /** The position of a path in the source (the loader's `locate`). */
  readonly locate?: (path: string) => Position | undefined;
  /** A simulation of the same scenario: findings it proves are marked `proven`. */
  readonly result?: SimulationResult;
}

/** Lints a scenario. Pure; findings come sorted by position, then rule. */
export function lint(scenario: Scenario, options: LintOptions = {}): Finding[] {
  const ctx = checkContext(scenario, buildWorld(scenario), actionsOf(scenario), options.result);
  const findings = CHECKS.flatMap((check) => check(ctx)).map((draft): Finding => {
    const rule = RULES[draft.ruleId];
    const path = formatPath(draft.segments);
    const position = options.locate ? locateSegments(options.locate, draft.segments) : undefined;
    return {
      ruleId: draft.ruleId,
      severity: rule.severity,
      path,
      message: draft.message,
      fix: rule.fix,
      ...(position ? { line: position.line, column: position.column } : {}),
      ...(draft.proven ? { proven: true } : {}),
    };
  });
  const order = (id: RuleId) => RULE_IDS.indexOf(id);
  return findings.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0) || order(a.ruleId) - order(b.ruleId) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The position of a path, or of its nearest written parent: a field filled by a default is not
 * in the file, and a locator that falls back to a parent's key can land before the parent itself.
 */
function locateSegments(locate: (path: string) => Position | undefined, segments: readonly PathSegment[]): Position | undefined {
  const here = locate(formatPath(segments));
  if (segments.length === 0 || !here) return here;
  const parent = locateSegments(locate, segments.slice(0, -1));
  // INVARIANT: a node starts after (or where) its parent starts; earlier means the path is absent.
  if (parent && (here.line < parent.line || (here.line === parent.line && here.column < parent.column))) return parent;
  return here;
}

/** Whether any finding is at or above a severity (the `--fail-on` threshold). Pure. */
export function failsAt(findings: readonly Finding[], threshold: LintSeverity): boolean {
  return findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold]);
}
