/**
 * One IAM matcher (model/iam-match.ts) for lint, the loader and the fix code, and it agrees with
 * the policy engine: for each action and resource pattern, `actionMatches`/`resourceMatches`
 * say what `authorize` decides with a single identity policy naming that pattern.
 */
import { describe, expect, it } from 'vitest';
import { authorize } from '../engine/policy/authorize.js';
import { actionMatches, resourceMatches } from '../model/iam-match.js';
import { loadScenario } from '../model/load.js';
import { callOf, worldOf } from './helpers/world.js';

const ROLE = 'arn:aws:iam::111111111111:role/Builder';
const OBJECT = 'arn:aws:s3:::artifacts/pipeline/out/obj.zip';

/** The engine's decision for `operation` on `resource` when one identity statement names the patterns. */
async function engineAllows(operation: string, resource: string, action: string, pattern: string): Promise<boolean> {
  const world = worldOf({
    roles: [{ arn: ROLE, trustPolicy: { Statement: [] }, inlinePolicies: { P: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: pattern }] } } }],
    buckets: [{ name: 'artifacts', account: '111111111111', region: 'us-east-1' }],
  });
  const evaluation = await authorize(world, callOf({ caller: { role: ROLE }, operation, resource }));
  return evaluation.decision === 'Allowed';
}

describe('action patterns', () => {
  const cases: readonly (readonly [string, string, boolean])[] = [
    ['s3:GetObject', 's3:GetObjec?', true],
    ['s3:GetObject', 'S3:getobject', true],
    ['s3:GetObject', 's3:Get*', true],
    ['s3:GetObject', 's3:*Object', true],
    ['s3:GetObject', 's3:GetObject?', false],
    ['s3:GetObject', 's3:PutObject', false],
    ['s3:GetObject', '*', true],
  ];
  it.each(cases)('%s against %s: %s, as the engine decides', async (operation, pattern, expected) => {
    expect(actionMatches(operation, pattern)).toBe(expected);
    expect(await engineAllows(operation, OBJECT, pattern, '*')).toBe(expected);
  });
});

describe('resource patterns, segment by segment', () => {
  const cases: readonly (readonly [string, string, boolean])[] = [
    [OBJECT, 'arn:aws:s3:::artifacts/*', true],
    [OBJECT, 'arn:aws:s3:::artifacts/pipeline/out/obj.zi?', true],
    [OBJECT, 'arn:aws:s3:::Artifacts/*', false],
    [OBJECT, 'arn:aws:s3:::*/pipeline/*', true],
    [OBJECT, 'arn:aws:s3:::other/*', false],
  ];
  it.each(cases)('%s against %s: %s, as the engine decides', async (resource, pattern, expected) => {
    expect(resourceMatches(resource, pattern)).toBe(expected);
    expect(await engineAllows('s3:GetObject', resource, 's3:GetObject', pattern)).toBe(expected);
  });

  it('matches the Region and account segments without case, the resource with case', () => {
    expect(resourceMatches('arn:aws:kms:us-east-1:111111111111:key/abc', 'arn:aws:kms:US-EAST-1:*:key/abc')).toBe(true);
    expect(resourceMatches('arn:aws:kms:us-east-1:111111111111:key/abc', 'arn:aws:kms:us-east-1:*:key/ABC')).toBe(false);
  });
});

describe('the loader reads `?` in an action as a wildcard', () => {
  it('a pattern with `?` that names a real action is not reported as unknown', () => {
    const text = JSON.stringify({
      accounts: [{ id: '111111111111', name: 'tooling' }],
      roles: [
        { arn: 'arn:aws:iam::111111111111:role/PipelineRole', trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { Service: 'codepipeline.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, inlinePolicies: { P: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObjec?', 's3:GetObjecx'], Resource: '*' }] } } },
      ],
      buckets: [{ name: 'dummy-artifacts', account: '111111111111', region: 'us-east-1', versioning: 'Enabled' }],
      pipeline: {
        pipeline: {
          name: 'Dummy',
          roleArn: 'arn:aws:iam::111111111111:role/PipelineRole',
          artifactStore: { type: 'S3', location: 'dummy-artifacts' },
          stages: [{ name: 'Source', actions: [{ name: 'Source', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' }, configuration: { S3Bucket: 'dummy-artifacts', S3ObjectKey: 'src.zip' }, outputArtifacts: [{ name: 'Src' }] }] }],
        },
        metadata: { pipelineArn: 'arn:aws:codepipeline:us-east-1:111111111111:Dummy' },
      },
    });
    const loaded = loadScenario(text, { file: 'match.json' });
    const notes = [...(loaded.success ? loaded.warnings : loaded.issues)].map((i) => i.message);
    expect(notes.some((m) => m.includes('s3:GetObjecx'))).toBe(true);
    expect(notes.some((m) => m.includes('s3:GetObjec?'))).toBe(false);
  });
});
