/**
 * Policies AWS would refuse to store are load errors with AWS's wording, and condition keys no
 * service defines are warnings with "did you mean" (issue 16, item 5). Each with a near miss.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../model/load.js';

const ROLE = 'arn:aws:iam::111111111111:role/PipelineRole';

/** A minimal scenario whose pipeline role has `statements` in its inline policy and `trust` as its trust policy statements. */
function scenarioText(statements: readonly unknown[], trust: readonly unknown[] = [{ Effect: 'Allow', Principal: { Service: 'codepipeline.amazonaws.com' }, Action: 'sts:AssumeRole' }]): string {
  return JSON.stringify({
    accounts: [{ id: '111111111111', name: 'tooling' }],
    roles: [{ arn: ROLE, trustPolicy: { Version: '2012-10-17', Statement: trust }, inlinePolicies: { P: { Version: '2012-10-17', Statement: statements } } }],
    buckets: [{ name: 'dummy-artifacts', account: '111111111111', region: 'us-east-1', versioning: 'Enabled' }],
    pipeline: {
      pipeline: {
        name: 'Dummy',
        roleArn: ROLE,
        artifactStore: { type: 'S3', location: 'dummy-artifacts' },
        stages: [{ name: 'Source', actions: [{ name: 'Source', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' }, configuration: { S3Bucket: 'dummy-artifacts', S3ObjectKey: 'src.zip' }, outputArtifacts: [{ name: 'Src' }] }] }],
      },
      metadata: { pipelineArn: 'arn:aws:codepipeline:us-east-1:111111111111:Dummy' },
    },
  });
}

const issuesOf = (text: string) => {
  const r = loadScenario(text, { file: 'storage.json' });
  return r.success ? r.warnings : r.issues;
};

describe('policies AWS refuses to store', () => {
  it('duplicate Sids in one policy are an error at the second Sid; the same Sid in two policies is fine', () => {
    const dup = issuesOf(scenarioText([{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }, { Sid: 'Read', Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }]));
    const hit = dup.find((i) => i.code === 'duplicate_sid');
    expect(hit).toMatchObject({ severity: 'error', path: 'roles[0].inlinePolicies.P.Statement[1].Sid' });
    expect(hit?.message).toMatch(/^Statement IDs \(SID\) in a single policy must be unique/);
    expect(hit?.line).toBeGreaterThan(0);
    const distinct = issuesOf(scenarioText([{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }, { Sid: 'Write', Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }]));
    expect(distinct.some((i) => i.code === 'duplicate_sid')).toBe(false);
  });

  it('a wildcard in an assumed-role session principal of a trust policy is an invalid principal; the role ARN is fine', () => {
    const bad = issuesOf(scenarioText([], [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:sts::111111111111:assumed-role/Deployer/*' }, Action: 'sts:AssumeRole' }]));
    const hit = bad.find((i) => i.code === 'invalid_principal');
    expect(hit).toMatchObject({ severity: 'error', path: 'roles[0].trustPolicy.Statement[0].Principal.AWS' });
    expect(hit?.message).toMatch(/^Invalid principal in policy: `arn:aws:sts::111111111111:assumed-role\/Deployer\/\*`/);
    const good = issuesOf(scenarioText([], [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/Deployer' }, Action: 'sts:AssumeRole' }]));
    expect(good.some((i) => i.code === 'invalid_principal')).toBe(false);
  });
});

describe('condition keys no service defines', () => {
  it('warns with did-you-mean for aws:SourceAcount and kms:ViaSrvice; known global, service and tag keys pass', () => {
    const typos = issuesOf(
      scenarioText([
        { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaSrvice': 's3.us-east-1.amazonaws.com', 'aws:SourceAcount': '111111111111' } } },
      ]),
    ).filter((i) => i.code === 'unknown_condition_key');
    expect(typos.map((i) => i.severity)).toEqual(['warning', 'warning']);
    expect(typos.map((i) => i.message)).toEqual([
      'condition key `kms:ViaSrvice` is defined by no service (AWS evaluates it as absent): did you mean `kms:ViaService`?',
      'condition key `aws:SourceAcount` is defined by no service (AWS evaluates it as absent): did you mean `aws:SourceAccount`?',
    ]);
    const known = issuesOf(
      scenarioText([
        { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com', 'aws:SourceAccount': '111111111111', 'aws:PrincipalTag/team': 'x', 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::b/x' } } },
      ]),
    );
    expect(known.some((i) => i.code === 'unknown_condition_key')).toBe(false);
  });
});
