/**
 * Artifacts in the stores: where an artifact lives, how it is read (`s3:GetObject` + `kms:Decrypt`
 * through S3) and written (`s3:PutObject` with SSE-KMS headers + `kms:GenerateDataKey`), and the
 * cross-Region copy CodePipeline makes before an action in another Region. Also the role sessions
 * CodePipeline opens. Pure apart from awaiting the policy engine.
 */
import { bucketArn, objectArn, parseArn, sessionArn } from '../../model/arn.js';
import { keyInRegion, resolveKey, type World } from '../../model/world.js';
import type { Plan, PlannedAction } from './plan.js';
import type { Recorder, StepContext } from './recorder.js';
import type { ActionRun, ArtifactCopy } from './state.js';
import type { Caller, CallEvaluatedEvent } from '../types.js';

/** A role session as CodePipeline (or a service) would open it. */
export function roleCaller(roleArn: string, sessionName: string): Caller & { readonly kind: 'role' } {
  return { kind: 'role', roleArn, sessionArn: sessionArn(roleArn, sessionName), sessionName };
}

/** The failure message of a denied call: AWS's message, else the explanation. */
export function denialMessage(ev: CallEvaluatedEvent): string {
  return consoleMessage(ev) ?? ev.message ?? ev.explanation;
}

/**
 * The action failure text the CodePipeline console shows for a denied call, where AWS's wording is
 * known (docs/console-messages.md); the call keeps the IAM/S3 error it came from. S3 access to a
 * bucket, and KMS through S3 for an object of it: "The service role or action role doesn't have
 * the permissions required to access the Amazon S3 bucket named …" (as quoted in aws-cdk#14156 and
 * #10420). CloudFormation unable to assume its execution role: "Role … is invalid or cannot be
 * assumed" (CloudFormation's ValidationError, as reported in awslabs/aws-sam-codepipeline-cd#22 and
 * awslabs/aws-service-catalog-puppet#568).
 */
function consoleMessage(ev: CallEvaluatedEvent): string | undefined {
  const op = ev.operation.toLowerCase();
  const viaS3 = String(ev.context['kms:ViaService'] ?? '').startsWith('s3.');
  const object = op.startsWith('s3:') ? ev.resource : op.startsWith('kms:') && viaS3 ? String(ev.context['kms:EncryptionContext:aws:s3:arn'] ?? '') : '';
  const bucket = object.startsWith('arn:') ? parseArn(object)?.resource.split('/')[0] : undefined;
  if (bucket) return `The service role or action role doesn't have the permissions required to access the Amazon S3 bucket named ${bucket}. Update the IAM role permissions, and then try again. Error: Amazon S3:AccessDenied:${ev.message ?? 'Access Denied'}`;
  if (op === 'sts:assumerole' && ev.principal === 'cloudformation.amazonaws.com') return `Role ${ev.resource} is invalid or cannot be assumed`;
  return undefined;
}

/** The session name CodePipeline uses for role sessions of an execution. */
export function sessionNameFor(executionId: string): string {
  return `codepipeline-${executionId.slice(0, 8)}`;
}

/** The object key of an artifact in a store. */
export function artifactKey(plan: Plan, artifact: string, executionId: string): string {
  return `${plan.pipelineName.slice(0, 20)}/${artifact.slice(0, 20)}/${executionId.slice(0, 8)}.zip`;
}

/** The KMS key reference a store encrypts with: its `encryptionKey`, else the account's `aws/s3`. */
export function storeKeyRef(plan: Plan, region: string): string {
  const store = plan.stores[region];
  return store?.encryptionKey?.id ?? awsManagedS3KeyRef(plan.account, region);
}

/** The alias ARN of an account's AWS managed `aws/s3` key in a region (what S3 and CodeBuild fall back to). */
export function awsManagedS3KeyRef(account: string, region: string): string {
  return `arn:aws:kms:${region}:${account}:alias/aws/s3`;
}

/**
 * The `aws:s3:arn` encryption context S3 sends KMS for an object: the object's ARN, or the
 * bucket's with an S3 Bucket Key (S3 User Guide, "Reducing the cost of SSE-KMS with Amazon S3
 * Bucket Keys": "the bucket ARN is used as the encryption context").
 */
export function s3EncryptionArn(world: World, bucket: string, object: string): string {
  return world.buckets.get(bucket)?.encryption?.bucketKeyEnabled === true ? bucketArn(bucket) : object;
}

/**
 * Reads an artifact copy: `s3:GetObject` then `kms:Decrypt` through S3 on the key the object
 * was encrypted with (S3 records the key ARN with the object).
 */
export async function readArtifact(run: Pick<ActionRun, 'rec' | 'action' | 'ctx'>, parent: number, caller: Caller, name: string, copy: ArtifactCopy): Promise<CallEvaluatedEvent | null> {
  const where = { stage: run.action.stage, action: run.action.declaration.name };
  const object = objectArn(copy.bucket, copy.key);
  const get = await run.rec.call(parent, where, { caller, operation: 's3:GetObject', resource: object, region: copy.region }, `read input artifact ${name}`);
  if (get.decision !== 'Allowed') return get;
  const decrypt = await run.rec.call(parent, where, { caller, operation: 'kms:Decrypt', resource: copy.keyArn, region: copy.region, facts: { viaService: `s3.${copy.region}.amazonaws.com`, encryptionContext: { 'aws:s3:arn': s3EncryptionArn(run.ctx.world, copy.bucket, object) } } }, `decrypt input artifact ${name}`);
  return decrypt.decision !== 'Allowed' ? decrypt : null;
}

