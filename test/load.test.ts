// Loading: good documents load, positions are right, and nothing ever throws.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultScenarioId, loadScenario, type LoadResult } from '../model/load.js';
import { formatPath, joinLibraryPath, parsePath } from '../model/path.js';
import { listBundledScenarios, loadScenarioFile } from '../model/source.js';
import { didYouMean, editDistance } from '../model/suggest.js';
import { checkScenario } from '../model/validate.js';

const GOOD = 'test/fixtures/good';
const minimal = readFileSync(`${GOOD}/minimal.yaml`, 'utf8');

/** Loads text and returns the issues (or fails the test if it loads). */
function issuesOf(text: string, file = 'case.yaml') {
  const result = loadScenario(text, { file });
  if (result.success) throw new Error('expected the document to be refused');
  return result.issues;
}

/** Replaces one exact piece of the minimal scenario. */
function minimalWith(old: string, replacement: string): string {
  expect(minimal.split(old).length, `\`${old}\` occurs once`).toBe(2);
  return minimal.replace(old, replacement);
}

describe('paths', () => {
  it('formats keys with dots, indexes in brackets, odd keys quoted', () => {
    expect(formatPath(['roles', 2, 'trustPolicy', 'Statement', 0, 'Effect'])).toBe('roles[2].trustPolicy.Statement[0].Effect');
    expect(formatPath(['pipeline', 'pipeline', 'artifactStores', 'eu-west-1'])).toBe('pipeline.pipeline.artifactStores.eu-west-1');
    expect(formatPath(['Condition', 'StringEquals', 'kms:ViaService'])).toBe('Condition.StringEquals.kms:ViaService');
    expect(formatPath(['tags', 'a.b c'])).toBe('tags["a.b c"]');
    expect(formatPath([])).toBe('');
  });

  it('parses what it formats', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.nat(1000)), { maxLength: 6 }), (segments) => {
        const nonEmpty = segments.filter((s) => s !== '');
        expect(parsePath(formatPath(nonEmpty))).toEqual(nonEmpty);
      }),
    );
    expect(parsePath('a[x]')).toBeUndefined();
    expect(parsePath('.a')).toBeUndefined();
  });

  it("appends the policy library's paths", () => {
    expect(joinLibraryPath(['roles', 0, 'trustPolicy'], 'Statement[1].#Actions')).toEqual(['roles', 0, 'trustPolicy', 'Statement', 1, 'Actions']);
    expect(joinLibraryPath(['p'], '.#Foo')).toEqual(['p', 'Foo']);
    expect(joinLibraryPath(['p'], '')).toEqual(['p']);
  });
});

describe('did you mean', () => {
  it('counts an adjacent swap as one edit', () => {
    expect(editDistance('Statment', 'Statement')).toBe(1);
    expect(editDistance('Efefct', 'Effect')).toBe(1);
  });

  it('suggests close keys, ties together, and nothing far away', () => {
    expect(didYouMean('trustPolicyy', ['trustPolicy', 'arn'])).toBe(': did you mean `trustPolicy`?');
    expect(didYouMean('artifactStors', ['artifactStore', 'artifactStores'])).toBe(': did you mean `artifactStore` or `artifactStores`?');
    expect(didYouMean('runorder', ['runOrder', 'region'])).toBe(': did you mean `runOrder`?');
    expect(didYouMean('colour', ['accounts', 'roles'])).toBe('');
  });
});

