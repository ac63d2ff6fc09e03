// Robustness: 10,000 fuzzed documents through loadScenario and, when one loads, simulate — never
// an exception, always issues or a result. Structure-aware documents take a valid scenario and
// replace random subtrees with random JSON values, delete keys, swap types and misspell keys;
// the rest are random strings, bytes, YAML token soup and truncated documents. Most documents
// fail to load quickly; the small base keeps parsing cheap, the reference is fuzzed more rarely.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createMemo } from '../engine/authorize.js';
import { simulate } from '../engine/simulate.js';
import { buildTopology } from '../engine/topology.js';
import type { SimulationResult } from '../engine/types.js';
import { loadScenario, type LoadResult } from '../model/load.js';
import { regressions } from './regressions/cases.js';

const RUNS = process.env['PIPESIM_DEEP'] ? 100_000 : 10_000;
const MAX_SIMULATIONS = process.env['PIPESIM_DEEP'] ? 20_000 : 1_500;

/** A small valid scenario: one account, CodeCommit → CodeBuild. */
const MINIMAL = {
  id: 'fuzz/minimal',
  accounts: [{ id: '111111111111', name: 'tooling', tags: { team: 'platform' } }],
  roles: [
    {
      arn: 'arn:aws:iam::111111111111:role/PipelineRole',
      trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'codepipeline.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      inlinePolicies: {
        Pipeline: {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'Source', Effect: 'Allow', Action: ['codecommit:GetBranch', 'codecommit:GetCommit', 'codecommit:UploadArchive', 'codecommit:GetUploadArchiveStatus'], Resource: 'arn:aws:codecommit:us-east-1:111111111111:app' },
            { Sid: 'Artifacts', Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::app-artifacts-111111111111/*' },
            { Sid: 'Build', Effect: 'Allow', Action: ['codebuild:StartBuild', 'codebuild:BatchGetBuilds'], Resource: 'arn:aws:codebuild:us-east-1:111111111111:project/app' },
          ],
        },
      },
    },
    {
      arn: 'arn:aws:iam::111111111111:role/BuildRole',
      trustPolicy: { Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole' } },
      inlinePolicies: { Build: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::app-artifacts-111111111111/*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }] } },
    },
  ],
  buckets: [{ name: 'app-artifacts-111111111111', account: '111111111111', region: 'us-east-1', versioning: 'Enabled' }],
  codeBuildProjects: [{ arn: 'arn:aws:codebuild:us-east-1:111111111111:project/app', serviceRole: 'arn:aws:iam::111111111111:role/BuildRole' }],
  codeCommitRepositories: [{ arn: 'arn:aws:codecommit:us-east-1:111111111111:app' }],
  pipeline: {
    pipeline: {
      name: 'app',
      roleArn: 'arn:aws:iam::111111111111:role/PipelineRole',
      artifactStore: { type: 'S3', location: 'app-artifacts-111111111111' },
      stages: [
        { name: 'Source', actions: [{ name: 'Source', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' }, configuration: { RepositoryName: 'app', BranchName: 'main' }, outputArtifacts: [{ name: 'Src' }] }] },
        { name: 'Build', actions: [{ name: 'Build', actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' }, configuration: { ProjectName: 'app' }, inputArtifacts: [{ name: 'Src' }], outputArtifacts: [{ name: 'Out' }] }] },
      ],
    },
    metadata: { pipelineArn: 'arn:aws:codepipeline:us-east-1:111111111111:app' },
  },
};

/** Internal errors of open regressions (test/regressions/*.json): reported bugs, tolerated here, replayed there. */
const KNOWN_INTERNAL_ERRORS = regressions().flatMap(({ regression: r }) => (r.check === 'load-issues-are-located' && r.status === 'open' && r.knownInternalError ? [r.knownInternalError] : []));

const REFERENCE_TEXT = readFileSync(fileURLToPath(new URL('../scenarios/reference/four-accounts-two-regions.yaml', import.meta.url)), 'utf8');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = readonly (string | number)[];

/** Every path of a JSON value (the root excluded). */
function pathsOf(value: Json, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
  return [];
}

type Edit =
  | { readonly kind: 'replace'; readonly at: number; readonly value: Json }
  | { readonly kind: 'delete'; readonly at: number }
  | { readonly kind: 'swap-type'; readonly at: number; readonly to: number }
  | { readonly kind: 'misspell-key'; readonly at: number; readonly char: string }
  | { readonly kind: 'duplicate'; readonly at: number };

/** Applies an edit in place to a copy; a path that no longer exists is skipped. */
function applyEdit(doc: Json, paths: readonly Path[], edit: Edit): Json {
  const path = paths[edit.at % paths.length]!;
  let parent: Json = doc;
  for (const t of path.slice(0, -1)) {
    if (parent === null || typeof parent !== 'object') return doc;
    parent = (parent as Record<string, Json>)[t as string] as Json;
  }
  if (parent === null || typeof parent !== 'object') return doc;
  const last = path[path.length - 1]!;
  const container = parent as Record<string | number, Json>;
  if (!(last in container)) return doc;
  const current = container[last]!;
  switch (edit.kind) {
    case 'replace':
      container[last] = edit.value;
      break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete container[last];
      break;
    case 'swap-type': {
      const swaps: Json[] = [
        typeof current === 'string' ? Number.parseInt(current, 10) || 0 : String(JSON.stringify(current)),
        Array.isArray(current) ? Object.fromEntries(current.map((v, i) => [String(i), v])) : current && typeof current === 'object' ? Object.values(current) : [current],
        null,
        typeof current === 'boolean' ? String(current) : !current,
        current && typeof current === 'object' ? JSON.stringify(current) : { value: current },
      ];
      container[last] = swaps[edit.to % swaps.length]!;
      break;
    }
    case 'misspell-key':
      if (!Array.isArray(parent) && typeof last === 'string') {
        delete container[last];
        container[last.length > 1 ? last.slice(0, -1) + edit.char : last + edit.char] = current;
      }
      break;
    case 'duplicate':
      if (Array.isArray(parent)) parent.push(structuredClone(current));
      else container[`${String(last)}${last === '' ? 'x' : ''}`] = structuredClone(current);
      break;
  }
  return doc;
}

/** Replacement values: cheap to generate, and close to what scenarios hold (ids, ARNs, regions, effects). */
const value: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 1e21, '', ' ', 'x', '111111111111', '1111', 'arn:aws:iam::111111111111:role/PipelineRole', 'arn:aws:iam::111111111111:role/', 'us-east-1', 'eu-west-99', '*', 'Allow', 'Deny', 'allow', '2012-10-17', '#{SourceVariables.CommitId}', '#{Nope.X}', 'alias/aws/s3', '\u0000'),
  fc.integer().map((n): Json => n),
  fc.string({ maxLength: 12 }).map((t): Json => t),
  fc.constantFrom<Json>([], {}, [null], { a: 1 }, [[]], { Statement: [] }, { Effect: 'Allow', Action: '*', Resource: '*' }, [{ name: 'Out' }, { name: 'Out' }]),
);

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap-type' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('misspell-key' as const), at: fc.nat(), char: fc.constantFrom('s', 'e', '_', 'X', '1', ' ', '\u00e9') }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
);

/** Structure-aware documents from a base: 1-3 edits, written as JSON or YAML. */
function structured(base: Json, yamlShare: number): fc.Arbitrary<{ text: string; file: string }> {
  const paths = pathsOf(base);
  return fc.record({ edits: fc.array(edit, { minLength: 1, maxLength: 3 }), asYaml: fc.double({ min: 0, max: 1, noNaN: true }) }).map(({ edits, asYaml }) => {
    const doc = edits.reduce((d, e) => applyEdit(d, paths, e), structuredClone(base));
    return asYaml < yamlShare ? { text: stringify(doc), file: 'fuzz.yaml' } : { text: JSON.stringify(doc), file: 'fuzz.json' };
  });
}

const YAML_TOKENS = ['accounts:', 'roles:', 'pipeline:', '- ', ': ', '{', '}', '[', ']', ',', '&a ', '*a', '<<: *a', '!!binary ', '!!str', '|', '>-', '"', "'", '# c', '%YAML 1.2', '---', '...', '\n', '  ', '\t', '? ', 'id: "111111111111"', 'null', '~', '0x1F', '.inf', '1e400', 'arn:aws:iam::111111111111:role/R', '\u0000', '\ufeff', '\u2028'];

/** Strings, bytes, token soup and truncated documents. */
const unstructured: fc.Arbitrary<{ text: string; file: string }> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }).map((text) => ({ text, file: 'fuzz.yaml' })),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ text: Buffer.from(bytes).toString('latin1'), file: 'fuzz.yaml' })),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ text: new TextDecoder().decode(bytes), file: 'fuzz.json' })),
  fc.array(fc.constantFrom(...YAML_TOKENS), { maxLength: 60 }).map((ts) => ({ text: ts.join(''), file: 'fuzz.yaml' })),
  fc.nat({ max: 3000 }).map((n) => ({ text: REFERENCE_TEXT.slice(0, n), file: 'fuzz.yaml' })),
  fc.array(value, { maxLength: 4 }).map((v) => ({ text: JSON.stringify(v.length === 1 ? v[0] : v), file: 'fuzz.json' })),
);

