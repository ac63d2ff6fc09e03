/** PS004, PS005, PS006: artifact buckets (encrypted puts only, TLS only, versioning). Pure. */
import type { PathSegment } from '../../../model/path.js';
import type { PolicyDocument } from '../../../model/schema.js';
import { conditionsOf, coversAction, indexedStatements, isDeny } from '../policy.js';
import { storesOf, type Check, type Draft } from './kit.js';

const SSE_KEYS = new Set(['s3:x-amz-server-side-encryption', 's3:x-amz-server-side-encryption-aws-kms-key-id']);

/** Whether a bucket policy denies PutObject without the SSE headers. */
function deniesUnencryptedPut(doc: PolicyDocument | undefined): boolean {
  return indexedStatements(doc).some(({ statement: st }) => isDeny(st) && coversAction(st, 's3:PutObject') && conditionsOf(st).some((c) => SSE_KEYS.has(c.key.toLowerCase())));
}

/** Whether a bucket policy denies requests without TLS. */
function deniesPlainHttp(doc: PolicyDocument | undefined): boolean {
  return indexedStatements(doc).some(({ statement: st }) => isDeny(st) && conditionsOf(st).some((c) => c.key.toLowerCase() === 'aws:securetransport' && /^Bool(IfExists)?$/i.test(c.operator) && c.values.some((v) => v.toLowerCase() === 'false')));
}

/** PS004, PS005, PS006: each artifact bucket denies unencrypted uploads and plain HTTP, and is versioned. */
export const artifactBuckets: Check = (ctx) => {
  const out: Draft[] = [];
  const names = new Set(storesOf(ctx).map((s) => s.store.location));
  ctx.scenario.buckets.forEach((bucket, i) => {
    if (!names.has(bucket.name)) return;
    const base: PathSegment[] = ['buckets', i];
    const policyPath = bucket.policy ? [...base, 'policy'] : base;
    if (!deniesUnencryptedPut(bucket.policy)) {
      out.push({ ruleId: 'PS004', segments: policyPath, message: `artifact bucket \`${bucket.name}\` has no statement denying s3:PutObject without the \`s3:x-amz-server-side-encryption\` header` });
    }
    if (!deniesPlainHttp(bucket.policy)) {
      out.push({ ruleId: 'PS005', segments: policyPath, message: `artifact bucket \`${bucket.name}\` has no statement denying requests where \`aws:SecureTransport\` is false` });
    }
    if (bucket.versioning !== 'Enabled') {
      out.push({ ruleId: 'PS006', segments: [...base, 'versioning'], message: `artifact bucket \`${bucket.name}\` has versioning \`${bucket.versioning}\`` });
    }
  });
  return out;
};
