/**
 * Fuzzed scenario documents: structure-aware edits of valid scenarios (random subtrees replaced,
 * keys deleted or misspelt, types swapped, elements duplicated) written as JSON or YAML, and
 * unstructured text (random strings and bytes, YAML token soup, truncated documents).
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { regressions } from './regressions/cases.js';

/** A small valid scenario: one account, CodeCommit → CodeBuild. */
export const MINIMAL = {
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
export const KNOWN_INTERNAL_ERRORS = regressions().flatMap(({ regression: r }) => (r.check === 'load-issues-are-located' && r.status === 'open' && r.knownInternalError ? [r.knownInternalError] : []));

export const REFERENCE_TEXT = readFileSync(fileURLToPath(new URL('../scenarios/reference/four-accounts-two-regions.yaml', import.meta.url)), 'utf8');

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
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
export function structured(base: Json, yamlShare: number): fc.Arbitrary<{ text: string; file: string }> {
  const paths = pathsOf(base);
  return fc.record({ edits: fc.array(edit, { minLength: 1, maxLength: 3 }), asYaml: fc.double({ min: 0, max: 1, noNaN: true }) }).map(({ edits, asYaml }) => {
    const doc = edits.reduce((d, e) => applyEdit(d, paths, e), structuredClone(base));
    return asYaml < yamlShare ? { text: stringify(doc), file: 'fuzz.yaml' } : { text: JSON.stringify(doc), file: 'fuzz.json' };
  });
}

const YAML_TOKENS = ['accounts:', 'roles:', 'pipeline:', '- ', ': ', '{', '}', '[', ']', ',', '&a ', '*a', '<<: *a', '!!binary ', '!!str', '|', '>-', '"', "'", '# c', '%YAML 1.2', '---', '...', '\n', '  ', '\t', '? ', 'id: "111111111111"', 'null', '~', '0x1F', '.inf', '1e400', 'arn:aws:iam::111111111111:role/R', '\u0000', '\ufeff', '\u2028'];

/** Strings, bytes, token soup and truncated documents. */
export const unstructured: fc.Arbitrary<{ text: string; file: string }> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }).map((text) => ({ text, file: 'fuzz.yaml' })),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ text: Buffer.from(bytes).toString('latin1'), file: 'fuzz.yaml' })),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ text: new TextDecoder().decode(bytes), file: 'fuzz.json' })),
  fc.array(fc.constantFrom(...YAML_TOKENS), { maxLength: 60 }).map((ts) => ({ text: ts.join(''), file: 'fuzz.yaml' })),
  fc.nat({ max: 3000 }).map((n) => ({ text: REFERENCE_TEXT.slice(0, n), file: 'fuzz.yaml' })),
  fc.array(value, { maxLength: 4 }).map((v) => ({ text: JSON.stringify(v.length === 1 ? v[0] : v), file: 'fuzz.json' })),
);

