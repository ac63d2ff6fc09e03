/**
 * The scenarios the diagnose and fix tests use: one or more per denial category, bundled or the
 * reference topology with a fixture patch (test/fixtures/patches/).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyPatch, readPatchText } from '../engine/analysis/patch.js';
import type { Category } from '../engine/types.js';
import type { Scenario } from '../model/schema.js';
import { loadScenarioFile } from '../model/source.js';

/** The folder of fixture patches. */
export const PATCHES = fileURLToPath(new URL('./fixtures/patches/', import.meta.url));

/** The reference topology every fixture patch applies to. */
export const REFERENCE = 'reference/four-accounts-two-regions';

/** A scenario for a category: a bundled id, or the reference with a fixture patch. */
export interface CategoryCase {
  readonly category: Category;
  readonly source: string;
  /** The domain guide's checklist item it maps to (null: none of the five). */
  readonly item: 1 | 2 | 3 | 4 | 5 | null;
}

/** Every denial category with the scenarios that show it. */
export const CATEGORY_CASES: readonly CategoryCase[] = [
  { category: 'TRUST_POLICY', source: 'checklist/1-action-role-trusts-pipeline-role', item: 1 },
  { category: 'CALLER_ASSUME_PERMISSION', source: 'checklist/2-pipeline-role-may-assume-action-role', item: 2 },
  { category: 'KEY_POLICY', source: 'traps/1-key-policy-and-iam-must-agree', item: 3 },
  { category: 'KEY_POLICY', source: 'patch:remove-dev-key-statement.json', item: 3 },
  { category: 'KEY_IDENTITY_PERMISSION', source: 'denials/key-identity-permission', item: 3 },
  { category: 'AWS_MANAGED_KEY', source: 'traps/3-aws-managed-key', item: 3 },
  { category: 'KEY_ALIAS_CROSS_ACCOUNT', source: 'traps/key-alias-in-another-account', item: 3 },
  { category: 'KEY_STATE', source: 'patch:key-disabled.yaml', item: 3 },
  { category: 'BUCKET_POLICY', source: 'checklist/4-bucket-policy-grants-action-role', item: 4 },
  { category: 'BUCKET_IDENTITY_PERMISSION', source: 'denials/bucket-identity-permission', item: 4 },
  { category: 'MISSING_REGION_ARTIFACT_STORE', source: 'traps/2-cross-region-without-region-store', item: 5 },
  { category: 'MISSING_REGION_ARTIFACT_STORE', source: 'checklist/5-artifact-store-in-every-region', item: 5 },
  { category: 'PASS_ROLE', source: 'denials/pass-role', item: null },
  { category: 'SERVICE_ROLE_TRUST', source: 'traps/4-execution-role-trusts-pipeline', item: null },
  { category: 'APPROVAL_PERMISSION', source: 'denials/approval-permission', item: null },
  { category: 'APPROVAL_PERMISSION', source: 'denials/approval-outside-vpc-endpoint', item: null },
  { category: 'APPROVAL_PERMISSION', source: 'faq/q5-author-cannot-approve', item: null },
  { category: 'EXPLICIT_DENY', source: 'denials/scp-change-freeze', item: null },
  { category: 'EXPLICIT_DENY', source: 'patch:bucket-deny-outside-org.yaml', item: null },
  { category: 'EXPLICIT_DENY', source: 'patch:identity-deny.yaml', item: null },
  { category: 'ARTIFACT_ACCOUNT_BOUNDARY', source: 'denials/artifact-account-boundary', item: null },
  { category: 'IDENTITY_PERMISSION', source: 'denials/identity-permission', item: null },
  { category: 'RESOURCE_POLICY', source: 'denials/topic-policy', item: null },
  { category: 'GUARDRAIL', source: 'patch:guardrail-boundary.yaml', item: null },
  { category: 'GUARDRAIL', source: 'patch:guardrail-scp-allow-list.yaml', item: null },
  { category: 'UNKNOWN_RESOURCE', source: 'patch:unknown-execution-role.yaml', item: null },
  { category: 'STRUCTURE', source: 'patch:structure-v1-variables.yaml', item: null },
];

/** Loads a bundled scenario or throws. */
export async function loadBundled(id: string): Promise<Scenario> {
  const loaded = await loadScenarioFile(id);
  if (!loaded.success) throw new Error(`${id} does not load: ${loaded.issues.map((i) => `${i.line}:${i.column} ${i.message}`).join('; ')}`);
  return loaded.data;
}

/** Reads a fixture patch or throws. */
export function fixturePatch(name: string) {
  const read = readPatchText(readFileSync(join(PATCHES, name), 'utf8'), name);
  if (!read.success) throw new Error(`${name}: ${read.issues.map((i) => i.message).join('; ')}`);
  return read.patch;
}

/** The scenario of a case. */
export async function caseScenario(source: string): Promise<Scenario> {
  if (!source.startsWith('patch:')) return loadBundled(source);
  const applied = applyPatch(await loadBundled(REFERENCE), fixturePatch(source.slice('patch:'.length)));
  if (!applied.success) throw new Error(`${source}: ${applied.issues.map((i) => i.message).join('; ')}`);
  return applied.data;
}