/**
 * Writes an artifact: `s3:PutObject` with the SSE-KMS headers, then `kms:GenerateDataKey`
 * through S3. A key alias or id resolves in the writer's account, as S3 resolves it.
 */
export async function writeArtifact(
  run: Pick<ActionRun, 'rec' | 'action' | 'ctx' | 'plan' | 'executionId'>,
  parent: number,
  caller: Caller,
  name: string,
  region: string,
  keyRefOverride?: string,
): Promise<{ readonly denied: CallEvaluatedEvent | null; readonly copy: ArtifactCopy | null; readonly message?: string }> {
  const where = { stage: run.action.stage, action: run.action.declaration.name };
  const store = run.plan.stores[region];
  if (!store) return { denied: null, copy: null, message: `no artifact store for region \`${region}\`` };
  const writerAccount = caller.kind === 'role' ? parseArn(caller.roleArn)?.account ?? run.plan.account : run.plan.account;
  const ref = keyRefOverride ?? storeKeyRef(run.plan, region);
  const resolved = resolveKey(run.ctx.world, ref, { account: writerAccount, region });
  const keyArn = resolved.key ? (keyInRegion(run.ctx.world, resolved.key, region) ?? resolved.key).arn : ref;
  const key = artifactKey(run.plan, name, run.executionId);
  const object = objectArn(store.location, key);
  const acl = ownerAcl(run.action, writerAccount, run.ctx.world.buckets.get(store.location)?.account ?? run.plan.account);
  const put = await run.rec.call(parent, where, { caller, operation: 's3:PutObject', resource: object, region, facts: { sseHeader: 'aws:kms', sseKmsKeyId: keyArn, ...(acl ? { cannedAcl: acl } : {}) } }, `write output artifact ${name}`);
  if (put.decision !== 'Allowed') return { denied: put, copy: null };
  if (acl) {
    const granted = await run.rec.call(parent, where, { caller, operation: 's3:PutObjectAcl', resource: object, region, facts: { cannedAcl: acl } }, `give the bucket owner full control of output artifact ${name}`);
    if (granted.decision !== 'Allowed') return { denied: granted, copy: null };
  }
  // SSE-KMS needs a key in the bucket's Region (S3 User Guide, "Specifying server-side encryption
  // with AWS KMS": "the key must be in the same Region as the bucket"); S3 answers as for a key that
  // does not exist (aws-cdk#4306: "KMS.NotFoundException").
  const keyRegion = parseArn(keyArn)?.region;
  if (resolved.key && keyRegion && keyRegion !== region) {
    return { denied: null, copy: null, message: `Key '${keyArn}' does not exist (Service: Amazon S3; Status Code: 400; Error Code: KMS.NotFoundException): the key of the artifact store is in \`${keyRegion}\`, and S3 encrypts objects of bucket \`${store.location}\` (\`${region}\`) only with a key of that Region` };
  }
  const gen = await run.rec.call(parent, where, { caller, operation: 'kms:GenerateDataKey', resource: keyArn, region, facts: { viaService: `s3.${region}.amazonaws.com`, encryptionContext: { 'aws:s3:arn': s3EncryptionArn(run.ctx.world, store.location, object) } } }, `encrypt output artifact ${name}`);
  if (gen.decision !== 'Allowed') return { denied: gen, copy: null };
  return { denied: null, copy: { bucket: store.location, key, keyArn, region } };
}

/**
 * The canned ACL a source action sends with its output, if any: `bucket-owner-full-control`, which
 * S3 authorizes as `s3:PutObjectAcl` besides `s3:PutObject`. A source action writing into another
 * account's bucket sends it (aws-cdk#14156, fixed by #14260 granting PutObjectAcl to cross-account
 * CodeCommit sources); a CodeStar connection source sends it always (aws-cdk#13557). With Object
 * Ownership `BucketOwnerEnforced` the ACL is accepted and changes nothing, but the call is the same.
 */
function ownerAcl(action: PlannedAction, writerAccount: string, bucketAccount: string): string | undefined {
  if (action.category !== 'Source') return undefined;
  if (action.provider === 'CodeStarSourceConnection' || writerAccount !== bucketAccount) return 'bucket-owner-full-control';
  return undefined;
}

/** Copies an artifact into the action's region: CodePipeline does it with the pipeline service role. */
export async function replicate(
  ctx: StepContext,
  plan: Plan,
  rec: Recorder,
  parent: number,
  action: PlannedAction,
  name: string,
  copies: Readonly<Record<string, ArtifactCopy>>,
  pipelineCaller: Caller,
  executionId: string,
): Promise<{ readonly status: 'Succeeded'; readonly copy: ArtifactCopy } | { readonly status: 'Failed'; readonly message: string }> {
  const source = copies[plan.region] ?? Object.values(copies)[0];
  if (!source) return { status: 'Failed', message: `artifact \`${name}\` has no stored copy` };
  const where = { stage: action.stage, action: action.declaration.name };
  const rep = rec.emit({ type: 'artifact.replicated', parentSeq: parent, ...where, artifact: name, from: source.bucket, to: plan.stores[action.region]?.location ?? '', fromRegion: source.region, toRegion: action.region });
  const run = { rec, action, ctx, plan, executionId };
  const denied = await readArtifact(run, rep, pipelineCaller, name, source);
  if (denied) return { status: 'Failed', message: denialMessage(denied) };
  const written = await writeArtifact(run, rep, pipelineCaller, name, action.region);
  if (written.denied) return { status: 'Failed', message: denialMessage(written.denied) };
  if (!written.copy) return { status: 'Failed', message: written.message ?? `artifact \`${name}\` could not be copied` };
  return { status: 'Succeeded', copy: written.copy };
}
