// Bad input never produces a stack trace: every fixture under test/fixtures/bad is refused
// with a located issue (file, line, column, path, code), by the library and by the CLI.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario, MAX_DOCUMENT_BYTES } from '../model/load.js';
import { loadScenarioFile } from '../model/source.js';
import { buildCli, inBatches, runCli, type CliRun } from './helpers/cli.js';

const BAD = 'test/fixtures/bad';

/** Each fixture, the first error it must produce, and where. */
const TABLE: readonly { readonly file: string; readonly code: string; readonly path: string; readonly line: number }[] = [
  { file: 'account-id-number.yaml', code: 'invalid_type', path: 'accounts[0].id', line: 3 },
  { file: 'accounts-string.yaml', code: 'invalid_type', path: 'accounts', line: 2 },
  { file: 'alias-bomb.yaml', code: 'alias_bomb', path: 'b[0]', line: 3 },
  { file: 'artifact-store-conflict.yaml', code: 'artifact_store_conflict', path: 'pipeline.pipeline.artifactStores', line: 32 },
  { file: 'aws-managed-key-policy.yaml', code: 'aws_managed_key_policy', path: 'keys[0].policy', line: 24 },
  { file: 'bad-indentation.yaml', code: 'yaml_syntax', path: 'roles', line: 7 },
  { file: 'bad-region.yaml', code: 'invalid_format', path: 'buckets[0].region', line: 23 },
  { file: 'binary-garbage.yaml', code: 'not_text', path: '', line: 1 },
  { file: 'bom-syntax-error.json', code: 'invalid_json', path: '', line: 3 },
  { file: 'comments-only.yaml', code: 'empty_document', path: '', line: 1 },
  { file: 'duplicate-key.yaml', code: 'duplicate_key', path: 'accounts[0].name', line: 5 },
  { file: 'duplicate-role-arn.yaml', code: 'duplicate_name', path: 'roles[1].arn', line: 20 },
  { file: 'duplicate-stage-name.yaml', code: 'duplicate_name', path: 'pipeline.pipeline.stages[1].name', line: 41 },
  { file: 'duplicate-top-level-key.yaml', code: 'duplicate_key', path: 'accounts', line: 43 },
  { file: 'empty-stages.yaml', code: 'too_small', path: 'pipeline.pipeline.stages', line: 32 },
  { file: 'empty.yaml', code: 'empty_document', path: '', line: 1 },
  { file: 'identity-policy-principal.yaml', code: 'invalid_policy', path: 'roles[0].inlinePolicies.artifacts.Statement[0].Principal', line: 18 },
  { file: 'invalid-action-role-arn.yaml', code: 'invalid_arn', path: 'pipeline.pipeline.stages[0].actions[0].roleArn', line: 40 },
  { file: 'invalid-cloudformation-role-arn.yaml', code: 'invalid_arn', path: 'pipeline.pipeline.stages[1].actions[0].configuration.RoleArn', line: 48 },
  { file: 'invalid-connection-arn.yaml', code: 'invalid_arn', path: 'connections[0].arn', line: 21 },
  { file: 'invalid-enum.yaml', code: 'invalid_value', path: 'pipeline.pipeline.stages[0].actions[0].actionTypeId.category', line: 36 },
  { file: 'invalid-function-arn.yaml', code: 'invalid_arn', path: 'lambdaFunctions[0].arn', line: 21 },
  { file: 'invalid-key-arn.yaml', code: 'invalid_arn', path: 'keys[0].arn', line: 21 },
  { file: 'invalid-managed-policy-arn.yaml', code: 'invalid_arn', path: 'roles[0].managedPolicies[0]', line: 13 },
  { file: 'invalid-pipeline-arn.yaml', code: 'invalid_arn', path: 'pipeline.metadata.pipelineArn', line: 42 },
  { file: 'invalid-pipeline-role-arn.yaml', code: 'invalid_arn', path: 'pipeline.pipeline.roleArn', line: 28 },
  { file: 'invalid-project-arn.yaml', code: 'invalid_arn', path: 'codeBuildProjects[0].arn', line: 21 },
  { file: 'invalid-repository-arn.yaml', code: 'invalid_arn', path: 'codeCommitRepositories[0].arn', line: 21 },
  { file: 'invalid-role-arn.yaml', code: 'invalid_arn', path: 'roles[0].arn', line: 6 },
  { file: 'invalid-topic-arn.yaml', code: 'invalid_arn', path: 'snsTopics[0].arn', line: 21 },
  { file: 'merge-key-not-mapping.yaml', code: 'invalid_merge_key', path: 'accounts[0].<<', line: 5 },
  { file: 'merge-key-sequence.yaml', code: 'invalid_merge_key', path: 'accounts[0].<<[0]', line: 6 },
  { file: 'missing-artifact-store.yaml', code: 'missing_artifact_store', path: 'pipeline.pipeline', line: 27 },
  { file: 'missing-required-key.yaml', code: 'missing_key', path: 'accounts[0].name', line: 3 },
  { file: 'misspelt-artifact-store.yaml', code: 'unknown_key', path: 'pipeline.pipeline.artifactStors', line: 29 },
  { file: 'misspelt-statement.yaml', code: 'unknown_key', path: 'roles[0].trustPolicy.Statment', line: 9 },
  { file: 'misspelt-trust-policy.yaml', code: 'unknown_key', path: 'roles[0].trustPolicyy', line: 7 },
  { file: 'multiple-documents.yaml', code: 'multiple_documents', path: '', line: 43 },
  { file: 'nul-byte.yaml', code: 'not_text', path: '', line: 4 },
  { file: 'policy-actions-key.yaml', code: 'invalid_policy', path: 'roles[0].inlinePolicies.artifacts.Statement[0].Actions', line: 18 },
  { file: 'policy-effect-permit.yaml', code: 'invalid_policy', path: 'roles[0].inlinePolicies.artifacts.Statement[0].Effect', line: 17 },
  { file: 'policy-missing-statement.yaml', code: 'missing_key', path: 'roles[0].inlinePolicies.artifacts.Statement', line: 15 },
  { file: 'resource-not-arn.yaml', code: 'invalid_resource', path: 'roles[0].inlinePolicies.artifacts.Statement[0].Resource', line: 19 },
  { file: 'run-order-string.yaml', code: 'invalid_type', path: 'pipeline.pipeline.stages[0].actions[0].runOrder', line: 40 },
  { file: 'scp-with-principal.yaml', code: 'invalid_policy', path: 'organization.policies[0].document.Statement[0].Principal', line: 31 },
  { file: 'single-quotes.json', code: 'invalid_json', path: '', line: 2 },
  { file: 'tab-indentation.yaml', code: 'tab_indentation', path: '', line: 3 },
  { file: 'top-level-list.yaml', code: 'not_a_mapping', path: '', line: 2 },
  { file: 'top-level-scalar.yaml', code: 'not_a_mapping', path: '', line: 2 },
  { file: 'trailing-comma.json', code: 'invalid_json', path: '', line: 3 },
  { file: 'trust-policy-resource.yaml', code: 'invalid_policy', path: 'roles[0].trustPolicy.Statement[0].Resource', line: 13 },
  { file: 'unclosed-quote.yaml', code: 'yaml_syntax', path: 'accounts[0].id', line: 3 },
  { file: 'unknown-account.yaml', code: 'unknown_account', path: 'buckets[0].account', line: 22 },
  { file: 'unknown-action-role.yaml', code: 'unknown_role', path: 'pipeline.pipeline.stages[0].actions[0].roleArn', line: 40 },
  { file: 'unknown-bucket.yaml', code: 'unknown_bucket', path: 'pipeline.pipeline.artifactStore.location', line: 31 },
  { file: 'unknown-key-in-action.yaml', code: 'unknown_key', path: 'pipeline.pipeline.stages[0].actions[0].runorder', line: 40 },
  { file: 'unknown-key-in-role.yaml', code: 'unknown_key', path: 'roles[0].description', line: 13 },
  { file: 'unknown-key.json', code: 'unknown_key', path: 'pipeline.pipeline.stages[0].actions[0].timeoutInMinute', line: 77 },
  { file: 'unknown-kms-key.yaml', code: 'unknown_kms_key', path: 'pipeline.pipeline.artifactStore.encryptionKey.id', line: 32 },
  { file: 'unknown-managed-policy.yaml', code: 'unknown_policy', path: 'roles[0].managedPolicies[0]', line: 13 },
  { file: 'unknown-ou.yaml', code: 'unknown_ou', path: 'accounts[0].ou', line: 5 },
  { file: 'unknown-pipeline-role.yaml', code: 'unknown_role', path: 'pipeline.pipeline.roleArn', line: 28 },
  { file: 'unknown-top-level-key.yaml', code: 'unknown_key', path: 'colour', line: 20 },
  { file: 'unresolved-alias.yaml', code: 'unresolved_alias', path: 'roles[0].trustPolicy', line: 7 },
  { file: 'whitespace-only.yaml', code: 'empty_document', path: '', line: 1 },
];

