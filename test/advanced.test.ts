/**
 * The scenarios under scenarios/advanced: what the trace shows beyond the status — stack instances,
 * batches, which Region failed, what rolled back, who downloaded the revision, which job result the
 * function reported — plus variants that change one thing in a scenario.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../model/schema.js';
import { loadScenarioFile } from '../model/source.js';
import { simulate } from '../engine/execution/simulate.js';
import { formatTrace } from '../engine/trace.js';
import type { CallEvaluatedEvent, SimulationResult, TraceEvent } from '../engine/types.js';

async function scenario(id: string): Promise<Scenario> {
  const loaded = await loadScenarioFile(`advanced/${id}`);
  if (!loaded.success) throw new Error(`${id} does not load: ${loaded.issues.map((i) => i.message).join('; ')}`);
  return loaded.data;
}

/** A copy of a bundled scenario with one change. */
async function variant(id: string, change: (s: Scenario) => void): Promise<Scenario> {
  const s = structuredClone(await scenario(id));
  change(s);
  return s;
}

type Of<T extends TraceEvent['type']> = Extract<TraceEvent, { type: T }>;
const ofType = <T extends TraceEvent['type']>(r: SimulationResult, type: T): Of<T>[] => r.events.filter((e): e is Of<T> => e.type === type);
const calls = (r: SimulationResult) => ofType(r, 'call.evaluated') as CallEvaluatedEvent[];
const instances = (r: SimulationResult) => ofType(r, 'stack-instance.finished').map((e) => `${e.account}/${e.region} ${e.status}`);
const notes = (r: SimulationResult) => ofType(r, 'note.added').map((e) => e.text);
const action = (r: SimulationResult, name: string) => ofType(r, 'action.finished').find((e) => e.action === name);

