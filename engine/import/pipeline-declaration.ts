/**
 * `AWS::CodePipeline::Pipeline` properties (CloudFormation's PascalCase) turned into the
 * declaration `get-pipeline` returns (the API's camelCase): `ArtifactStore`, `ArtifactStores`
 * (a list of `{ Region, ArtifactStore }` → the API's map by region), stages, actions, variables,
 * `PipelineType`, `ExecutionMode`, triggers. Configuration values become strings, as the API
 * returns them. Properties the API does not return (`RestartExecutionOnUpdate`,
 * `DisableInboundStageTransitions`, `Tags`) are dropped. Pure.
 *
 * Source: AWS::CodePipeline::Pipeline in the CloudFormation template reference and
 * PipelineDeclaration in the CodePipeline API reference.
 */
import type { Json, JsonObject } from './template.js';

/** Something the conversion left out, with the JSON path (below `Properties`) it was at. */
export interface DeclarationNote {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: Json | undefined): readonly Json[] => (Array.isArray(v) ? v : []);

/** `Name` → `name`, recursively (for the loosely typed parts: triggers, conditions, blockers). Pure. */
export function camelKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), camelKeys(v)]));
  return value;
}

/** A configuration value as the API returns it: a string (objects as JSON text). Pure. */
export function configurationValue(value: Json): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function artifactStore(store: Json | undefined): Record<string, unknown> | undefined {
  if (!isObject(store)) return undefined;
  const out: Record<string, unknown> = { type: store['Type'] ?? 'S3', location: store['Location'] };
  const key = store['EncryptionKey'];
  if (isObject(key)) out['encryptionKey'] = { id: key['Id'], type: key['Type'] ?? 'KMS' };
  return out;
}

const ACTION_KEYS: Readonly<Record<string, string>> = {
  Name: 'name',
  Region: 'region',
  RoleArn: 'roleArn',
  RunOrder: 'runOrder',
  Namespace: 'namespace',
  TimeoutInMinutes: 'timeoutInMinutes',
  Commands: 'commands',
};

/** The pipeline declaration from resolved `Properties`, and what could not be carried over. Pure. */
export function pipelineDeclaration(props: JsonObject, fallbackName: string): { readonly declaration: Record<string, unknown>; readonly notes: readonly DeclarationNote[] } {
  const notes: DeclarationNote[] = [];
  const decl: Record<string, unknown> = {
    name: typeof props['Name'] === 'string' ? props['Name'] : fallbackName,
    roleArn: props['RoleArn'],
  };
  if (props['ArtifactStore'] !== undefined) decl['artifactStore'] = artifactStore(props['ArtifactStore']);
  if (props['ArtifactStores'] !== undefined) {
    const stores: Record<string, unknown> = {};
    list(props['ArtifactStores']).forEach((entry, i) => {
      if (!isObject(entry) || typeof entry['Region'] !== 'string') {
        notes.push({ path: ['ArtifactStores', i], message: 'an artifact store without `Region` left out' });
        return;
      }
      stores[entry['Region']] = artifactStore(entry['ArtifactStore']);
    });
    decl['artifactStores'] = stores;
  }
  decl['stages'] = list(props['Stages']).map((stage, si) => {
    const s = isObject(stage) ? stage : {};
    const out: Record<string, unknown> = {
      name: s['Name'],
      actions: list(s['Actions']).map((action, ai) => {
        const a = isObject(action) ? action : {};
        const at = ['Stages', si, 'Actions', ai];
        const type = isObject(a['ActionTypeId']) ? a['ActionTypeId'] : {};
        const o: Record<string, unknown> = {
          name: a['Name'],
          actionTypeId: { category: type['Category'], owner: type['Owner'], provider: type['Provider'], version: type['Version'] === undefined ? undefined : String(type['Version']) },
        };
        for (const [from, to] of Object.entries(ACTION_KEYS)) if (from !== 'Name' && a[from] !== undefined) o[to] = a[from];
        if (isObject(a['Configuration'])) o['configuration'] = Object.fromEntries(Object.entries(a['Configuration']).map(([k, v]) => [k, configurationValue(v)]));
        for (const [from, to] of [['InputArtifacts', 'inputArtifacts'], ['OutputArtifacts', 'outputArtifacts']] as const) {
          if (a[from] !== undefined) o[to] = list(a[from]).map((x) => ({ name: isObject(x) ? x['Name'] : x }));
        }
        if (a['EnvironmentVariables'] !== undefined) o['environmentVariables'] = list(a['EnvironmentVariables']).map((x) => camelKeys(x));
        for (const key of Object.keys(a)) {
          if (key === 'ActionTypeId' || key === 'Configuration' || key === 'InputArtifacts' || key === 'OutputArtifacts' || key === 'EnvironmentVariables' || key in ACTION_KEYS) continue;
          notes.push({ path: [...at, key], message: `\`${key}\` of action \`${String(a['Name'])}\` is not part of pipesim's declaration: left out` });
        }
        return o;
      }),
    };
    if (s['Blockers'] !== undefined) out['blockers'] = camelKeys(s['Blockers']);
    if (s['OnFailure'] !== undefined) out['onFailure'] = camelKeys(s['OnFailure']);
    if (s['OnSuccess'] !== undefined) out['onSuccess'] = camelKeys(s['OnSuccess']);
    if (s['BeforeEntry'] !== undefined) out['beforeEntry'] = camelKeys(s['BeforeEntry']);
    return out;
  });
  decl['version'] = 1;
  if (props['PipelineType'] !== undefined) decl['pipelineType'] = props['PipelineType'];
  if (props['ExecutionMode'] !== undefined) decl['executionMode'] = props['ExecutionMode'];
  if (props['Variables'] !== undefined) decl['variables'] = camelKeys(props['Variables']);
  if (props['Triggers'] !== undefined) decl['triggers'] = camelKeys(props['Triggers']);
  return { declaration: decl, notes };
}