const STACK_LINE = /^\s+at /m;

describe('bad fixtures: the library', () => {
  it('the table covers every fixture and there are at least 42', () => {
    const files = readdirSync(BAD).sort();
    expect(files.length).toBeGreaterThanOrEqual(42);
    expect(TABLE.map((t) => t.file).sort()).toEqual(files);
  });

  for (const expected of TABLE) {
    it(`${expected.file}: ${expected.code} at ${expected.path || '(document)'} line ${expected.line}`, async () => {
      // Given a fixture with one problem
      const file = `${BAD}/${expected.file}`;
      // When it is loaded
      const result = await loadScenarioFile(file);
      // Then it is refused, and the first error names the problem and where it is
      expect(result.success).toBe(false);
      if (result.success) return;
      const first = result.issues.find((i) => i.severity === 'error');
      expect(first).toMatchObject({ code: expected.code, path: expected.path, line: expected.line, file, severity: 'error' });
      // Messages follow the style: one line, no final period, lowercase unless an acronym or code starts it.
      for (const issue of result.issues) {
        expect(issue.column).toBeGreaterThanOrEqual(1);
        expect(issue.message).not.toMatch(/\n/);
        expect(issue.message).not.toMatch(/\.$/);
        expect(issue.message).toMatch(/^([a-z`]|[A-Z]{2,}|OU )/);
      }
    });
  }
});

describe('documents over 10 MiB', () => {
  let dir: string;
  let huge: string;
  beforeAll(() => {
    // Generated at run time, never committed: 50 MB of valid-looking YAML.
    dir = mkdtempSync(join(tmpdir(), 'pipesim-huge-'));
    huge = join(dir, 'huge.yaml');
    const line = `# ${'x'.repeat(97)}\n`;
    writeFileSync(huge, `accounts: []\n${line.repeat(50 * 1024 * 1024 / line.length)}`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a 50 MB file is refused before it is read', async () => {
    const started = performance.now();
    const result = await loadScenarioFile(huge);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.issues[0]).toMatchObject({ code: 'file_too_large', line: 1, column: 1, path: '' });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('a 50 MB string is refused before it is parsed', () => {
    const result = loadScenario(`a: 1\n${'#'.repeat(50 * 1024 * 1024)}`, { file: 'huge.yaml' });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.issues[0]?.code).toBe('file_too_large');
  });

  it('the limit counts UTF-8 bytes, not characters', () => {
    const result = loadScenario(`a: ${'é'.repeat(MAX_DOCUMENT_BYTES / 2 + 1)}`, { file: 'wide.yaml' });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.issues[0]?.code).toBe('file_too_large');
  });

  describe('the CLI', () => {
    let cli: string;
    let cleanup: () => void = () => undefined;
    beforeAll(() => ({ cli, cleanup } = buildCli()));
    afterAll(() => cleanup());

    it('exits 2 on a 50 MB file', async () => {
      const run = await runCli(cli, ['validate', huge]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/\[file_too_large\]/);
    });

    it('every bad fixture: exit 2, `file:line:column: ` on stderr, no stack trace', async () => {
      const runs = await inBatches(TABLE, 2, async (t) => ({ t, run: await runCli(cli, ['validate', `${BAD}/${t.file}`]) }));
      const failures: string[] = [];
      for (const { t, run } of runs) {
        const file = `${BAD}/${t.file}`;
        const prefix = new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${t.line}:\\d+: error: `);
        if (run.code !== 2) failures.push(`${t.file}: exit ${run.code}`);
        if (!prefix.test(run.stderr)) failures.push(`${t.file}: stderr ${JSON.stringify(run.stderr.slice(0, 200))}`);
        if (!run.stderr.includes(`[${t.code}]`)) failures.push(`${t.file}: no [${t.code}] in stderr`);
        if (STACK_LINE.test(run.stderr) || STACK_LINE.test(run.stdout)) failures.push(`${t.file}: stack trace`);
      }
      expect(failures).toEqual([]);
    });

    it('--json prints { valid: false, issues } and still exits 2', async () => {
      const run: CliRun = await runCli(cli, ['validate', '--json', `${BAD}/policy-effect-permit.yaml`]);
      expect(run.code).toBe(2);
      const body = JSON.parse(run.stdout) as { valid: boolean; issues: { code: string; line: number }[] };
      expect(body.valid).toBe(false);
      expect(body.issues[0]).toMatchObject({ code: 'invalid_policy', line: 17 });
    });

    it('a missing file exits 2 with file_not_found', async () => {
      const run = await runCli(cli, ['validate', 'no/such/file.yaml']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^no\/such\/file\.yaml:1:1: error: .*\[file_not_found\]$/m);
    });

    it('usage errors exit 2, not 1', async () => {
      for (const args of [['validate'], ['no-such-command'], ['validate', '--no-such-option', 'x.yaml']]) {
        const run = await runCli(cli, args);
        expect(run.code, args.join(' ')).toBe(2);
        expect(run.stderr).not.toMatch(STACK_LINE);
      }
    });

    it('standard input (`-`) is read, and named <stdin>', async () => {
      const run = await runCli(cli, ['validate', '-'], { stdin: '{"accounts": [],}' });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^<stdin>:1:16: error: .*\[invalid_json\]$/m);
    });

    it('a valid file exits 0 and warnings do not change that', async () => {
      const ok = await runCli(cli, ['validate', 'test/fixtures/good/minimal.yaml']);
      expect(ok).toMatchObject({ code: 0, stderr: '' });
      const warned = await runCli(cli, ['validate', 'test/fixtures/good/unknown-actions.yaml']);
      expect(warned.code).toBe(0);
      expect(warned.stderr).toMatch(/^test\/fixtures\/good\/unknown-actions\.yaml:19:\d+: warning: .*\[unknown_action\]$/m);
    });

    it('the bin starts with a shebang, lists scenarios, and prints something useful without arguments', async () => {
      expect(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
      const list = await runCli(cli, ['scenarios', '--json']);
      expect(list.code).toBe(0);
      expect(Array.isArray(JSON.parse(list.stdout))).toBe(true);
      const home = await runCli(cli, []);
      expect(home.code).toBe(0);
      expect(home.stdout).toMatch(/pipesim validate/);
    });
  });
});