describe('StackSets, self-managed', () => {
  it('deploys to the accounts of the prod OU in two Regions: four instances, new ones created before the update, one batch per Region', async () => {
    const r = await simulate(await scenario('stackset-prod-ou-two-regions'));
    expect(r.status).toBe('Succeeded');
    expect(instances(r)).toEqual(['444444444444/us-east-1 Succeeded', '555555555555/us-east-1 Succeeded', '444444444444/eu-west-1 Succeeded', '555555555555/eu-west-1 Succeeded']);
    // prod-b has no instance yet: CreateStackInstances comes before UpdateStackSet.
    const api = calls(r).filter((e) => e.operation.startsWith('cloudformation:')).map((e) => e.operation);
    expect(api).toEqual(['cloudformation:DescribeStackSet', 'cloudformation:CreateStackInstances', 'cloudformation:UpdateStackSet', 'cloudformation:DescribeStackSetOperation']);
    // 50% of 2 accounts tolerates 1; 100% concurrency is 2; STRICT_FAILURE_TOLERANCE: min(2, 1 + 1) at once.
    expect(notes(r).filter((t) => t.startsWith('batch '))).toEqual(['batch 1/1 in us-east-1: 444444444444, 555555555555', 'batch 1/1 in eu-west-1: 444444444444, 555555555555']);
    // Each instance is its own step with the execution role's calls, assumed by the administration role.
    const assumes = calls(r).filter((e) => e.operation === 'sts:AssumeRole' && e.resource.endsWith('/AWSCloudFormationStackSetExecutionRole'));
    expect(assumes.map((e) => e.principal)).toEqual(Array(4).fill('arn:aws:iam::111111111111:role/AWSCloudFormationStackSetAdministrationRole'));
    const passRole = calls(r).find((e) => e.operation === 'iam:PassRole')!;
    expect(passRole).toMatchObject({ resource: 'arn:aws:iam::111111111111:role/AWSCloudFormationStackSetAdministrationRole', decision: 'Allowed', context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } });
  });

  it('fails the instance whose account lacks the execution role, stops the Region and never attempts the next one', async () => {
    const r = await simulate(await scenario('stackset-missing-execution-role'));
    expect(r.status).toBe('Failed');
    expect(instances(r)).toEqual(['444444444444/us-east-1 Succeeded', '555555555555/us-east-1 Failed']);
    const failed = ofType(r, 'stack-instance.finished').find((e) => e.status === 'Failed')!;
    expect(failed.message).toBe("Account 555555555555 should have 'AWSCloudFormationStackSetExecutionRole' role with trust relationship to Role 'AWSCloudFormationStackSetAdministrationRole'.");
    expect(notes(r)).toContain('failure tolerance exceeded in us-east-1 (1 failed, 0 tolerated): the operation stops; Regions eu-west-1 are not attempted');
    expect(r.events.some((e) => e.type === 'stack-instance.started' && e.region === 'eu-west-1')).toBe(false);
    expect(r.firstDenial).toMatchObject({ operation: 'sts:AssumeRole', category: 'UNKNOWN_RESOURCE', resource: 'arn:aws:iam::555555555555:role/AWSCloudFormationStackSetExecutionRole' });
    expect(action(r, 'DeployStackSet')!.message).toContain('555555555555/us-east-1: Account 555555555555 should have');
  });

  it('tolerates the failure when FailureToleranceCount allows one account per Region', async () => {
    const r = await simulate(
      await variant('stackset-missing-execution-role', (s) => {
        s.pipeline.pipeline.stages[1]!.actions[0]!.configuration['FailureToleranceCount'] = '1';
      }),
    );
    expect(r.status).toBe('Succeeded');
    expect(instances(r)).toEqual(['444444444444/us-east-1 Succeeded', '555555555555/us-east-1 Failed', '444444444444/eu-west-1 Succeeded', '555555555555/eu-west-1 Failed']);
    expect(notes(r).some((t) => t.startsWith('some stack instances failed within the failure tolerance'))).toBe(true);
  });

  it('fails the instance with AWS’s reason when the execution role trusts another principal', async () => {
    const r = await simulate(
      await variant('stackset-prod-ou-two-regions', (s) => {
        const exec = s.roles.find((x) => x.arn === 'arn:aws:iam::555555555555:role/AWSCloudFormationStackSetExecutionRole')!;
        exec.trustPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'platform' } } }] };
        s.pipeline.pipeline.stages[1]!.actions[0]!.configuration['FailureTolerancePercentage'] = '0';
      }),
    );
    expect(r.status).toBe('Failed');
    expect(r.firstDenial).toMatchObject({ operation: 'sts:AssumeRole', category: 'TRUST_POLICY' });
    expect(ofType(r, 'stack-instance.finished').find((e) => e.status === 'Failed')!.message).toMatch(/^Account 555555555555 should have 'AWSCloudFormationStackSetExecutionRole' role with trust relationship/);
  });

  it('rejects OU ids as targets of a self-managed stack set, as the action reference does', async () => {
    const r = await simulate(
      await variant('stackset-prod-ou-two-regions', (s) => {
        s.pipeline.pipeline.stages[1]!.actions[0]!.configuration['DeploymentTargets'] = 'ou-prod';
      }),
    );
    expect(r.status).toBe('Failed');
    expect(action(r, 'DeployStackSet')!.message).toBe('for the SELF_MANAGED permission model DeploymentTargets can only be accounts: `ou-prod` is not an account id');
    expect(ofType(r, 'stack-instance.started')).toEqual([]);
  });

  it('rolls a failing instance’s stack back and names it', async () => {
    const r = await simulate(
      await variant('stackset-prod-ou-two-regions', (s) => {
        s.stacks.find((x) => x.account === '444444444444' && x.region === 'eu-west-1')!.fails = true;
      }),
    );
    // One failure is within the tolerance of 1 (50% of 2).
    expect(r.status).toBe('Succeeded');
    const rollback = ofType(r, 'rollback.started');
    expect(rollback).toHaveLength(1);
    expect(rollback[0]).toMatchObject({ scope: 'action', reason: 'stack instance 444444444444/eu-west-1 failed' });
    expect(rollback[0]!.target).toContain('in 444444444444/eu-west-1');
  });
});

