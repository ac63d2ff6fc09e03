/**
 * Reads a CDK cloud assembly's `manifest.json`: every artifact of type `aws:cloudformation:stack`
 * with its environment (`aws://account/region`), stack name and template file, and the nested
 * assemblies (`cdk:cloud-assembly`, as CDK Pipelines stages make) to read next. Pure: the
 * manifest comes in as text.
 *
 * Source: the cloud assembly schema (`@aws-cdk/cloud-assembly-schema`, `AssemblyManifest`,
 * `AwsCloudFormationStackProperties`, `NestedCloudAssemblyProperties`).
 */
import type { LocatedIssue } from '../../model/issues.js';

/** One stack of the assembly. */
export interface AssemblyStack {
  /** The artifact id (`PipelineStack`, `cross-account-support-stack-222222222222`). */
  readonly artifactId: string;
  readonly stackName: string;
  /** The template file, relative to the assembly directory. */
  readonly templateFile: string;
  /** Undefined when the stack is environment-agnostic (`unknown-account`). */
  readonly account: string | undefined;
  readonly region: string | undefined;
}

/** What a manifest lists. */
export interface AssemblyContents {
  readonly stacks: readonly AssemblyStack[];
  /** Nested assembly directories, relative to this assembly's directory. */
  readonly nested: readonly string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Lists the stacks and nested assemblies of a manifest, or the issues that make it unreadable. Pure. */
export function readAssemblyManifest(text: string, file: string): { readonly success: true; readonly contents: AssemblyContents } | { readonly success: false; readonly issues: readonly LocatedIssue[] } {
  const issue = (message: string): { readonly success: false; readonly issues: readonly LocatedIssue[] } => ({ success: false, issues: [{ code: 'invalid_assembly', severity: 'error', path: '', message, file, line: 1, column: 1 }] });
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    return issue(`not a cloud assembly manifest: ${(error instanceof Error ? error.message : String(error)).toLowerCase()}`);
  }
  if (!isObject(manifest) || !isObject(manifest['artifacts'])) return issue('not a cloud assembly manifest: no `artifacts`');
  const stacks: AssemblyStack[] = [];
  const nested: string[] = [];
  for (const [artifactId, artifact] of Object.entries(manifest['artifacts'])) {
    if (!isObject(artifact)) continue;
    const props = isObject(artifact['properties']) ? artifact['properties'] : {};
    if (artifact['type'] === 'cdk:cloud-assembly' && typeof props['directoryName'] === 'string') {
      nested.push(props['directoryName']);
      continue;
    }
    if (artifact['type'] !== 'aws:cloudformation:stack' || typeof props['templateFile'] !== 'string') continue;
    const env = typeof artifact['environment'] === 'string' ? /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact['environment']) : null;
    const account = env?.[1];
    const region = env?.[2];
    stacks.push({
      artifactId,
      stackName: typeof props['stackName'] === 'string' ? props['stackName'] : artifactId,
      templateFile: props['templateFile'],
      account: account && /^\d{12}$/.test(account) ? account : undefined,
      region: region && region !== 'unknown-region' ? region : undefined,
    });
  }
  return { success: true, contents: { stacks, nested } };
}
