/**
 * Consistent renaming of account ids, role names and regions, over a scenario and over a
 * result alike — for the law "renaming changes nothing but the names". Pure.
 */
import fc from 'fast-check';
import type { Scenario } from '../../../model/schema.js';
import type { SimulationResult } from '../../types.js';

/** Old name → new name, per kind. Each map is one-to-one. */
export interface Renaming {
  readonly accounts: Readonly<Record<string, string>>;
  readonly roles: Readonly<Record<string, string>>;
  readonly regions: Readonly<Record<string, string>>;
}

/** Commercial AWS regions (renaming picks new names among the ones a scenario does not use). */
export const AWS_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'sa-east-1', 'eu-west-1', 'eu-west-2', 'eu-west-3',
  'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'ap-south-1', 'ap-south-2', 'ap-northeast-1',
  'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-east-1', 'me-south-1',
  'me-central-1', 'af-south-1', 'il-central-1',
] as const;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The renamer of one renaming: a function over strings. */
function compile(renaming: Renaming): (text: string) => string {
  const accounts = Object.keys(renaming.accounts);
  const regions = Object.keys(renaming.regions);
  const roles = Object.keys(renaming.roles);
  const alternatives: string[] = [];
  if (accounts.length) alternatives.push(`(?<!\\d)(?<account>${accounts.map(escapeRe).join('|')})(?!\\d)`);
  if (regions.length) alternatives.push(`(?<![a-z])(?<region>${regions.map(escapeRe).join('|')})(?![0-9])`);
  if (roles.length) alternatives.push(`(?<ctx>:role\\/(?:[\\w+=,.@-]+\\/)*|assumed-role\\/)(?<role>${roles.map(escapeRe).join('|')})(?![\\w+=,.@-])`);
  if (!alternatives.length) return (t) => t;
  const re = new RegExp(alternatives.join('|'), 'g');
  return (text) =>
    text.replace(re, (...args) => {
      const g = args[args.length - 1] as { account?: string; region?: string; ctx?: string; role?: string };
      if (g.account) return renaming.accounts[g.account]!;
      if (g.region) return renaming.regions[g.region]!;
      return `${g.ctx}${renaming.roles[g.role!]!}`;
    });
}

/** A value with every string and object key renamed (role names also as `ExecutionRoleName` values). Pure. */
export function renameDeep<T>(value: T, renaming: Renaming): T {
  const text = compile(renaming);
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') return key === 'ExecutionRoleName' && renaming.roles[v] ? renaming.roles[v] : text(v);
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [text(k), walk(x, k)]));
    return v;
  };
  return walk(value) as T;
}

/** The account ids, role names and regions of a scenario. Pure. */
export function scenarioNames(scenario: Scenario): { readonly accounts: string[]; readonly roles: string[]; readonly regions: string[] } {
  const text = JSON.stringify(scenario);
  const regions = AWS_REGIONS.filter((r) => new RegExp(`(?<![a-z])${escapeRe(r)}(?![0-9])`).test(text));
  return {
    accounts: scenario.accounts.map((a) => a.id),
    roles: [...new Set(scenario.roles.map((r) => r.arn.split('/').pop()!))],
    regions,
  };
}

/**
 * The renaming number `variant` of a scenario: fresh account ids, role names and unused regions.
 * Deterministic, so a finite set of variants keeps a shared memo useful. Pure.
 */
export function renamingFor(scenario: Scenario, variant: number): Renaming {
  const names = scenarioNames(scenario);
  const usedIds = new Set(names.accounts);
  const accounts: Record<string, string> = {};
  let next = 900_000_000_000 + variant * 1000;
  for (const id of names.accounts) {
    while (usedIds.has(String(next))) next += 1;
    accounts[id] = String(next);
    next += 1;
  }
  const free = AWS_REGIONS.filter((r) => !names.regions.includes(r));
  const regions: Record<string, string> = {};
  names.regions.forEach((r, i) => {
    const pick = free[(variant * 3 + i) % free.length];
    if (pick && !Object.values(regions).includes(pick)) regions[r] = pick;
  });
  const usedRoles = new Set(names.roles.map((r) => r.toLowerCase()));
  const roles: Record<string, string> = {};
  names.roles.forEach((r, i) => {
    let candidate = `Renamed${variant}Role${i}`;
    while (usedRoles.has(candidate.toLowerCase())) candidate = `${candidate}x`;
    roles[r] = candidate;
  });
  return { accounts, roles, regions };
}

/** An arbitrary of renamings of a scenario, among `variants` deterministic ones (default 8). */
export function renaming(scenario: Scenario, variants = 8): fc.Arbitrary<Renaming> {
  return fc.integer({ min: 0, max: variants - 1 }).map((v) => renamingFor(scenario, v));
}

/** The scenario renamed (the `id` keeps its value). Pure. */
export function renameScenario(scenario: Scenario, r: Renaming): Scenario {
  return { ...renameDeep(scenario, r), ...(scenario.id !== undefined ? { id: scenario.id } : {}) };
}

/** What of a result must be invariant under renaming: status, issues and every call's verdict (stack ids, which are hashes of names, blanked). Pure. */
export function verdicts(result: SimulationResult): unknown {
  const blank = (s: string) => s.replace(/(:stack\/[^/]+\/)[0-9a-f-]{36}/g, '$1*').replace(/(:stackset\/[^:]+:)[0-9a-f-]{36}/g, '$1*');
  return JSON.parse(
    blank(
      JSON.stringify({
        status: result.status,
        firstDenial: result.firstDenial,
        issues: result.issues,
        calls: result.events.flatMap((e) =>
          e.type === 'call.evaluated'
            ? [{ seq: e.seq, stage: e.stage ?? null, action: e.action ?? null, operation: e.operation, principal: e.principal, resource: e.resource, decision: e.decision, category: e.category ?? null, statements: e.statements }]
            : [],
        ),
      }),
    ),
  );
}