describe('StackSets, service-managed', () => {
  it('resolves the prod OU to its accounts and deploys through the service-linked role and stacksets-exec roles', async () => {
    const r = await simulate(await scenario('stackset-service-managed-ou'));
    expect(r.status).toBe('Succeeded');
    expect(instances(r)).toEqual(['444444444444/us-east-1 Succeeded', '555555555555/us-east-1 Succeeded', '444444444444/eu-west-1 Succeeded', '555555555555/eu-west-1 Succeeded']);
    expect(calls(r).some((e) => e.operation === 'iam:PassRole')).toBe(false);
    const slr = 'arn:aws:iam::111111111111:role/aws-service-role/stacksets.cloudformation.amazonaws.com/AWSServiceRoleForCloudFormationStackSetsOrgAdmin';
    expect(calls(r).find((e) => e.operation === 'sts:AssumeRole' && e.resource === slr)).toMatchObject({ principal: 'stacksets.cloudformation.amazonaws.com', decision: 'Allowed' });
    const execAssumes = calls(r).filter((e) => e.operation === 'sts:AssumeRole' && e.principal === slr);
    expect(execAssumes).toHaveLength(4);
    for (const e of execAssumes) expect(e.resource).toMatch(/^arn:aws:iam::(444444444444|555555555555):role\/stacksets-exec-[0-9a-f]+$/);
    // CreateStackSet has no resource-level permissions: it is requested on `*`.
    expect(calls(r).find((e) => e.operation === 'cloudformation:CreateStackSet')).toMatchObject({ resource: '*', decision: 'Allowed' });
  });

  it('never deploys to the management account, even when the targets include it', async () => {
    const r = await simulate(
      await variant('stackset-service-managed-ou', (s) => {
        s.pipeline.pipeline.stages[1]!.actions[0]!.configuration['DeploymentTargets'] = 'r-a1b2';
        s.stacks.push(...['us-east-1', 'eu-west-1'].map((region) => ({ name: 'checkout-baseline', account: '111111111111', region, calls: [], exists: false, fails: false })));
      }),
    );
    expect(r.status).toBe('Succeeded');
    expect(ofType(r, 'stack-instance.started').map((e) => e.account)).not.toContain('111111111111');
    expect(instances(r)).toHaveLength(4);
  });

  it('applies the member account’s SCPs to the stacksets-exec role (it is not service-linked)', async () => {
    const r = await simulate(
      await variant('stackset-service-managed-ou', (s) => {
        s.organization!.policies.push({ name: 'NoTopicsInProd', type: 'SERVICE_CONTROL_POLICY', targets: ['ou-prod'], document: { Version: '2012-10-17', Statement: [{ Sid: 'DenyTopics', Effect: 'Deny', Action: 'sns:CreateTopic', Resource: '*' }] } });
      }),
    );
    expect(r.status).toBe('Failed');
    expect(r.firstDenial).toMatchObject({ operation: 'sns:CreateTopic', category: 'EXPLICIT_DENY' });
    expect(r.firstDenial!.principal).toMatch(/role\/stacksets-exec-/);
    expect(calls(r).find((e) => e.seq === r.firstDenial!.seq)!.statements[0]).toMatchObject({ policyKind: 'scp', policy: 'NoTopicsInProd', effect: 'Deny' });
  });

  it('fails without trusted access, with CloudFormation’s ValidationError and no instance attempted', async () => {
    const r = await simulate(await scenario('stackset-service-managed-no-trusted-access'));
    expect(r.status).toBe('Failed');
    expect(r.firstDenial).toBeNull();
    expect(action(r, 'DeployStackSet')!.message).toBe('ValidationError: You must enable organizations access to operate a service managed stack set');
    expect(ofType(r, 'stack-instance.started')).toEqual([]);
  });

  it('fails when the action does not run in the management account', async () => {
    const r = await simulate(
      await variant('stackset-service-managed-ou', (s) => {
        s.organization!.managementAccount = '555555555555';
      }),
    );
    expect(r.status).toBe('Failed');
    expect(action(r, 'DeployStackSet')!.message).toMatch(/must run in the organization's management account `555555555555`/);
  });
});

describe('CodeDeploy', () => {
  it('evaluates the action role’s CodeDeploy calls on the documented ARNs, the service role trust and the instance role’s download', async () => {
    const r = await simulate(await scenario('codedeploy-instance-role-key-grant'));
    const deploy = calls(r).filter((e) => e.action === 'Deploy');
    expect(deploy.map((e) => `${e.operation} ${e.resource}`).slice(1, 6)).toEqual([
      'codedeploy:RegisterApplicationRevision arn:aws:codedeploy:us-east-1:444444444444:application:checkout',
      'codedeploy:GetApplicationRevision arn:aws:codedeploy:us-east-1:444444444444:application:checkout',
      'codedeploy:CreateDeployment arn:aws:codedeploy:us-east-1:444444444444:deploymentgroup:checkout/prod-fleet',
      'codedeploy:GetDeploymentConfig arn:aws:codedeploy:us-east-1:444444444444:deploymentconfig:CodeDeployDefault.OneAtATime',
      'sts:AssumeRole arn:aws:iam::444444444444:role/CodeDeployServiceRole',
    ]);
    expect(deploy.find((e) => e.resource.endsWith('role/CodeDeployServiceRole'))!.principal).toBe('codedeploy.amazonaws.com');
    const get = deploy.find((e) => e.operation === 's3:GetObject')!;
    expect(get).toMatchObject({ principal: 'arn:aws:iam::444444444444:role/CheckoutInstanceRole', decision: 'Allowed' });
    expect(r.firstDenial).toMatchObject({ operation: 'kms:Decrypt', category: 'KEY_POLICY', principal: 'arn:aws:iam::444444444444:role/CheckoutInstanceRole' });
    expect(r.firstDenial!.sessionArn).toMatch(/assumed-role\/CheckoutInstanceRole\/i-[0-9a-f]{17}$/);
    expect(ofType(r, 'rollback.started')).toEqual([]);
    expect(notes(r)).toContain('automatic rollback is not enabled for DEPLOYMENT_FAILURE on this deployment group: the instances keep what the failed deployment left');
  });

  it('deploys once a KMS grant admits the instance role', async () => {
    const r = await simulate(
      await variant('codedeploy-instance-role-key-grant', (s) => {
        s.keys[0]!.grants.push({ name: 'checkout-instances', granteePrincipal: 'arn:aws:iam::444444444444:role/CheckoutInstanceRole', operations: ['Decrypt'], retired: false });
      }),
    );
    expect(r.status).toBe('Succeeded');
    expect(calls(r).find((e) => e.operation === 'kms:Decrypt' && e.principal.endsWith('CheckoutInstanceRole'))!.statements[0]).toMatchObject({ policyKind: 'grant' });
    expect(calls(r).at(-1)).toMatchObject({ operation: 'codedeploy:GetDeployment', decision: 'Allowed' });
  });

  it('names SERVICE_ROLE_TRUST when the service role does not trust CodeDeploy', async () => {
    const r = await simulate(
      await variant('codedeploy-auto-rollback', (s) => {
        s.roles.find((x) => x.arn.endsWith('role/CodeDeployServiceRole'))!.trustPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
      }),
    );
    expect(r.firstDenial).toMatchObject({ operation: 'sts:AssumeRole', category: 'SERVICE_ROLE_TRUST', principal: 'codedeploy.amazonaws.com' });
  });

  it('rolls back to the last known good revision when the deployment fails and the group enables it', async () => {
    const r = await simulate(await scenario('codedeploy-auto-rollback'));
    expect(r.status).toBe('Failed');
    expect(r.firstDenial).toBeNull();
    const rollback = ofType(r, 'rollback.started');
    expect(rollback).toHaveLength(1);
    expect(rollback[0]).toMatchObject({ scope: 'action', action: 'Deploy' });
    expect(rollback[0]!.reason).toMatch(/^deployment d-[0-9A-F]{9} failed and the deployment group rolls back on DEPLOYMENT_FAILURE$/);
    expect(rollback[0]!.target).toMatch(/^the last known good revision \(execution 7d2c9e14-3b6a-4f81-9c0d-5e2a7b4c1f08, commit 3e8b1d4\), redeployed as new deployment d-[0-9A-F]{9}$/);
    expect(action(r, 'Deploy')!.message).toMatch(/^Deployment d-[0-9A-F]{9} failed$/);
  });

  it('reads the revision with the service role on the Lambda compute platform', async () => {
    const r = await simulate(
      await variant('codedeploy-auto-rollback', (s) => {
        s.codeDeployApplications[0]!.computePlatform = 'Lambda';
        s.run.failures = [];
        s.roles.find((x) => x.arn.endsWith('role/ProdDeployRole'))!.inlinePolicies['LambdaDeployments'] = {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'codedeploy:GetDeploymentConfig', Resource: 'arn:aws:codedeploy:us-east-1:444444444444:deploymentconfig:CodeDeployDefault.LambdaAllAtOnce' }],
        };
      }),
    );
    const get = calls(r).find((e) => e.operation === 's3:GetObject' && e.action === 'Deploy')!;
    expect(get.principal).toBe('arn:aws:iam::444444444444:role/CodeDeployServiceRole');
    expect(calls(r).find((e) => e.operation === 'codedeploy:GetDeploymentConfig')!.resource).toBe('arn:aws:codedeploy:us-east-1:444444444444:deploymentconfig:CodeDeployDefault.LambdaAllAtOnce');
  });
});

