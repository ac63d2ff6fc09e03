/**
 * Amazon S3 deploy action (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-S3Deploy.html):
 * the action role reads its one input artifact and uploads it to `BucketName` — zipped as
 * `ObjectKey` (`Extract: false`), or extracted under `ObjectKey` as a prefix (`Extract: true`;
 * pipesim checks one representative object of the archive, `index.html`). `KMSEncryptionKeyARN`
 * encrypts the uploads with that key (an alias resolves only in the account that created it;
 * the reference asks for a key ID or ARN across accounts); without it the bucket's default
 * encryption applies. `CannedACL` is sent with each upload and authorized as `s3:PutObjectAcl`.
 */
import { objectArn } from '../../../model/arn.js';
import { resolveKey } from '../../../model/world.js';
import type { Call } from '../../types.js';
import { awsManagedS3KeyRef, callAll, callBy, denialMessage, fail, readInputs, s3EncryptionArn, type ActionOutcome, type ActionRun } from './kit.js';

/** S3 deploy: read the input artifact, then put its objects into the target bucket (with their key and ACL calls). */
export async function runS3Deploy(run: ActionRun): Promise<ActionOutcome> {
  const bucketName = run.config['BucketName'] ?? '';
  const bucket = run.ctx.world.buckets.get(bucketName);
  if (!bucket) return fail(`deploy bucket \`${bucketName}\` is not declared in \`buckets\`: no call to it can be checked`);
  const read = await readInputs(run, run.caller);
  if (read) return fail(denialMessage(read));
  const extract = (run.config['Extract'] ?? '').toLowerCase() === 'true';
  const prefix = run.config['ObjectKey'] ?? '';
  const key = extract ? `${prefix ? `${prefix.replace(/\/+$/, '')}/` : ''}index.html` : prefix;
  const object = objectArn(bucketName, key);
  const acl = run.config['CannedACL'];
  const keyRef = run.config['KMSEncryptionKeyARN'] ?? (bucket.encryption?.sseAlgorithm === 'aws:kms' ? bucket.encryption.kmsKeyId ?? awsManagedS3KeyRef(bucket.account, bucket.region) : undefined);
  const keyArn = keyRef ? (resolveKey(run.ctx.world, keyRef, { account: run.action.account, region: bucket.region }).key?.arn ?? keyRef) : undefined;
  const sse = keyArn ? { sseHeader: 'aws:kms', ...(run.config['KMSEncryptionKeyARN'] ? { sseKmsKeyId: keyArn } : {}) } : {};
  const calls: [Call, string][] = [[callBy(run, run.caller, 's3:PutObject', object, { region: bucket.region, facts: { ...sse, ...(acl ? { cannedAcl: acl } : {}) } }), `upload ${extract ? 'the extracted files' : key} to ${bucketName}`]];
  if (acl) calls.push([callBy(run, run.caller, 's3:PutObjectAcl', object, { region: bucket.region, facts: { cannedAcl: acl } }), `apply the canned ACL ${acl}`]);
  if (keyArn) {
    calls.push([callBy(run, run.caller, 'kms:GenerateDataKey', keyArn, { region: bucket.region, facts: { viaService: `s3.${bucket.region}.amazonaws.com`, encryptionContext: { 'aws:s3:arn': s3EncryptionArn(run.ctx.world, bucketName, object) } } }), `encrypt the upload with ${keyArn}`]);
  }
  const denied = await callAll(run, run.parent, calls);
  if (denied) return fail(denialMessage(denied));
  return { status: 'Succeeded', variables: {} };
}