describe('good documents', () => {
  it.each(['minimal.yaml', 'bom.json', 'anchors.yaml'])('%s loads with no warnings', async (name) => {
    const result = await loadScenarioFile(`${GOOD}/${name}`);
    expect(result.success ? result.warnings : result.issues).toEqual([]);
    expect(result.success).toBe(true);
  });

  it('a scenario without id gets the file base name; a bundled one its id', async () => {
    const result = loadScenario(minimal, { file: 'some/dir/my-pipeline.yaml' });
    expect(result.success && result.data.id).toBe('my-pipeline');
    expect(defaultScenarioId('<stdin>')).toBe('stdin');
    const bundled = listBundledScenarios();
    if (bundled.some((s) => s.id === 'reference/four-accounts-two-regions')) {
      const loaded = await loadScenarioFile('reference/four-accounts-two-regions');
      expect(loaded.success && loaded.data.id).toBe('reference/four-accounts-two-regions');
    }
  });

  it('bundled scenarios are listed with their titles, and every one loads', async () => {
    const bundled = listBundledScenarios();
    for (const entry of bundled) {
      expect(entry.id).not.toMatch(/\.(ya?ml|json)$/);
      const result = await loadScenarioFile(entry.file);
      expect(result.success ? [] : result.issues, entry.id).toEqual([]);
      if (result.success && typeof result.data.title === 'string') expect(entry.title).toBe(result.data.title.trim());
    }
  });

  it('locates paths, through aliases, and falls back to the nearest parent', () => {
    const result = loadScenario(readFileSync(`${GOOD}/anchors.yaml`, 'utf8'), { file: 'anchors.yaml' });
    if (!result.success) throw new Error(result.issues[0]?.message);
    expect(result.locate('pipeline.pipeline.stages[0].actions[0].roleArn')).toEqual({ line: 33, column: 22 });
    // roles[1].trustPolicy is an alias of roles[0]'s: its statements sit where the anchor is.
    expect(result.locate('roles[1].trustPolicy.Statement[0].Effect')).toEqual({ line: 12, column: 19 });
    // A merge key: tags.team comes from the account's tags.
    expect(result.locate('roles[0].tags.team')?.line).toBe(6);
    expect(result.locate('roles[0].noSuchKey.deeper')?.line).toBe(8);
    expect(result.locate('not a [ path')).toBeUndefined();
  });

  it('unknown actions are warnings, with suggestions, and the scenario still loads', async () => {
    const result = await loadScenarioFile(`${GOOD}/unknown-actions.yaml`);
    if (!result.success) throw new Error(result.issues[0]?.message);
    expect(result.warnings.map((w) => [w.code, w.path, w.message])).toEqual([
      ['unknown_action', 'roles[0].inlinePolicies.artifacts.Statement[0].Action[0]', 'unknown action `s3:GetObjcet`: did you mean `s3:GetObject`?'],
      ['unknown_action', 'roles[0].inlinePolicies.artifacts.Statement[0].Action[2]', 'action pattern `s3:Gett*` matches no action of `s3`'],
      ['unknown_action', 'roles[0].inlinePolicies.artifacts.Statement[0].Action[3]', 'unknown service `s4` in action `s4:PutObject`: did you mean `s3`?'],
    ]);
  });

  it('reads standard input, and UTF-16 files with a byte order mark', async () => {
    const stdin = await loadScenarioFile('-', { stdin: minimal });
    expect(stdin.file).toBe('<stdin>');
    expect(stdin.success && stdin.data.id).toBe('stdin');
    const dir = mkdtempSync(join(tmpdir(), 'pipesim-utf16-'));
    try {
      const file = join(dir, 'windows.yaml');
      writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(minimal, 'utf16le')]));
      expect((await loadScenarioFile(file)).success).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('refusals not covered by the fixture table', () => {
  it('a bundled id that does not exist suggests the closest one', async () => {
    const bundled = listBundledScenarios();
    if (!bundled.some((s) => s.id === 'reference/four-accounts-two-regions')) return;
    const result = await loadScenarioFile('reference/four-accounts-two-region');
    expect(result.success).toBe(false);
    if (!result.success) expect(result.issues[0]?.message).toMatch(/did you mean `reference\/four-accounts-two-regions`\?$/);
  });

  it('a directory is not a scenario', async () => {
    const result = await loadScenarioFile('test/fixtures');
    expect(!result.success && result.issues[0]?.code).toBe('not_a_file');
  });

  it('duplicate account ids, policy targets and approvers are checked', () => {
    const text = minimalWith(
      "    name: tooling\n",
      "    name: tooling\n  - id: '111111111111'\n    name: again\n",
    ).replace(
      'buckets:\n',
      "organization:\n  id: o-a1b2c3d4e5\n  rootId: r-ab12\n  policies:\n    - name: guard\n      type: SERVICE_CONTROL_POLICY\n      targets: [r-ab13]\n      document: { Version: '2012-10-17', Statement: { Effect: Deny, Action: 's3:DeleteBucket', Resource: '*' } }\nbuckets:\n",
    ) + "run:\n  approvals:\n    - action: Source/Source\n      approver: arn:aws:iam::111111111111:role/Approver\n";
    expect(issuesOf(text).map((i) => [i.code, i.path])).toEqual([
      ['duplicate_name', 'accounts[1].id'],
      ['unknown_ou', 'organization.policies[0].targets[0]'],
      ['unknown_role', 'run.approvals[0].approver'],
    ]);
  });

  it('where FullAWSAccess was detached is checked: a known target, not one it is listed as attached to', () => {
    const text = minimalWith('buckets:\n', 'buckets:\n').replace(
      'buckets:\n',
      "organization:\n  id: o-a1b2c3d4e5\n  rootId: r-ab12\n  policies:\n    - name: FullAWSAccess\n      type: SERVICE_CONTROL_POLICY\n      targets: [r-ab12]\n      document: { Version: '2012-10-17', Statement: { Effect: Allow, Action: '*', Resource: '*' } }\n  fullAwsAccessDetachedFrom: ['111111111111', r-ab13, r-ab12]\nbuckets:\n",
    );
    expect(issuesOf(text).map((i) => [i.code, i.path, i.message])).toEqual([
      ['unknown_ou', 'organization.fullAwsAccessDetachedFrom[1]', '`r-ab13` is neither the root `r-ab12`, a declared OU nor a declared account: did you mean `r-ab12`?'],
      ['full_aws_access_conflict', 'organization.fullAwsAccessDetachedFrom[2]', '`FullAWSAccess` is detached from `r-ab12` but listed in `organization.policies` as attached to it'],
    ]);
  });

  it('a number where text is expected is quoted back as written', () => {
    const issues = issuesOf(minimalWith("  - id: '111111111111'", '  - id: 011111111111'));
    expect(issues[0]?.message).toBe("expected text, got the number `011111111111`: put it in quotes (`'011111111111'`)");
  });

  it('a union reports the branch that fits: a list where `*` or a mapping is expected', () => {
    const issues = issuesOf(minimalWith('Principal: { Service: codepipeline.amazonaws.com }', 'Principal: [codepipeline.amazonaws.com]'));
    expect(issues.map((i) => [i.code, i.path, i.message])).toEqual([
      ['invalid_type', 'roles[0].trustPolicy.Statement[0].Principal', 'expected `*` or a mapping, got a list'],
    ]);
  });

  it('issues are sorted by position', () => {
    const issues = issuesOf(minimalWith('    region: us-east-1', '    region: nowhere').replace("    name: tooling\n", ''));
    expect(issues.map((i) => i.line)).toEqual([...issues.map((i) => i.line)].sort((a, b) => a - b));
  });
});

describe('YAML merge keys', () => {
  const tagsWith = (merge: string) => minimalWith("    name: tooling\n", `    name: tooling\n    tags:\n      owner: ci\n      <<: ${merge}\n`);
  const first = (text: string) => {
    const [issue] = issuesOf(`defaults: &defaults { team: platform }\nlist: &list [a, b]\n${text}`);
    return issue && [issue.code, issue.path, issue.line, issue.column, issue.message];
  };

  it('a mapping, or a list of mappings, merges', () => {
    const loaded = loadScenario(minimalWith("    name: tooling\n", '    name: tooling\n    tags:\n      <<: { team: platform }\n      <<: [{ env: prod }, { team: other, tier: web }]\n'), { file: 'case.yaml' });
    expect(loaded.success && loaded.data.accounts[0]?.tags).toEqual({ team: 'platform', env: 'prod', tier: 'web' });
  });

  it('a merge source that is not a mapping is a located invalid_merge_key, never an internal error', () => {
    // Given merge keys whose value is text, a list of text, an alias of a list, or nothing
    // Then each is refused where the bad source is written
    expect(first(tagsWith('production'))).toEqual(['invalid_merge_key', 'accounts[0].tags.<<', 11, 11, 'merge key `<<` expects a mapping, an alias of one or a list of those, got text `production`']);
    expect(first(tagsWith('[*defaults, 3]'))).toEqual(['invalid_merge_key', 'accounts[0].tags.<<[1]', 11, 23, 'merge key `<<` expects a list of mappings or aliases of mappings, got the number `3`']);
    expect(first(tagsWith('*list'))).toEqual(['invalid_merge_key', 'accounts[0].tags.<<', 11, 11, 'merge key `<<` expects a list of mappings or aliases of mappings, got text `a` in the list `*list`']);
    expect(first(tagsWith('[*list]'))).toEqual(['invalid_merge_key', 'accounts[0].tags.<<[0]', 11, 12, 'merge key `<<` expects a list of mappings or aliases of mappings, got alias `*list` of a list']);
    expect(first(tagsWith(''))).toEqual(['invalid_merge_key', 'accounts[0].tags.<<', 11, 7, 'merge key `<<` has no value: expected a mapping, an alias of one or a list of those']);
    expect(first(tagsWith('*nowhere'))).toEqual(['unresolved_alias', 'accounts[0].tags.<<', 11, 11, 'alias refers to an anchor that is not defined before it: nowhere']);
    // A merge key inside a complex key (found by test/fuzz.test.ts) is checked as well.
    expect(issuesOf('? <<: *a\n')[0]).toMatchObject({ code: 'unresolved_alias', line: 1, column: 7 });
  });
});

describe('never throws', () => {
  const wellFormed = (result: LoadResult) => {
    if (result.success) return;
    expect(result.issues.length).toBeGreaterThan(0);
    for (const issue of result.issues) {
      expect(issue.line).toBeGreaterThanOrEqual(1);
      expect(issue.column).toBeGreaterThanOrEqual(1);
      expect(issue.code).toMatch(/^[a-z_]+$/);
      expect(issue.code).not.toBe('internal_error');
    }
  };

  it('on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => wellFormed(loadScenario(text, { file: 'x.yaml' }))), { numRuns: 300 });
  });

  it('on arbitrary JSON values, as YAML and as JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        wellFormed(loadScenario(JSON.stringify(value), { file: 'x.json' }));
        wellFormed(loadScenario(JSON.stringify(value, null, 1), { file: 'x.yaml' }));
      }),
      { numRuns: 200 },
    );
  });

  it('on mutations of a valid scenario (one line dropped)', () => {
    const lines = minimal.split('\n');
    for (let i = 0; i < lines.length; i += 1) wellFormed(loadScenario(lines.filter((_, j) => j !== i).join('\n'), { file: 'x.yaml' }));
  });

  it('an unexpected exception becomes an internal_error issue', () => {
    const result = loadScenario(undefined as unknown as string, { file: 'broken' });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.issues[0]).toMatchObject({ code: 'internal_error', file: 'broken', line: 1, column: 1 });
  });
});

describe('checkScenario', () => {
  it('gives the same semantic issues for a scenario built in code, without positions', () => {
    const loaded = loadScenario(minimal, { file: 'minimal.yaml' });
    if (!loaded.success) throw new Error('minimal does not load');
    const broken = { ...loaded.data, buckets: [] };
    expect(checkScenario(broken)).toEqual([
      expect.objectContaining({ code: 'unknown_bucket', path: 'pipeline.pipeline.artifactStore.location', severity: 'error' }),
    ]);
  });
});
