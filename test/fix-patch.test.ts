// JSON Patch over scenarios: operations checked first, applied to a copy, the result validated
// again; located issues for patch files; inverse patches; the fixed scenario written back with
// its comments and the defaults a patch needs.
import { describe, expect, it } from 'vitest';
import { patchScenarioText } from '../engine/analysis/fix-output.js';
import { applyPatch, checkPatchShape, invertPatch, locateIssue, pointer, pointerSegments, readPatchText, shareStructure, type JsonPatch } from '../engine/analysis/patch.js';
import { globCovers, globMatches } from '../engine/analysis/fix-statements.js';
import { loadScenario } from '../model/load.js';
import { loadBundled, REFERENCE } from './fix-cases.js';

const reference = await loadBundled(REFERENCE);

describe('applyPatch', () => {
  it('applies to a copy and keeps untouched parts as the same objects', () => {
    const before = structuredClone(reference);
    const r = applyPatch(reference, [{ op: 'add', path: '/roles/0/tags/team', value: 'platform' }]);
    if (!r.success) throw new Error(r.issues[0]?.message);
    expect(reference).toEqual(before);
    expect(r.data.roles[0]!.tags).toEqual({ ...reference.roles[0]!.tags, team: 'platform' });
    expect(r.data.roles[0]).not.toBe(reference.roles[0]);
    expect(r.data.roles[0]!.trustPolicy).toBe(reference.roles[0]!.trustPolicy);
    expect(r.data.roles[1]).toBe(reference.roles[1]);
    expect(r.data.keys).toBe(reference.keys);
  });

  it.each([
    [[{ op: 'remove', path: '/roles/42' }], '/0', 'cannot remove `/roles/42`: the path does not exist'],
    [[{ op: 'add', path: '/roles/0/tags/x', value: 'y' }, { op: 'ad', path: '/x', value: 1 }], '/1', 'unknown op `ad`: expected one of add, remove, replace, move, copy, test: did you mean `add`?'],
    [[{ op: 'test', path: '/pipeline/pipeline/pipelineType', value: 'V1' }], '/0', 'test failed: `/pipeline/pipeline/pipelineType` is `"V2"`, not `"V1"`'],
    [[{ op: 'add', path: '/nowhere/x', value: 1 }], '/0', 'cannot add `/nowhere/x`: its parent does not exist'],
    [[{ op: 'add', path: '/roles/99', value: {} }], '/0', 'cannot add `/roles/99`: the index is past the end of the list'],
    [[{ op: 'replace', path: '/roles/0' }], '/0', '`replace` needs a `value`'],
    [[{ op: 'add', path: 'roles/0', value: 1 }], '/0', 'path `roles/0` is not a JSON Pointer: it must start with `/`'],
    [[{ op: 'move', path: '/a' }], '/0', '`move` needs a `from` string'],
    [[{ op: 'move', from: '/roles', path: '/roles/0/x' }], '/0', 'cannot move `/roles` into itself'],
    [['add'], '/0', 'expected an operation object, got a string'],
    [{ op: 'add' }, '', 'expected a JSON Patch: a list of operations, got a mapping'],
  ] as const)('%j is an invalid_patch issue at %s', (patch, path, message) => {
    const r = applyPatch(reference, patch);
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(r.issues[0]).toMatchObject({ code: 'invalid_patch', path, message });
  });

  it('refuses a patch that would leave an invalid scenario, naming the path and the operation', () => {
    const r = applyPatch(reference, [
      { op: 'add', path: '/roles/0/tags/x', value: 'y' },
      { op: 'replace', path: '/roles/0/trustPolicy/Statement/0/Effect', value: 'Permit' },
    ]);
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(r.issues[0]).toMatchObject({ code: 'invalid_policy', path: 'roles[0].trustPolicy.Statement[0].Effect', operation: 1 });
    expect(r.issues[0]!.message).toMatch(/^after the patch \(operation 1\): /);
  });

  it('refuses a patch that breaks a reference the loader checks', () => {
    const r = applyPatch(reference, [{ op: 'replace', path: '/pipeline/pipeline/roleArn', value: 'arn:aws:iam::111111111111:role/NoSuchRole' }]);
    expect(r.success).toBe(false);
  });

  it('never lets a patch touch prototypes', () => {
    const r = applyPatch(reference, [{ op: 'add', path: '/__proto__/polluted', value: true }]);
    expect(r.success).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('pointers, shapes and structure sharing', () => {
  it('escapes ~ and / both ways', () => {
    expect(pointer('roles', 0, 'inlinePolicies', 'a/b~c')).toBe('/roles/0/inlinePolicies/a~1b~0c');
    expect(pointerSegments('/roles/0/inlinePolicies/a~1b~0c')).toEqual(['roles', '0', 'inlinePolicies', 'a/b~c']);
    expect(pointerSegments('')).toEqual([]);
  });

  it('accepts the six operations', () => {
    expect(checkPatchShape([{ op: 'add', path: '/a', value: 1 }, { op: 'remove', path: '/a' }, { op: 'replace', path: '', value: {} }, { op: 'move', from: '/a', path: '/b' }, { op: 'copy', from: '/a', path: '/b' }, { op: 'test', path: '/a', value: null }])).toEqual([]);
  });

  it('shares what is equal', () => {
    const prev = { a: { x: 1 }, b: [1, { y: 2 }] };
    const next = shareStructure(prev, { a: { x: 1 }, b: [1, { y: 3 }] }) as typeof prev;
    expect(next.a).toBe(prev.a);
    expect(next.b).not.toBe(prev.b);
    expect(shareStructure(prev, structuredClone(prev))).toBe(prev);
  });
});

describe('invertPatch', () => {
  const cases: readonly (readonly [string, JsonPatch])[] = [
    ['add to a list', [{ op: 'add', path: '/roles/0/trustPolicy/Statement/-', value: { Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole' } }]],
    ['add a new key', [{ op: 'add', path: '/roles/0/tags/team', value: 'platform' }]],
    ['add over an existing key', [{ op: 'add', path: '/roles/0/tags/application', value: 'other' }]],
    ['remove', [{ op: 'remove', path: '/keys/0/policy/Statement/1' }]],
    ['replace', [{ op: 'replace', path: '/keys/0/enabled', value: false }]],
    ['copy', [{ op: 'copy', from: '/roles/0/tags', path: '/roles/1/tags' }]],
    ['move', [{ op: 'move', from: '/roles/0/tags/application', path: '/roles/0/tags/app' }]],
    ['several', [{ op: 'add', path: '/roles/0/tags/a', value: '1' }, { op: 'remove', path: '/roles/0/tags/a' }, { op: 'test', path: '/id', value: REFERENCE }, { op: 'add', path: '/run/failures/0', value: 'Build/Build' }]],
  ];
  it.each(cases)('%s: the inverse restores the document', (_name, patch) => {
    const forward = applyPatch(reference, patch);
    if (!forward.success) throw new Error(forward.issues[0]?.message);
    const inverse = invertPatch(reference, patch);
    if (!inverse) throw new Error('no inverse');
    const back = applyPatch(forward.data, inverse);
    if (!back.success) throw new Error(back.issues[0]?.message);
    expect(back.data).toEqual(reference);
  });

  it('has no inverse for a patch that does not apply', () => {
    expect(invertPatch(reference, [{ op: 'remove', path: '/nope' }])).toBeUndefined();
  });
});

describe('readPatchText', () => {
  it('reads JSON and YAML patches and locates each operation', () => {
    const yaml = readPatchText('# comment\n- op: add\n  path: /a\n  value: 1\n\n- op: remove\n  path: /b\n', 'p.yaml');
    if (!yaml.success) throw new Error('yaml');
    expect(yaml.patch).toEqual([{ op: 'add', path: '/a', value: 1 }, { op: 'remove', path: '/b' }]);
    expect(yaml.locate(1)).toEqual({ line: 6, column: 3 });
    const json = readPatchText('[\n  {"op": "add", "path": "/a", "value": 1},\n  {"op": "remove", "path": "/b"}\n]\n', 'p.json');
    if (!json.success) throw new Error('json');
    expect(json.locate(1)).toEqual({ line: 3, column: 3 });
  });

  it('locates a bad operation in the file', () => {
    const r = readPatchText('- op: add\n  path: /a\n  value: 1\n- op: bogus\n  path: /b\n', 'p.yaml');
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(r.issues).toEqual([expect.objectContaining({ code: 'invalid_patch', path: '/1', file: 'p.yaml', line: 4, column: 3 })]);
  });

  it('locates an issue of applying the patch at its operation', () => {
    const read = readPatchText('[\n  {"op": "test", "path": "/id", "value": "x"}\n]', 'p.json');
    if (!read.success) throw new Error('read');
    const r = applyPatch(reference, read.patch);
    if (r.success) throw new Error('applied');
    expect(locateIssue(r.issues[0]!, 'p.json', read.locate)).toMatchObject({ file: 'p.json', line: 2, column: 3, path: '/0' });
  });

  it.each([
    ['', 'the patch file is empty: expected a list of operations'],
    ['[1, 2', 'not JSON or YAML'],
    ['op: add', 'expected a JSON Patch: a list of operations, got a mapping'],
  ])('%j is refused: %s', (text, message) => {
    const r = readPatchText(text, 'p.json');
    expect(r.success).toBe(false);
    if (!r.success) expect(r.issues[0]!.message).toContain(message);
  });
});

describe('patchScenarioText', () => {
  const source = [
    '# a scenario with comments',
    'id: small',
    'accounts:',
    '  - id: "111111111111"',
    '    name: tooling # the pipeline account',
    'buckets:',
    '  - { name: small-artifacts, account: "111111111111", region: us-east-1 }',
    'roles:',
    '  - arn: arn:aws:iam::111111111111:role/PipelineServiceRole',
    '    trustPolicy:',
    '      Version: "2012-10-17"',
    '      Statement:',
    '        - Effect: Allow',
    '          Principal: { Service: codepipeline.amazonaws.com }',
    '          Action: sts:AssumeRole',
    'pipeline:',
    '  pipeline:',
    '    name: small',
    '    roleArn: arn:aws:iam::111111111111:role/PipelineServiceRole',
    '    artifactStore: { type: S3, location: small-artifacts }',
    '    stages:',
    '      - name: Approve',
    '        actions:',
    '          - name: Approve',
    '            actionTypeId: { category: Approval, owner: AWS, provider: Manual, version: "1" }',
    '  metadata:',
    '    pipelineArn: arn:aws:codepipeline:us-east-1:111111111111:small',
    '',
  ].join('\n');
  const loaded = loadScenario(source, { file: 'small.yaml' });

  it('adds the defaults a patch needs, keeps comments, and loads back to the patched scenario', () => {
    if (!loaded.success) throw new Error(loaded.issues[0]?.message);
    // The file has no inlinePolicies; the loaded scenario has `{}`.
    const patch: JsonPatch = [{ op: 'add', path: '/roles/0/inlinePolicies/PipelineAccess', value: { Version: '2012-10-17', Statement: [{ Sid: 'AllowSnsPublish', Effect: 'Allow', Action: 'sns:Publish', Resource: 'arn:aws:sns:us-east-1:111111111111:t' }] } }];
    const out = patchScenarioText(source, loaded.data, patch, { format: 'yaml', file: 'small.yaml' });
    if (!out.success) throw new Error(out.message);
    expect(out.preserved).toBe(true);
    expect(out.text).toContain('# a scenario with comments');
    expect(out.text).toContain('name: tooling # the pipeline account');
    expect(out.text).toContain('    inlinePolicies:\n      PipelineAccess:\n        Version: 2012-10-17\n');
    const again = loadScenario(out.text, { file: 'small.yaml' });
    const expected = applyPatch(loaded.data, patch);
    if (!again.success || !expected.success) throw new Error('reload');
    expect(again.data).toEqual(expected.data);
  });

  it('writes JSON when asked', () => {
    if (!loaded.success) throw new Error('load');
    const out = patchScenarioText(source, loaded.data, [{ op: 'replace', path: '/roles/0/trustPolicy/Statement/0/Action', value: 'sts:AssumeRole' }], { format: 'json', file: 'small.json' });
    if (!out.success) throw new Error(out.message);
    expect(JSON.parse(out.text).roles[0].trustPolicy.Statement[0].Action).toBe('sts:AssumeRole');
  });
});

describe('IAM patterns', () => {
  it.each([
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::b/p/a/*', true],
    ['arn:aws:s3:::b/p/*', 'arn:aws:s3:::b/*', false],
    ['*', 'anything*', true],
    ['kms:*', 'kms:Decrypt', true],
    ['a?', 'a*', false],
    ['a*c', 'ab*c', true],
  ])('globCovers(%s, %s) is %s', (outer, inner, want) => {
    expect(globCovers(outer, inner)).toBe(want);
  });

  it('matches actions without case', () => {
    expect(globMatches('KMS:decrypt', 'kms:Decrypt', true)).toBe(true);
    expect(globMatches('arn:aws:s3:::B/*', 'arn:aws:s3:::b/x')).toBe(false);
  });
});
