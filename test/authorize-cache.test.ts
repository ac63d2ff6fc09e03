/**
 * engine/policy/policy-use.ts validates each policy document once: `createValidatedPolicy` runs per
 * document object (and rewrite), not per call.
 */
import { describe, expect, it, vi } from 'vitest';

const { validated } = vi.hoisted(() => ({ validated: { count: 0 } }));
vi.mock('@cloud-copilot/iam-policy', async (importOriginal) => {
  const mod = await importOriginal<typeof import('@cloud-copilot/iam-policy')>();
  return {
    ...mod,
    createValidatedPolicy: (...args: Parameters<typeof mod.createValidatedPolicy>) => {
      validated.count++;
      return mod.createValidatedPolicy(...args);
    },
  };
});

const { authorize } = await import('../engine/policy/authorize.js');
const { callOf, worldOf } = await import('./helpers/world.js');

const key = 'arn:aws:kms:us-east-1:111111111111:key/11111111-2222-3333-4444-555555555555';
const world = worldOf({
  accounts: [
    { id: '111111111111', name: 'tooling' },
    { id: '222222222222', name: 'prod' },
  ],
  roles: [
    {
      arn: 'arn:aws:iam::222222222222:role/DeployRole',
      trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' }] },
      inlinePolicies: {
        Kms: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: key }] },
        S3: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] },
      },
    },
  ],
  keys: [
    {
      arn: key,
      policy: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:role/DeployRole' }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringLike: { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::a/*' } } },
        ],
      },
    },
  ],
});

describe('authorize: validation cache', () => {
  it('validates each document once, however many calls use it', async () => {
    // Given a first call that validates the identity policies and the (rewritten) key policy
    const call = (object: string) =>
      callOf({ caller: { role: 'arn:aws:iam::222222222222:role/DeployRole' }, operation: 'kms:Decrypt', resource: key, facts: { viaService: 's3.amazonaws.com', encryptionContext: { 'aws:s3:arn': object } } });
    const before = validated.count;
    expect((await authorize(world, call('arn:aws:s3:::a/1'))).decision).toBe('Allowed');
    const afterFirst = validated.count;
    expect(afterFirst - before).toBe(3);
    // When more calls, without a memo, use the same documents
    for (let i = 2; i < 20; i++) await authorize(world, call(`arn:aws:s3:::a/${i}`));
    expect((await authorize(world, call('arn:aws:s3:::b/1'))).decision).toBe('ImplicitlyDenied');
    // Then nothing is validated again
    expect(validated.count).toBe(afterFirst);
  });
});
