/**
 * The audit trail (engine/execution/audit.ts): CloudTrail records and EventBridge events as AWS writes them,
 * derived from the trace and linked to it by `seq`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Scenario } from '../model/schema.js';
import { loadScenarioFile } from '../model/source.js';
import { simulate } from '../engine/execution/simulate.js';
import type { CallEvaluatedEvent, CloudTrailRecord, SimulationResult } from '../engine/types.js';

async function scenario(id: string): Promise<Scenario> {
  const loaded = await loadScenarioFile(id);
  if (!loaded.success) throw new Error(`${id} does not load: ${loaded.issues.map((i) => i.message).join('; ')}`);
  return loaded.data;
}

const calls = (r: SimulationResult) => r.events.filter((e): e is CallEvaluatedEvent => e.type === 'call.evaluated');
const accountOf = (arn: string) => arn.split(':')[4];
const recordsOf = (r: SimulationResult, seq: number) => r.cloudTrail.filter((c) => c.seq === seq);

describe('audit trail of the reference scenario', () => {
  let result: SimulationResult;
  beforeAll(async () => {
    result = await simulate(await scenario('reference/four-accounts-two-regions'));
  });

  it('writes a CloudTrail pair for each cross-account AssumeRole: same sharedEventID, one record in the caller’s account and one in the role’s', () => {
    const crossAccount = calls(result).filter((e) => e.operation === 'sts:AssumeRole' && e.sessionArn && e.callerAccount !== accountOf(e.resource));
    // Given: DevDeployRole, StagingDeployRole twice, and the StackSet execution role in prod for each Region.
    expect(crossAccount.map((e) => e.resource)).toEqual([
      'arn:aws:iam::222222222222:role/DevDeployRole',
      'arn:aws:iam::333333333333:role/StagingDeployRole',
      'arn:aws:iam::333333333333:role/StagingDeployRole',
      'arn:aws:iam::444444444444:role/AWSCloudFormationStackSetExecutionRole',
      'arn:aws:iam::444444444444:role/AWSCloudFormationStackSetExecutionRole',
    ]);
    for (const e of crossAccount) {
      const pair = recordsOf(result, e.seq);
      // Then: two records, the same request seen from both accounts.
      expect(pair).toHaveLength(2);
      expect(pair.map((r) => r.recipientAccountId).sort()).toEqual([e.callerAccount, accountOf(e.resource)].sort());
      expect(pair[0]!.sharedEventID).toBeDefined();
      expect(pair[0]!.sharedEventID).toBe(pair[1]!.sharedEventID);
      expect(pair[0]!.eventID).not.toBe(pair[1]!.eventID);
      expect(pair[0]!.requestID).toBe(pair[1]!.requestID);
      const inCaller = pair.find((r) => r.recipientAccountId === e.callerAccount)!;
      const inRole = pair.find((r) => r.recipientAccountId !== e.callerAccount)!;
      expect(inCaller.userIdentity).toMatchObject({ type: 'AssumedRole', arn: e.sessionArn, accountId: e.callerAccount });
      expect(inRole.userIdentity).toEqual({ type: 'AWSAccount', principalId: inCaller.userIdentity['principalId'], accountId: e.callerAccount });
      expect(inRole.requestParameters).toEqual(inCaller.requestParameters);
      expect(inRole.responseElements).toEqual(inCaller.responseElements);
    }
  });

  it('writes the role account’s AssumeRole record field by field as the IAM User Guide shows it', () => {
    /*
     * IAM User Guide, "Logging IAM and AWS STS API calls with AWS CloudTrail", "Example cross-account
     * AWS STS API events in CloudTrail log files"
     * (https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html#stscloudtrailexample):
     * "The second example shows the assumed role account's (111122223333) CloudTrail log entry for the same request."
     *   { "eventVersion": "1.05",
     *     "userIdentity": { "type": "AWSAccount", "principalId": "AIDAQRSTUVWXYZEXAMPLE", "accountId": "777788889999" },
     *     "eventTime": "2014-07-18T15:07:39Z", "eventSource": "sts.amazonaws.com", "eventName": "AssumeRole",
     *     "awsRegion": "us-east-2", "sourceIPAddress": "192.0.2.101", "userAgent": "aws-cli/1.11.10 …",
     *     "requestParameters": { "roleArn": "arn:aws:iam::111122223333:role/EC2-dev", "roleSessionName": "JohnDoe-EC2-dev",
     *                            "sourceIdentity": "JohnDoe", "serialNumber": "arn:aws:iam::777788889999:mfa" },
     *     "responseElements": { "credentials": { "sessionToken": "<encoded session token blob>", "accessKeyId": "…", "expiration": "…" },
     *                           "assumedRoleUser": { "assumedRoleId": "AIDAQRSTUVWXYZEXAMPLE:JohnDoe-EC2-dev",
     *                                                "arn": "arn:aws:sts::111122223333:assumed-role/EC2-dev/JohnDoe-EC2-dev" },
     *                           "sourceIdentity": "JohnDoe" },
     *     "requestID": "4EXAMPLE-…", "sharedEventID": "bEXAMPLE-…", "eventID": "dEXAMPLE-…" }
     * The caller's copy of the same page adds "resources": [{ "ARN": "arn:aws:iam::111122223333:role/EC2-dev",
     * "accountId": "111122223333", "type": "AWS::IAM::Role" }], "eventType": "AwsApiCall" and "recipientAccountId".
     * CodePipeline sets no source identity and uses no MFA, so those fields are absent here.
     */
    const assume = calls(result).find((e) => e.operation === 'sts:AssumeRole' && e.resource === 'arn:aws:iam::222222222222:role/DevDeployRole')!;
    const record = recordsOf(result, assume.seq).find((r) => r.recipientAccountId === '222222222222')!;
    const session = 'codepipeline-00000000';
    expect(record.eventVersion).toMatch(/^1\.\d+$/);
    expect(record.userIdentity).toEqual({ type: 'AWSAccount', principalId: expect.stringMatching(new RegExp(`^AROA[A-Z2-7]{17}:${session}$`)), accountId: '111111111111' });
    expect(record.eventTime).toBe(assume.time);
    expect(record.eventSource).toBe('sts.amazonaws.com');
    expect(record.eventName).toBe('AssumeRole');
    expect(record.awsRegion).toBe('us-east-1');
    expect(record.sourceIPAddress).toBe('codepipeline.amazonaws.com');
    expect(record.userAgent).toBe('codepipeline.amazonaws.com');
    expect(record.requestParameters).toEqual({ roleArn: 'arn:aws:iam::222222222222:role/DevDeployRole', roleSessionName: session });
    expect(record.responseElements).toEqual({
      credentials: { accessKeyId: expect.stringMatching(/^ASIA[A-Z2-7]{16}$/), sessionToken: '<encoded session token blob>', expiration: expect.any(String) },
      assumedRoleUser: { assumedRoleId: expect.stringMatching(new RegExp(`^AROA[A-Z2-7]{17}:${session}$`)), arn: `arn:aws:sts::222222222222:assumed-role/DevDeployRole/${session}` },
    });
    expect(record.requestID).toMatch(/^[0-9a-f-]{36}$/);
    expect(record.sharedEventID).toMatch(/^[0-9a-f-]{36}$/);
    expect(record.eventID).toMatch(/^[0-9a-f-]{36}$/);
    expect(record.resources).toEqual([{ ARN: 'arn:aws:iam::222222222222:role/DevDeployRole', accountId: '222222222222', type: 'AWS::IAM::Role' }]);
    expect(record.eventType).toBe('AwsApiCall');
    expect(record.recipientAccountId).toBe('222222222222');
    expect(record.errorCode).toBeUndefined();
    // The session the role's later calls run as is the one the record announces.
    const later = calls(result).find((e) => e.seq > assume.seq && e.principal === 'arn:aws:iam::222222222222:role/DevDeployRole')!;
    expect(later.sessionArn).toBe((record.responseElements!['assumedRoleUser'] as { arn: string }).arn);
  });

  it('writes the action state change event field by field as "Monitoring CodePipeline events" shows it', () => {
    /*
     * CodePipeline User Guide, "Monitoring CodePipeline events"
     * (https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html),
     * "Action execution state change message content":
     *   { "version": "0", "id": event_Id, "detail-type": "CodePipeline Action Execution State Change",
     *     "source": "aws.codepipeline", "account": Pipeline_Account, "time": TimeStamp, "region": "us-east-1",
     *     "resources": [ "arn:aws:codepipeline:us-east-1:account_ID:myPipeline" ],
     *     "detail": { "pipeline": "myPipeline", "version": "1", "execution-id": execution_Id, "stage": "Prod",
     *                 "action": "myAction", "state": "STARTED",
     *                 "type": { "owner": "AWS", "category": "Deploy", "provider": "CodeDeploy", "version": 1 } } }
     * "The version entry under pipeline detail shows the pipeline structure version number"; the current page adds
     * the action's "region" and "pipeline-execution-attempt" to detail.
     */
    const started = result.events.find((e) => e.type === 'action.started' && e.action === 'Deploy-eu-west-1')!;
    const event = result.eventBridge.find((b) => b.seq === started.seq)!;
    expect(event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'CodePipeline Action Execution State Change',
      source: 'aws.codepipeline',
      account: '111111111111',
      time: started.time,
      region: 'us-east-1',
      resources: ['arn:aws:codepipeline:us-east-1:111111111111:checkout-pipeline'],
      detail: {
        pipeline: 'checkout-pipeline',
        version: 1,
        'execution-id': '00000000-0000-4000-8000-000000000001',
        'pipeline-execution-attempt': 1,
        stage: 'DeployStaging',
        action: 'Deploy-eu-west-1',
        state: 'STARTED',
        region: 'eu-west-1',
        type: { owner: 'AWS', category: 'Deploy', provider: 'CloudFormation', version: '1' },
      },
      seq: started.seq,
    });
  });

  it('writes pipeline and stage state changes for every execution, stage start and stage end', () => {
    const types = result.eventBridge.map((b) => `${b['detail-type'].replace('CodePipeline ', '').replace(' Execution State Change', '')}:${String(b.detail['state'])}`);
    expect(types[0]).toBe('Pipeline:STARTED');
    expect(types.at(-1)).toBe('Pipeline:SUCCEEDED');
    const stages = result.events.filter((e) => e.type === 'stage.started').length;
    expect(types.filter((t) => t === 'Stage:STARTED')).toHaveLength(stages);
    expect(types.filter((t) => t === 'Stage:SUCCEEDED')).toHaveLength(stages);
    expect(types.filter((t) => t.startsWith('Action:'))).toHaveLength(2 * result.events.filter((e) => e.type === 'action.started').length);
  });

  it('records KMS use of another account’s key in both accounts, in the Decrypt record shape', () => {
    /*
     * AWS KMS Developer Guide, "Logging AWS KMS API calls with AWS CloudTrail": "Operations on KMS keys in other
     * accounts are logged in both the caller account and the KMS key owner account." Record shape from "Decrypt"
     * (ct-decrypt.html): requestParameters { encryptionAlgorithm: "SYMMETRIC_DEFAULT", keyId, encryptionContext },
     * "readOnly": true, resources [{ accountId, type: "AWS::KMS::Key", ARN }].
     */
    const decrypt = calls(result).find((e) => e.operation === 'kms:Decrypt' && e.principal === 'arn:aws:iam::333333333333:role/StagingDeployRole')!;
    const records = recordsOf(result, decrypt.seq);
    expect(records.map((r) => r.recipientAccountId).sort()).toEqual(['111111111111', '333333333333']);
    for (const r of records) {
      expect(r).toMatchObject({ eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', readOnly: true, eventCategory: 'Management', managementEvent: true });
      expect(r.requestParameters).toMatchObject({ encryptionAlgorithm: 'SYMMETRIC_DEFAULT', keyId: decrypt.resource, encryptionContext: { 'aws:s3:arn': expect.stringContaining('codepipeline-artifacts-111111111111-us-east-1') } });
      expect(r.resources).toEqual([{ accountId: '111111111111', type: 'AWS::KMS::Key', ARN: decrypt.resource }]);
      expect(r.userIdentity).toMatchObject({ type: 'AssumedRole', arn: decrypt.sessionArn, invokedBy: 's3.amazonaws.com' });
    }
    expect(records[0]!.sharedEventID).toBe(records[1]!.sharedEventID);
  });

  it('records S3 object reads as data events, and service principals as AWSService identities', () => {
    const get = calls(result).find((e) => e.operation === 's3:GetObject' && e.callerAccount === '333333333333')!;
    for (const r of recordsOf(result, get.seq)) {
      expect(r).toMatchObject({ eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventCategory: 'Data', managementEvent: false, readOnly: true });
      expect(r.resources).toEqual([
        { type: 'AWS::S3::Object', ARN: get.resource },
        { accountId: '111111111111', type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::codepipeline-artifacts-111111111111-us-east-1' },
      ]);
    }
    const byService = calls(result).filter((e) => !e.sessionArn);
    expect(byService.length).toBeGreaterThan(0);
    for (const e of byService) {
      const records = recordsOf(result, e.seq);
      expect(records).toHaveLength(1);
      expect(records[0]!.userIdentity).toEqual({ type: 'AWSService', invokedBy: e.principal });
      expect(records[0]!.recipientAccountId).toBe(accountOf(e.resource));
    }
  });

  it('links every record to the event that caused it, and writes none for permission-only actions', () => {
    const bySeq = new Map(result.events.map((e) => [e.seq, e] as const));
    for (const r of result.cloudTrail) expect(bySeq.get(r.seq)?.type).toBe('call.evaluated');
    for (const b of result.eventBridge) expect(['execution.started', 'execution.finished', 'stage.started', 'stage.finished', 'action.started', 'action.finished']).toContain(bySeq.get(b.seq)?.type);
    const passRoles = calls(result).filter((e) => e.operation === 'iam:PassRole');
    expect(passRoles.length).toBeGreaterThan(0);
    for (const e of passRoles) expect(recordsOf(result, e.seq)).toEqual([]);
    expect(calls(result).filter((e) => e.operation === 'codecommit:UploadArchive').flatMap((e) => recordsOf(result, e.seq))).toEqual([]);
  });

  it('is part of the JSON result (run --json) and survives a round trip', () => {
    const json = JSON.parse(JSON.stringify(result)) as SimulationResult;
    expect(json.cloudTrail).toEqual(result.cloudTrail);
    expect(json.eventBridge).toEqual(result.eventBridge);
    expect(json.cloudTrail.length).toBeGreaterThan(50);
  });
});

describe('audit trail of denials and failures', () => {
  it('writes a denied call with errorCode AccessDenied and AWS’s message, no responseElements', async () => {
    const result = await simulate(await scenario('advanced/codedeploy-instance-role-key-grant'));
    const denial = result.firstDenial!;
    const records = recordsOf(result, denial.seq);
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) {
      expect(r.errorCode).toBe('AccessDenied');
      expect(r.errorMessage).toBe(denial.message);
      expect(r.responseElements).toBeNull();
    }
    // The instance role in prod decrypts with the tooling key: both accounts record the refused request.
    expect(records.map((r: CloudTrailRecord) => r.recipientAccountId).sort()).toEqual(['111111111111', '444444444444']);
    // The failed action's EventBridge event carries the failure.
    const finished = result.events.find((e) => e.type === 'action.finished' && e.status === 'Failed')!;
    const event = result.eventBridge.find((b) => b.seq === finished.seq)!;
    expect(event.detail).toMatchObject({ state: 'FAILED', action: 'Deploy', type: { provider: 'CodeDeploy', category: 'Deploy', owner: 'AWS', version: '1' }, 'execution-result': { 'error-code': 'PermissionError' } });
    expect(result.eventBridge.at(-1)!.detail).toMatchObject({ state: 'FAILED' });
  });

  it('does not write a record in the target account for an AssumeRole the caller’s account refuses or for a role that does not exist', async () => {
    const result = await simulate(await scenario('advanced/stackset-missing-execution-role'));
    const denial = result.firstDenial!;
    expect(denial.category).toBe('UNKNOWN_RESOURCE');
    const records = recordsOf(result, denial.seq);
    expect(records.map((r) => r.recipientAccountId)).toEqual(['111111111111']);
    expect(records[0]).toMatchObject({ errorCode: 'AccessDenied', eventName: 'AssumeRole', responseElements: null });
    expect(records[0]!.sharedEventID).toBeUndefined();
  });
});