describe('Lambda invoke', () => {
  it('invokes the function, reports the job result from the function role and publishes its output variables', async () => {
    const r = await simulate(await scenario('lambda-invoke-output-variables'));
    expect(r.status).toBe('Succeeded');
    const smoke = calls(r).filter((e) => e.action === 'SmokeTest').map((e) => `${e.operation} ${e.resource} ${e.decision}`);
    expect(smoke).toEqual([
      'sts:AssumeRole arn:aws:iam::444444444444:role/ProdSmokeTestRole Allowed',
      'lambda:InvokeFunction arn:aws:lambda:us-east-1:444444444444:function:checkout-smoke-test Allowed',
      'sts:AssumeRole arn:aws:iam::444444444444:role/CheckoutSmokeTestFunctionRole Allowed',
      'codepipeline:PutJobSuccessResult * Allowed',
    ]);
    expect(notes(r)).toContain('invoke arn:aws:lambda:us-east-1:444444444444:function:checkout-smoke-test with UserParameters {"commit":"9f1c2e7a4b8d6c0e2f4a6b8d0c2e4f6a8b0d2c4e","endpoint":"https://checkout.example.com/health"}');
    const resolved = ofType(r, 'variables.resolved').find((e) => e.action === 'ConfirmHealthy')!;
    expect(resolved.variables).toMatchObject({ '#{SmokeTest.HealthStatus}': 'healthy', '#{SmokeTest.CheckedEndpoints}': '3' });
  });

  it('fails the action when the function reports PutJobFailureResult', async () => {
    const r = await simulate(
      await variant('lambda-invoke-output-variables', (s) => {
        s.lambdaFunctions[0]!.result = 'Failed';
      }),
    );
    expect(r.status).toBe('Failed');
    expect(calls(r).at(-1)).toMatchObject({ operation: 'codepipeline:PutJobFailureResult', decision: 'Allowed' });
    expect(action(r, 'SmokeTest')!.message).toBe('the function checkout-smoke-test reported PutJobFailureResult');
  });

  it('needs the function policy as well as the identity policy across accounts', async () => {
    const other = 'arn:aws:lambda:us-east-1:555555555555:function:checkout-smoke-test';
    const crossAccount = (withPolicy: boolean) =>
      variant('lambda-invoke-output-variables', (s) => {
        s.accounts.push({ id: '555555555555', name: 'shared-tests' });
        const fn = s.lambdaFunctions[0]!;
        fn.arn = other;
        if (withPolicy) fn.policy = { Version: '2012-10-17', Statement: [{ Sid: 'ProdSmokeTests', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444444444444:role/ProdSmokeTestRole' }, Action: 'lambda:InvokeFunction', Resource: other }] };
        s.pipeline.pipeline.stages[1]!.actions[0]!.configuration['FunctionName'] = other;
        s.roles.find((x) => x.arn.endsWith('role/ProdSmokeTestRole'))!.inlinePolicies['InvokeSmokeTest'] = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: other }] };
      });
    const denied = await simulate(await crossAccount(false));
    expect(denied.firstDenial).toMatchObject({ operation: 'lambda:InvokeFunction', category: 'RESOURCE_POLICY', resource: other });
    const allowed = await simulate(await crossAccount(true));
    expect(calls(allowed).find((e) => e.operation === 'lambda:InvokeFunction')).toMatchObject({ decision: 'Allowed', resource: other });
  });
});

