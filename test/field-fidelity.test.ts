/**
 * Field fidelity: behaviours of the services themselves that real pipelines fail on, each with a
 * bundled broken scenario and its fixed twin (scenarios/field/). Through the library's surface:
 * simulate, diagnose (verified fixes), lint.
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../engine/analysis/diagnose.js';
import { fixScenario } from '../engine/analysis/fix.js';
import { simulate } from '../engine/execution/simulate.js';
import { lint } from '../engine/lint/lint.js';
import type { CallEvaluatedEvent, SimulationResult } from '../engine/types.js';
import { loadBundled } from './fix-cases.js';

const calls = (r: SimulationResult) => r.events.filter((e): e is CallEvaluatedEvent => e.type === 'call.evaluated');

describe('CodeBuild encrypts its output with the project key, else aws/s3 of its account (aws-cdk#4182)', () => {
  it('a project without a key writes the build output under the AWS managed key, and prod cannot decrypt it', async () => {
    const scenario = await loadBundled('field/codebuild-output-aws-managed-key');
    const result = await simulate(scenario);
    const write = calls(result).find((c) => c.stage === 'Build' && c.operation === 'kms:GenerateDataKey');
    expect(write?.resource).toBe('arn:aws:kms:us-east-1:111111111111:key/aws-s3-managed-us-east-1');
    expect(write?.decision).toBe('Allowed');
    expect(result.status).toBe('Failed');
    expect(result.firstDenial).toMatchObject({ operation: 'kms:Decrypt', category: 'AWS_MANAGED_KEY', stage: 'DeployProd' });
    expect(result.firstDenial?.resource).toBe(write?.resource);
  });

  it('diagnose names the CodeBuild action and proposes the store key on the project, verified green', async () => {
    const d = await diagnose(await loadBundled('field/codebuild-output-aws-managed-key'));
    expect(d.explanation).toMatch(/encrypted by CodeBuild action `Build\/Build`, whose project names no encryption key/);
    const [first] = d.fixes;
    expect(first?.id).toBe('project-store-key');
    expect(first?.patch).toEqual([{ op: 'add', path: '/codeBuildProjects/0/encryptionKey', value: 'arn:aws:kms:us-east-1:111111111111:key/1f0c3a52-7d4b-4e8a-9c61-2b5d8e7f9a03' }]);
    expect(first?.outcome.status).toBe('Succeeded');
  });

  it('the fixed twin encrypts with the store key and succeeds', async () => {
    const result = await simulate(await loadBundled('field/codebuild-output-store-key'));
    expect(result.status).toBe('Succeeded');
    const write = calls(result).find((c) => c.stage === 'Build' && c.operation === 'kms:GenerateDataKey');
    expect(write?.resource).toBe('arn:aws:kms:us-east-1:111111111111:key/1f0c3a52-7d4b-4e8a-9c61-2b5d8e7f9a03');
  });

  it('lint PS018 flags the project, proven by the run; the twin has no finding', async () => {
    const broken = await loadBundled('field/codebuild-output-aws-managed-key');
    const findings = lint(broken, { result: await simulate(broken) }).filter((f) => f.ruleId === 'PS018');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.proven).toBe(true);
    expect(findings[0]?.message).toMatch(/account 444444444444 cannot use/);
    expect(lint(await loadBundled('field/codebuild-output-store-key')).filter((f) => f.ruleId === 'PS018')).toEqual([]);
  });
});

describe('IAM never passes a role of another account ("Cross-account pass role is not allowed.")', () => {
  it('the pass is refused although the identity policy allows it, with IAM\'s words, and the action fails with them', async () => {
    const scenario = await loadBundled('field/cross-account-pass-role');
    const result = await simulate(scenario);
    expect(result.firstDenial).toMatchObject({ operation: 'iam:PassRole', category: 'PASS_ROLE', resource: 'arn:aws:iam::111111111111:role/ProdCfnExecutionRole', message: 'Cross-account pass role is not allowed.' });
    const failed = result.events.find((e) => e.type === 'action.finished' && e.status === 'Failed');
    expect(failed && failed.type === 'action.finished' ? failed.message : undefined).toBe('Cross-account pass role is not allowed.');
    // The identity policy of ProdDeployRole does allow passing that role to CloudFormation.
    const statement = scenario.roles.find((r) => r.arn.endsWith(':role/ProdDeployRole'))?.inlinePolicies;
    expect(JSON.stringify(statement)).toContain('arn:aws:iam::111111111111:role/ProdCfnExecutionRole');
  });

  it('diagnose says no policy change helps and proposes the role in the target account, verified green', async () => {
    const d = await diagnose(await loadBundled('field/cross-account-pass-role'));
    expect(d.explanation).toMatch(/IAM refuses it whatever the policies say/);
    expect(d.fixes.map((f) => f.id)).toEqual(['passed-role-in-target-account']);
    const fix = d.fixes[0]!;
    expect(fix.patch).toContainEqual({ op: 'replace', path: '/pipeline/pipeline/stages/2/actions/0/configuration/RoleArn', value: 'arn:aws:iam::444444444444:role/ProdCfnExecutionRole' });
    expect(fix.patch.some((op) => op.op === 'add' && op.path.includes('inlinePolicies') && JSON.stringify(op).includes('"Resource":"*"'))).toBe(false);
    expect(fix.outcome.status).toBe('Succeeded');
  });

  it('the fixed twin passes a role of its own account and succeeds', async () => {
    const result = await simulate(await loadBundled('field/cross-account-pass-role-fixed'));
    expect(result.status).toBe('Succeeded');
    expect(calls(result).find((c) => c.operation === 'iam:PassRole')?.decision).toBe('Allowed');
  });
});

describe('Region rules of storage and the alias of the AWS managed key', () => {
  it('a store naming alias/aws/s3 uses the AWS managed key of the account, not an unknown key', async () => {
    const result = await simulate(await loadBundled('field/store-key-alias-aws-s3'));
    const write = calls(result).find((c) => c.stage === 'Source' && c.operation === 'kms:GenerateDataKey');
    expect(write).toMatchObject({ resource: 'arn:aws:kms:us-east-1:111111111111:key/aws-s3-managed-us-east-1', decision: 'Allowed' });
    expect(result.firstDenial).toMatchObject({ operation: 'kms:Decrypt', category: 'AWS_MANAGED_KEY', resource: write?.resource });
  });

  it('a store bucket in another Region than the pipeline is rejected before the run, at the store', async () => {
    const result = await simulate(await loadBundled('field/store-bucket-other-region'));
    expect(result.status).toBe('Invalid');
    expect(result.issues[0]).toMatchObject({ code: 'artifact_store_bucket_region', path: 'pipeline.pipeline.artifactStore.location', category: 'MISSING_REGION_ARTIFACT_STORE' });
    expect(result.issues[0]?.message).toMatch(/is in `us-west-2`, not in `us-east-1`/);
  });

  it('a store key of another Region fails the first write as S3 does (KMS.NotFoundException), with no denial', async () => {
    const result = await simulate(await loadBundled('field/store-key-other-region'));
    expect(result.status).toBe('Failed');
    expect(result.firstDenial).toBeNull();
    const failed = result.events.find((e) => e.type === 'action.finished' && e.status === 'Failed');
    expect(failed?.stage).toBe('Source');
    expect(failed && failed.type === 'action.finished' ? failed.message : '').toMatch(/^Key 'arn:aws:kms:us-west-2:111111111111:key\/1f0c3a52-7d4b-4e8a-9c61-2b5d8e7f9a03' does not exist \(Service: Amazon S3; Status Code: 400; Error Code: KMS.NotFoundException\)/);
    expect(calls(result).some((c) => c.operation === 'kms:GenerateDataKey')).toBe(false);
  });
});

describe('a source action writing into another account sends bucket-owner-full-control (aws-cdk#14156, #14260, #13557)', () => {
  it('the cross-account CodeCommit source calls s3:PutObjectAcl with the canned ACL, and is refused without it', async () => {
    const result = await simulate(await loadBundled('field/cross-account-source-put-acl'));
    const put = calls(result).find((c) => c.stage === 'Source' && c.operation === 's3:PutObject');
    expect(put?.context['s3:x-amz-acl']).toBe('bucket-owner-full-control');
    expect(result.firstDenial).toMatchObject({ operation: 's3:PutObjectAcl', category: 'BUCKET_POLICY', principal: 'arn:aws:iam::222222222222:role/CodeCommitSourceActionRole' });
    const d = await diagnose(await loadBundled('field/cross-account-source-put-acl'));
    expect(d.fixes[0]?.description).toMatch(/allow `arn:aws:iam::222222222222:role\/CodeCommitSourceActionRole` to `s3:PutObjectAcl`/);
    expect(d.fixes[0]?.outcome.status).toBe('Succeeded');
  });

  it('with PutObjectAcl on both sides the cross-account source succeeds; a same-account CodeCommit source sends no ACL', async () => {
    const twin = await simulate(await loadBundled('providers/codecommit-cross-account'));
    expect(twin.status).toBe('Succeeded');
    expect(calls(twin).find((c) => c.operation === 's3:PutObjectAcl')?.decision).toBe('Allowed');
    const same = await simulate(await loadBundled('providers/cloudformation-change-sets'));
    expect(calls(same).some((c) => c.operation === 's3:PutObjectAcl')).toBe(false);
  });

  it('a CodeStar connection source sends the ACL even in its own account', async () => {
    const result = await simulate(await loadBundled('providers/codestar-connection'));
    expect(calls(result).find((c) => c.stage === 'Source' && c.operation === 's3:PutObjectAcl')).toMatchObject({ decision: 'Allowed', principal: 'arn:aws:iam::111111111111:role/PipelineServiceRole' });
  });
});

describe('publishing to an encrypted approval topic needs the topic key (SNS, "Key management")', () => {
  it('the pipeline role is refused kms:GenerateDataKey through SNS by the key policy', async () => {
    const result = await simulate(await loadBundled('field/approval-topic-encrypted-key'));
    expect(result.firstDenial).toMatchObject({ operation: 'kms:GenerateDataKey', category: 'KEY_POLICY', resource: 'arn:aws:kms:us-east-1:111111111111:alias/checkout-approvals-topic', stage: 'ApproveProd' });
    const denied = calls(result).find((c) => c.seq === result.firstDenial?.seq);
    expect(denied?.context['kms:ViaService']).toBe('sns.us-east-1.amazonaws.com');
    expect(calls(result).find((c) => c.operation === 'sns:Publish')?.decision).toBe('Allowed');
  });

  it('the fixed twin publishes with GenerateDataKey and Decrypt allowed; fix takes the broken one to green', async () => {
    const twin = await simulate(await loadBundled('field/approval-topic-encrypted-key-fixed'));
    expect(twin.status).toBe('Succeeded');
    const kms = calls(twin).filter((c) => c.stage === 'ApproveProd' && c.operation.startsWith('kms:'));
    expect(kms.map((c) => [c.operation, c.decision])).toEqual([['kms:GenerateDataKey', 'Allowed'], ['kms:Decrypt', 'Allowed']]);
    const fixed = await fixScenario(await loadBundled('field/approval-topic-encrypted-key'));
    expect(fixed.result.status).toBe('Succeeded');
  });

  it('an unencrypted topic makes no KMS call', async () => {
    const result = await simulate(await loadBundled('providers/manual-approval'));
    expect(calls(result).some((c) => c.stage === 'ApproveProd' && c.operation.startsWith('kms:'))).toBe(false);
  });
});

describe('the Amazon S3 deploy action (category Deploy, provider S3)', () => {
  it('reads the input artifact and puts the extracted files under ObjectKey, as the action role', async () => {
    const result = await simulate(await loadBundled('field/s3-deploy-identity-permission-fixed'));
    expect(result.status).toBe('Succeeded');
    const publish = calls(result).filter((c) => c.stage === 'DeployWebsite' && c.operation !== 'sts:AssumeRole');
    expect(publish.map((c) => c.operation)).toEqual(['s3:GetObject', 'kms:Decrypt', 's3:PutObject']);
    expect(publish[2]?.resource).toBe('arn:aws:s3:::checkout-web-prod-444444444444/site/index.html');
  });

  it('is denied where the role may not write the target bucket', async () => {
    const result = await simulate(await loadBundled('field/s3-deploy-identity-permission'));
    expect(result.firstDenial).toMatchObject({ operation: 's3:PutObject', category: 'BUCKET_IDENTITY_PERMISSION', stage: 'DeployWebsite', action: 'PublishSite' });
  });

  it('checks its configuration: Extract, ObjectKey when not extracting, a bucket of its own Region; KMSEncryptionKeyARN and CannedACL add their calls', async () => {
    const { applyPatch } = await import('../engine/analysis/patch.js');
    const base = await loadBundled('field/s3-deploy-identity-permission-fixed');
    const cfg = '/pipeline/pipeline/stages/3/actions/0/configuration';
    const patched = (ops: Parameters<typeof applyPatch>[1]) => {
      const r = applyPatch(base, ops);
      if (!r.success) throw new Error(JSON.stringify(r.issues));
      return r.data;
    };
    const noKey = await simulate(patched([{ op: 'replace', path: `${cfg}/Extract`, value: 'false' }, { op: 'remove', path: `${cfg}/ObjectKey` }]));
    expect(noKey.status).toBe('Invalid');
    expect(noKey.issues.map((i) => i.message)).toContain('action `PublishSite` (S3) needs configuration `ObjectKey`');
    const otherRegion = await simulate(patched([{ op: 'replace', path: '/buckets/0/region', value: 'eu-west-1' }]));
    expect(otherRegion.issues.map((i) => i.code)).toContain('s3_deploy_bucket_region');
    const withKeyAndAcl = await simulate(
      patched([
        { op: 'add', path: `${cfg}/KMSEncryptionKeyARN`, value: 'arn:aws:kms:us-east-1:111111111111:key/1f0c3a52-7d4b-4e8a-9c61-2b5d8e7f9a03' },
        { op: 'add', path: `${cfg}/CannedACL`, value: 'bucket-owner-full-control' },
      ]),
    );
    const ops = calls(withKeyAndAcl).filter((c) => c.stage === 'DeployWebsite' && c.operation !== 'sts:AssumeRole').map((c) => c.operation);
    // The role may PutObject but not PutObjectAcl: the canned ACL is authorized separately.
    expect(ops).toEqual(['s3:GetObject', 'kms:Decrypt', 's3:PutObject', 's3:PutObjectAcl']);
    expect(withKeyAndAcl.firstDenial?.operation).toBe('s3:PutObjectAcl');
    const withKey = await simulate(patched([{ op: 'add', path: `${cfg}/KMSEncryptionKeyARN`, value: 'arn:aws:kms:us-east-1:111111111111:key/1f0c3a52-7d4b-4e8a-9c61-2b5d8e7f9a03' }]));
    const encrypt = calls(withKey).find((c) => c.stage === 'DeployWebsite' && c.operation === 'kms:GenerateDataKey');
    expect(encrypt?.resource).toBe('arn:aws:kms:us-east-1:111111111111:key/1f0c3a52-7d4b-4e8a-9c61-2b5d8e7f9a03');
    expect(encrypt?.context['kms:ViaService']).toBe('s3.us-east-1.amazonaws.com');
  });
});

describe('the words the user sees (docs/console-messages.md)', () => {
  const failure = (r: SimulationResult) => {
    const f = r.events.find((e) => e.type === 'action.finished' && e.status === 'Failed');
    return f && f.type === 'action.finished' ? f.message : undefined;
  };

  it('an S3 denial on the artifact bucket fails the action with the console text, the call keeps S3\'s error', async () => {
    const result = await simulate(await loadBundled('field/cross-account-source-put-acl'));
    expect(failure(result)).toBe("The service role or action role doesn't have the permissions required to access the Amazon S3 bucket named codepipeline-artifacts-111111111111-us-east-1. Update the IAM role permissions, and then try again. Error: Amazon S3:AccessDenied:Access Denied");
    expect(result.firstDenial?.message).toBe('Access Denied');
    const bridge = result.eventBridge.find((e) => e['detail-type'] === 'CodePipeline Action Execution State Change' && (e.detail as Record<string, unknown>)['state'] === 'FAILED');
    expect((bridge?.detail as Record<string, Record<string, string>>)['execution-result']?.['error-code']).toBe('PermissionError');
  });

  it('a KMS denial through S3 names the bucket of the object; CloudFormation unable to assume its role says so', async () => {
    const kms = await simulate(await loadBundled('field/codebuild-output-aws-managed-key'));
    expect(failure(kms)).toMatch(/^The service role or action role doesn't have the permissions required to access the Amazon S3 bucket named codepipeline-artifacts-111111111111-us-east-1\. .*Error: Amazon S3:AccessDenied:User: .* is not authorized to perform: kms:Decrypt/);
    const trust = await simulate(await loadBundled('traps/4-execution-role-trusts-pipeline'));
    expect(trust.firstDenial?.operation).toBe('sts:AssumeRole');
    expect(failure(trust)).toMatch(/^Role arn:aws:iam::\d{12}:role\/\S+ is invalid or cannot be assumed$/);
  });
});

describe('the Amazon ECS standard deploy action (Deploy/ECS)', () => {
  it('registers a task definition, passes the task roles to ecs-tasks and updates the service, as the action role', async () => {
    const result = await simulate(await loadBundled('field/ecs-deploy-pass-role-fixed'));
    expect(result.status).toBe('Succeeded');
    const ecs = calls(result).filter((c) => c.stage === 'DeployService' && c.operation !== 'sts:AssumeRole' && !c.operation.startsWith('s3:') && !c.operation.startsWith('kms:'));
    expect(ecs.map((c) => `${c.operation} ${c.resource}`)).toEqual([
      'ecs:DescribeServices arn:aws:ecs:us-east-1:444444444444:service/checkout-prod/checkout',
      'ecs:DescribeTaskDefinition *',
      'ecs:RegisterTaskDefinition *',
      'iam:PassRole arn:aws:iam::444444444444:role/CheckoutTaskRole',
      'iam:PassRole arn:aws:iam::444444444444:role/ecsTaskExecutionRole',
      'ecs:UpdateService arn:aws:ecs:us-east-1:444444444444:service/checkout-prod/checkout',
    ]);
    expect(ecs[3]?.context['iam:PassedToService']).toBe('ecs-tasks.amazonaws.com');
  });

  it('is refused at the task role pass without it; an undeclared service fails the action with why', async () => {
    const result = await simulate(await loadBundled('field/ecs-deploy-pass-role'));
    expect(result.firstDenial).toMatchObject({ operation: 'iam:PassRole', category: 'PASS_ROLE', resource: 'arn:aws:iam::444444444444:role/CheckoutTaskRole' });
    const { applyPatch } = await import('../engine/analysis/patch.js');
    const patched = applyPatch(await loadBundled('field/ecs-deploy-pass-role-fixed'), [{ op: 'replace', path: '/ecsServices', value: [] }]);
    if (!patched.success) throw new Error('patch failed');
    const undeclared = await simulate(patched.data);
    const failed = undeclared.events.find((e) => e.type === 'action.finished' && e.status === 'Failed');
    expect(failed && failed.type === 'action.finished' ? failed.message : '').toMatch(/is not declared in `ecsServices`/);
  });
});

describe('structural fixes for failures no policy statement causes', () => {
  it('a service-managed StackSet without trusted access gets it enabled, verified green', async () => {
    const d = await diagnose(await loadBundled('advanced/stackset-service-managed-no-trusted-access'));
    expect(d.fixes[0]).toMatchObject({ id: 'stacksets-trusted-access', patch: [{ op: 'add', path: '/organization/trustedAccess/-', value: 'member.org.stacksets.cloudformation.amazonaws.com' }] });
    expect(d.fixes[0]?.outcome.status).toBe('Succeeded');
  });

  it('a variable of an undeclared namespace gets the namespace on the action that exports it; fix reaches green', async () => {
    const scenario = await loadBundled('drills/pipeline-variables-parameter-overrides');
    const d = await diagnose(scenario);
    expect(d.fixes[0]?.id).toBe('declare-namespace');
    expect(d.fixes[0]?.description).toMatch(/declare namespace `BuildVariables` on `Build\/Build`/);
    expect((await fixScenario(scenario)).result.status).toBe('Succeeded');
  });
});

describe('lint PS019: a role passed across accounts', () => {
  it('flags the RoleArn of the broken scenario, proven by the run; not the fixed twin', async () => {
    const broken = await loadBundled('field/cross-account-pass-role');
    const hits = lint(broken, { result: await simulate(broken) }).filter((f) => f.ruleId === 'PS019');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ severity: 'error', proven: true });
    expect(hits[0]?.path).toMatch(/configuration\.RoleArn$/);
    expect(lint(await loadBundled('field/cross-account-pass-role-fixed')).filter((f) => f.ruleId === 'PS019')).toEqual([]);
  });
});