describe('fuzz', () => {
  let small: Json;
  let reference: Json;
  beforeAll(() => {
    const t = buildTopology({ pipelineName: 'app', accountIds: ['111111111111', '222222222222'], regions: ['us-east-1', 'eu-west-1'], targets: [{ name: 'prod', regions: [0, 1], parallel: false, writesOutputs: [false, true], stackExists: true }] });
    small = JSON.parse(JSON.stringify(t.scenario)) as Json;
    const loaded = loadScenario(REFERENCE_TEXT, { file: 'reference.yaml' });
    if (!loaded.success) throw new Error('the reference does not load');
    reference = JSON.parse(JSON.stringify(loaded.data)) as Json;
  });

  it(`${RUNS} fuzzed documents: never an exception, always issues or a result`, async () => {
    const memo = createMemo();
    const stats = { loaded: 0, simulated: 0, failedToLoad: 0, knownBugs: 0 };
    const documents = fc.oneof(
      { arbitrary: structured(MINIMAL as unknown as Json, 0.5), weight: 400 },
      { arbitrary: structured(small, 0.5), weight: 20 },
      { arbitrary: structured(reference, 0.5), weight: 5 },
      { arbitrary: unstructured, weight: 575 },
    );
    await fc.assert(
      fc.asyncProperty(documents, async ({ text, file }) => {
        let loaded: LoadResult;
        try {
          loaded = loadScenario(text, { file });
        } catch (error) {
          throw new Error(`loadScenario threw: ${String(error)}`);
        }
        if (!loaded.success) {
          stats.failedToLoad += 1;
          expect(loaded.issues.length).toBeGreaterThan(0);
          for (const issue of loaded.issues) {
            expect(issue).toMatchObject({ code: expect.any(String), path: expect.any(String), message: expect.any(String), file, line: expect.any(Number), column: expect.any(Number) });
            // An internal error is an exception the loader caught: a bug (unless already kept as an open regression).
            if (issue.code === 'internal_error' && KNOWN_INTERNAL_ERRORS.some((k) => issue.message.includes(k))) stats.knownBugs += 1;
            else expect(issue.code, issue.message).not.toBe('internal_error');
          }
          return;
        }
        stats.loaded += 1;
        if (stats.simulated >= MAX_SIMULATIONS) return;
        stats.simulated += 1;
        let result: SimulationResult;
        try {
          result = await simulate(loaded.data, { memo });
        } catch (error) {
          throw new Error(`simulate threw: ${error instanceof Error ? error.stack : String(error)}`);
        }
        expect(['Succeeded', 'Failed', 'Invalid']).toContain(result.status);
        if (result.status === 'Invalid') expect(result.issues.length).toBeGreaterThan(0);
        expect(JSON.parse(JSON.stringify(result))).toStrictEqual(result);
      }),
      { numRuns: RUNS },
    );
    // The mix reaches both ends: documents that load (and run) and documents that do not.
    expect(stats.loaded).toBeGreaterThan(0);
    expect(stats.failedToLoad).toBeGreaterThan(RUNS / 4);
  });
});