describe('two Regions, one fails (FAQ Q8)', () => {
  it('shows the Region that succeeded, the Region that failed, the stack rollback and the stage rollback', async () => {
    const r = await simulate(await scenario('two-region-partial-failure-rollback'));
    expect(r.status).toBe('Failed');
    expect(r.firstDenial).toBeNull();
    expect(ofType(r, 'action.finished').map((e) => `${e.action} ${e.status}`)).toEqual(['Source Succeeded', 'Deploy-us-east-1 Succeeded', 'Deploy-eu-west-1 Failed']);
    const started = ofType(r, 'action.started');
    expect(started.find((e) => e.action === 'Deploy-us-east-1')!.region).toBe('us-east-1');
    expect(started.find((e) => e.action === 'Deploy-eu-west-1')!.region).toBe('eu-west-1');
    // eu-west-1: its input was copied there first, then its stack rolled back (action level).
    expect(ofType(r, 'artifact.replicated')).toMatchObject([{ artifact: 'SourceOutput', fromRegion: 'us-east-1', toRegion: 'eu-west-1', action: 'Deploy-eu-west-1' }]);
    const [actionRollback, stageRollback] = ofType(r, 'rollback.started');
    expect(actionRollback).toMatchObject({ scope: 'action', action: 'Deploy-eu-west-1', reason: 'stack checkout-prod failed' });
    expect(action(r, 'Deploy-eu-west-1')!.message).toBe('Stack checkout-prod failed: UPDATE_ROLLBACK_COMPLETE');
    // The stage rolls back to the last successful execution: both Regions, including the one that succeeded.
    expect(stageRollback).toMatchObject({ scope: 'stage', stage: 'DeployProd', target: 'execution 2a7f4c91-6d3e-4b58-8e0a-1c9d7f5b3e26 (commit 3e8b1d4)' });
    const underStage = ofType(r, 'note.added').filter((e) => e.parentSeq === stageRollback!.seq).map((e) => e.text);
    expect(underStage).toContain('Deploy-us-east-1 (444444444444, us-east-1) succeeded in this execution: its change is rolled back to the version of execution 2a7f4c91-6d3e-4b58-8e0a-1c9d7f5b3e26');
    expect(underStage).toContain('Deploy-eu-west-1 (444444444444, eu-west-1) failed in this execution: redeployed to the version of execution 2a7f4c91-6d3e-4b58-8e0a-1c9d7f5b3e26');
    expect(ofType(r, 'stage.finished').at(-1)).toMatchObject({ stage: 'DeployProd', status: 'Failed' });
    expect(formatTrace(r, 'fails')).toContain('rollback (stage): stage failed with onFailure ROLLBACK → execution 2a7f4c91');
  });

  it('has nothing to roll back to without an earlier successful execution', async () => {
    const r = await simulate(
      await variant('two-region-partial-failure-rollback', (s) => {
        s.run.previousExecutions = [{ id: 'c0ffee00-0000-4000-8000-000000000000', status: 'Failed' }];
      }),
    );
    const stage = ofType(r, 'rollback.started').find((e) => e.scope === 'stage')!;
    expect(stage.target).toBeUndefined();
    expect(notes(r)).toContain('no earlier successful execution: nothing to roll back to (automatic rollback needs a successful execution of this stage)');
  });
});

