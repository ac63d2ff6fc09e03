/**
 * Amazon S3 source action (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-S3.html).
 */
import { bucketArn, objectArn } from '../../../model/arn.js';
import { resolveKey } from '../../../model/world.js';
import type { Call } from '../../types.js';
import { awsManagedS3KeyRef, callAll, denialMessage, fail, s3EncryptionArn, writeOutputs, type ActionOutcome, type ActionRun } from './kit.js';

/** S3 source: the action role reads the versioned object (and decrypts it), then stores it as an artifact. */
export async function runS3Source(run: ActionRun): Promise<ActionOutcome> {
  const bucketName = run.config['S3Bucket'] ?? '';
  const key = run.config['S3ObjectKey'] ?? '';
  const bucket = run.ctx.world.buckets.get(bucketName);
  if (!bucket) return fail(`source bucket \`${bucketName}\` does not exist`);
  const object = objectArn(bucketName, key);
  const calls: [Call, string][] = [
    [{ caller: run.caller, operation: 's3:GetBucketVersioning', resource: bucketArn(bucketName), region: bucket.region }, 'check source bucket versioning'],
    [{ caller: run.caller, operation: 's3:GetObject', resource: object, region: bucket.region }, `read source object ${key}`],
    [{ caller: run.caller, operation: 's3:GetObjectVersion', resource: object, region: bucket.region }, `read source object version ${key}`],
  ];
  if (bucket.encryption?.sseAlgorithm === 'aws:kms') {
    const ref = bucket.encryption.kmsKeyId ?? awsManagedS3KeyRef(bucket.account, bucket.region);
    // The object was written in the bucket owner's account: S3 recorded the key ARN it resolved there.
    const resolved = resolveKey(run.ctx.world, ref, { account: bucket.account, region: bucket.region });
    const keyArn = resolved.key?.arn ?? ref;
    calls.push([{ caller: run.caller, operation: 'kms:Decrypt', resource: keyArn, region: bucket.region, facts: { viaService: `s3.${bucket.region}.amazonaws.com`, encryptionContext: { 'aws:s3:arn': s3EncryptionArn(run.ctx.world, bucket.name, object) } } }, 'decrypt the source object']);
  }
  const denied = await callAll(run, run.parent, calls);
  if (denied) return fail(denialMessage(denied));
  const written = await writeOutputs(run, run.caller);
  if (written.failed) return fail(written.failed);
  return { status: 'Succeeded', artifacts: written.artifacts, variables: { ObjectKey: key, VersionId: 'v1', ETag: '0123456789abcdef' } };
}
