/** Import: CloudFormation templates, CDK cloud assemblies and `get-pipeline` output into a scenario. Pure. */
export { importStacks } from './build.js';
export type { ImportOptions, ImportResult, ScenarioComment, StackInput } from './draft.js';
export { readAssemblyManifest } from './cdk.js';
export type { AssemblyContents, AssemblyStack } from './cdk.js';
export { scenarioToYaml } from './emit.js';
export type { NodeComment } from './emit.js';
export { importGetPipeline } from './get-pipeline.js';
export type { TextFile } from './get-pipeline.js';
export { awsManagedPolicy } from './managed-policies.js';
export { parseTemplate, templateFromJson } from './template.js';
export type { Json, JsonObject, ParsedTemplate } from './template.js';