describe('the guide’s boundary case: four Regions in one account', () => {
  it('as four parallel per-Region actions: four actions, three artifact copies, no StackSet', async () => {
    const r = await simulate(await scenario('four-regions-one-account-parallel'));
    expect(r.status).toBe('Succeeded');
    const deploys = ofType(r, 'action.started').filter((e) => e.stage === 'DeployProd');
    expect(deploys.map((e) => `${e.region} ${e.account} ${e.runOrder}`)).toEqual(['us-east-1 444444444444 1', 'us-west-2 444444444444 1', 'eu-west-1 444444444444 1', 'ap-southeast-2 444444444444 1']);
    expect(ofType(r, 'artifact.replicated').map((e) => e.toRegion)).toEqual(['us-west-2', 'eu-west-1', 'ap-southeast-2']);
    expect(ofType(r, 'stack-instance.started')).toEqual([]);
  });

  it('as one StackSet action: four instances in one account, in the Regions’ order, one at a time', async () => {
    const r = await simulate(await scenario('four-regions-one-account-stackset'));
    expect(r.status).toBe('Succeeded');
    expect(instances(r)).toEqual(['444444444444/us-east-1 Succeeded', '444444444444/us-west-2 Succeeded', '444444444444/eu-west-1 Succeeded', '444444444444/ap-southeast-2 Succeeded']);
    expect(ofType(r, 'artifact.replicated')).toEqual([]);
    expect(notes(r).filter((t) => t.startsWith('batch '))).toHaveLength(4);
  });
});

describe('purity', () => {
  it('gives the same result twice and leaves the scenario unchanged (service-managed roles are added to a copy of the world)', async () => {
    const s = await scenario('stackset-service-managed-ou');
    const before = structuredClone(s);
    const first = await simulate(s);
    const second = await simulate(s);
    expect(second).toEqual(first);
    expect(s).toEqual(before);
    expect(s.roles.some((r) => r.arn.includes('stacksets-exec-'))).toBe(false);
  });
});
