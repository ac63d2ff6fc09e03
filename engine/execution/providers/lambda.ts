/**
 * The Lambda invoke action (provider `Lambda`, category Invoke; configuration `FunctionName`,
 * `UserParameters`): "AWS Lambda invoke action reference"
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-Lambda.html).
 *
 * What is evaluated:
 * - the action role calls `lambda:InvokeFunction` on the function (the CodePipeline service role
 *   policy grants `lambda:InvokeFunction`, how-to-custom-role.html). Across accounts both the
 *   action role's identity policy and the function's resource-based policy must allow it.
 * - Lambda runs the function as its execution role: `lambda.amazonaws.com` assumes it.
 * - the function must report the job's result, or the action hangs until it times out: its role
 *   calls `codepipeline:PutJobSuccessResult` (with the output variables) or
 *   `codepipeline:PutJobFailureResult`, per the scenario's `result`. These actions have no
 *   resource-level permissions (Resource `*`).
 * - input and output artifacts are reached with the job's `artifactCredentials`; pipesim evaluates
 *   them as the action role's session.
 * - `UserParameters` reach the function with variables resolved (the step resolves them); the
 *   output variables are published under the action's namespace.
 */
import { parseArn } from '../../../model/arn.js';
import type { Caller } from '../../types.js';
import { callAll, callBy, denialMessage, fail, readInputs, roleCaller, where, writeOutputs, type ActionOutcome, type ActionRun } from './kit.js';


/** The function ARN `FunctionName` names: an ARN as written, else a name in the action's account and Region. */
export function functionArnOf(functionName: string, account: string, region: string): string {
  if (functionName.startsWith('arn:')) return functionName.split(':').slice(0, 7).join(':');
  return `arn:aws:lambda:${region}:${account}:function:${functionName}`;
}

/** Runs a Lambda invoke action. */
export async function runLambda(run: ActionRun): Promise<ActionOutcome> {
  const w = where(run);
  const name = run.config['FunctionName'] ?? '';
  const arn = functionArnOf(name, run.action.account, run.action.region);
  const region = parseArn(arn)?.region || run.action.region;
  const read = await readInputs(run, run.caller);
  if (read) return fail(denialMessage(read));
  const params = run.config['UserParameters'];
  const invoke = run.rec.emit({ type: 'note.added', parentSeq: run.parent, ...w, text: `invoke ${arn}${params !== undefined ? ` with UserParameters ${params}` : ''}` });
  const denied = await callAll(run, invoke, [[{ caller: run.caller, operation: 'lambda:InvokeFunction', resource: arn, region }, `invoke ${name}`]]);
  if (denied) return fail(denialMessage(denied));
  const fn = run.ctx.world.functions.get(arn);
  if (!fn) return fail(`ResourceNotFoundException: Function not found: ${arn}`);

  // The function runs as its execution role and reports the job result to CodePipeline.
  const lambda: Caller = { kind: 'service', service: 'lambda.amazonaws.com', sourceArn: arn, sourceAccount: parseArn(arn)?.account ?? run.action.account };
  const session = `awslambda_${fn.arn.split(':').pop() ?? 'function'}`;
  const assumed = await callAll(run, invoke, [[{ caller: lambda, operation: 'sts:AssumeRole', resource: fn.role, region, facts: { roleSessionName: session } }, 'Lambda assumes the function execution role']]);
  if (assumed) return fail(denialMessage(assumed));
  const fnCaller = roleCaller(fn.role, session);
  const succeeded = fn.result === 'Succeeded';
  const operation = succeeded ? 'codepipeline:PutJobSuccessResult' : 'codepipeline:PutJobFailureResult';
  const reported = await callAll(run, invoke, [[callBy(run, fnCaller, operation, '*', { region: run.plan.region }), `the function reports ${succeeded ? 'success' : 'failure'} to CodePipeline`]]);
  if (reported) {
    run.rec.emit({ type: 'note.added', parentSeq: invoke, ...w, text: 'the job result never reaches CodePipeline: the action waits until it times out' });
    return fail(denialMessage(reported));
  }
  if (!succeeded) return fail(`the function ${name} reported PutJobFailureResult`);
  const written = await writeOutputs(run, run.caller);
  if (written.failed) return fail(written.failed);
  return { status: 'Succeeded', artifacts: written.artifacts, variables: fn.outputVariables };
}
