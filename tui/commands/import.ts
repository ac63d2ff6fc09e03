/**
 * `pipesim import cdk|cfn|pipeline …`: build a scenario from a CDK cloud assembly, CloudFormation
 * templates, or `get-pipeline` output. The conversion is pure (engine/import); this command only
 * reads the files, prints the warnings on standard error and writes the YAML: to standard output,
 * or with `-o` atomically (temporary file, then link or rename) and never over an existing file
 * without `--force`. Exit 0 on success (warnings or not), 2 for input that cannot be read or
 * imported and for usage errors.
 *
 * Templates of `import cfn` name their account and region as `template.yaml@ACCOUNT/REGION`
 * (optionally `@ACCOUNT/REGION/STACK-NAME`); templates without it take `--account` and `--region`.
 * The stack name defaults to the file's base name. `--param NAME=VALUE` sets a parameter in every
 * template that declares it, `--param STACK:NAME=VALUE` in one stack only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import type { LocatedIssue } from '../../model/issues.js';
import { writeFileAtomic } from '../atomic-write.js';
import { EXIT, err, formatIssue } from '../cli-support.js';

/** Options every import shares. */
interface OutputOptions {
  readonly output?: string;
  readonly force?: boolean;
  readonly pipeline?: string;
}

/** Options of `import cfn` and `import cdk`. */
interface StackOptions extends OutputOptions {
  readonly account?: string;
  readonly region?: string;
  readonly param: readonly string[];
}

const collect = (value: string, previous: readonly string[]): string[] => [...previous, value];

/** A usage or input problem: printed, exit 2. */
class InputError extends Error {}

/** Registers `import` and its three subcommands. */
export function register(program: Command): void {
  const command = program.command('import').description('build a scenario from CloudFormation templates, a CDK cloud assembly or get-pipeline output');
  const outputOptions = (c: Command, templates = true) => {
    c.option('-o, --output <file>', 'write the scenario to this file (atomically) instead of standard output').option('--force', 'overwrite the output file if it exists');
    return templates ? c.option('--pipeline <name>', 'the pipeline to import when the templates hold several (name or logical id)') : c;
  };

  outputOptions(
    command
      .command('cdk')
      .description('import every stack of a CDK cloud assembly (cdk.out) into one scenario')
      .argument('<dir>', 'the cloud assembly directory (with manifest.json)')
      .option('--account <id>', 'account of environment-agnostic stacks')
      .option('--region <region>', 'region of environment-agnostic stacks')
      .option('--param <name=value>', 'a template parameter value (STACK:NAME=VALUE for one stack); repeatable', collect, [] as string[]),
  ).action(async (dir: string, options: StackOptions) => run(() => importCdk(dir, options), options));

  outputOptions(
    command
      .command('cfn')
      .description('import CloudFormation templates (YAML with short tags, or JSON) into one scenario')
      .argument('<template...>', 'template files, each optionally as FILE@ACCOUNT/REGION[/STACK-NAME]')
      .option('--account <id>', 'account of templates given without @ACCOUNT/REGION')
      .option('--region <region>', 'region of templates given without @ACCOUNT/REGION')
      .option('--param <name=value>', 'a template parameter value (STACK:NAME=VALUE for one stack); repeatable', collect, [] as string[]),
  ).action(async (templates: string[], options: StackOptions) => run(() => importCfn(templates, options), options));

  outputOptions(
    command
      .command('pipeline')
      .description('import `aws codepipeline get-pipeline` output, with the CLI outputs of its roles, keys and buckets')
      .argument('<get-pipeline.json>', 'the output of `aws codepipeline get-pipeline --name …`')
      .option('--roles <dir>', 'a folder of other CLI outputs: get-role, get-role-policy (any name); ROLE.attached-policies.json, POLICY.policy-version.json, KEY-ID.key-policy.json, BUCKET.bucket-policy.json, BUCKET.bucket-encryption.json, BUCKET.bucket-versioning.json; describe-key, list-aliases, batch-get-projects (any name)'),
    false,
  ).action(async (file: string, options: OutputOptions & { readonly roles?: string }) => run(() => importPipeline(file, options), options));
}

type Imported = Awaited<ReturnType<typeof importCdk>>;

/** Runs one import: prints warnings, writes the YAML, sets the exit code. */
async function run(work: () => Promise<Imported>, options: OutputOptions): Promise<void> {
  let result: Imported;
  try {
    result = await work();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    err(error.message);
    process.exitCode = EXIT.unloadable;
    return;
  }
  for (const warning of result.warnings) err(formatIssue(warning));
  if (!result.success) {
    for (const issue of result.issues) err(formatIssue(issue));
    process.exitCode = EXIT.unloadable;
    return;
  }
  const { scenarioToYaml } = await import('../../engine/import/emit.js');
  const text = scenarioToYaml(result.scenario, result.comments, result.header);
  const target = options.output ?? '<stdout>';
  // The output is a normal scenario: say so when it does not load yet (a role no template defines…).
  const { loadScenario } = await import('../../model/load.js');
  const loaded = loadScenario(text, { file: target });
  const problems: readonly LocatedIssue[] = loaded.success ? loaded.warnings : loaded.issues;
  for (const issue of problems) err(formatIssue({ ...issue, severity: 'warning', message: `imported scenario: ${issue.message}` }));
  if (options.output === undefined) {
    process.stdout.write(text);
  } else {
    const written = writeAtomically(options.output, text, options.force === true);
    if (written !== true) {
      err(`${options.output}: ${written}`);
      process.exitCode = EXIT.unloadable;
      return;
    }
    err(`${options.output}: written`);
  }
  process.exitCode = EXIT.ok;
}

/** Writes a file atomically; without `force`, never replaces an existing file. `true`, or why not. */
export function writeAtomically(path: string, text: string, force: boolean): true | string {
  try {
    writeFileAtomic(path, text, { replace: force });
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EEXIST' ? 'exists: not overwritten (use --force)' : `cannot write: ${code ?? String(error)}`;
  }
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`${path}: cannot read ${what}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** `--param` values: global ones, and per stack (`STACK:NAME=VALUE`). */
function parameterValues(params: readonly string[]): (stackName: string) => Record<string, string> {
  const global: Record<string, string> = {};
  const perStack = new Map<string, Record<string, string>>();
  for (const p of params) {
    const match = /^(?:([^:=]+):)?([A-Za-z0-9]+)=(.*)$/s.exec(p);
    if (!match) throw new InputError(`--param \`${p}\`: expected NAME=VALUE or STACK:NAME=VALUE`);
    const [, stack, name, value] = match as unknown as [string, string | undefined, string, string];
    if (stack === undefined) global[name] = value;
    else perStack.set(stack, { ...(perStack.get(stack) ?? {}), [name]: value });
  }
  return (stackName) => ({ ...global, ...(perStack.get(stackName) ?? {}) });
}

function checkEnv(account: string | undefined, region: string | undefined, where: string): { readonly account: string; readonly region: string } {
  if (!account || !region) throw new InputError(`${where}: no account and region: give FILE@ACCOUNT/REGION or --account and --region`);
  if (!/^\d{12}$/.test(account)) throw new InputError(`${where}: account \`${account}\` is not a 12-digit account id`);
  if (!/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/.test(region)) throw new InputError(`${where}: \`${region}\` is not a region such as \`us-east-1\``);
  return { account, region };
}

async function parse(file: string, display: string) {
  const { parseTemplate } = await import('../../engine/import/template.js');
  const parsed = parseTemplate(readText(file, 'the template'), display);
  if (!parsed.success) return { issues: parsed.issues };
  return { parsed: parsed.parsed };
}

async function importCdk(dir: string, options: StackOptions) {
  const { readAssemblyManifest } = await import('../../engine/import/cdk.js');
  const { importStacks } = await import('../../engine/import/build.js');
  const params = parameterValues(options.param);
  const stacks = [];
  const pending = [dir];
  while (pending.length > 0) {
    const assembly = pending.shift()!;
    const manifestFile = join(assembly, 'manifest.json');
    const manifest = readAssemblyManifest(readText(manifestFile, 'the cloud assembly manifest'), manifestFile);
    if (!manifest.success) return { success: false as const, issues: manifest.issues, warnings: [] };
    pending.push(...manifest.contents.nested.map((d) => join(assembly, d)));
    for (const s of manifest.contents.stacks) {
      const file = join(assembly, s.templateFile);
      const env = checkEnv(s.account ?? options.account, s.region ?? options.region, `stack \`${s.stackName}\``);
      const parsed = await parse(file, file);
      if (parsed.issues) return { success: false as const, issues: parsed.issues, warnings: [] };
      stacks.push({ file, parsed: parsed.parsed, stackName: s.stackName, ...env, parameters: params(s.stackName) });
    }
  }
  if (stacks.length === 0) throw new InputError(`${dir}: the cloud assembly has no CloudFormation stack`);
  return importStacks(stacks, { command: `pipesim import cdk ${dir}`, ...(options.pipeline ? { pipeline: options.pipeline } : {}) });
}

async function importCfn(templates: readonly string[], options: StackOptions) {
  const { importStacks } = await import('../../engine/import/build.js');
  const params = parameterValues(options.param);
  const stacks = [];
  const names = new Set<string>();
  for (const argument of templates) {
    const match = /^(.*)@([^/@]+)\/([^/@]+)(?:\/([^/@]+))?$/.exec(argument);
    const file = match ? match[1]! : argument;
    const env = checkEnv(match?.[2] ?? options.account, match?.[3] ?? options.region, file);
    const stackName = match?.[4] ?? basename(file).replace(/\.(ya?ml|json|template)$/i, '').replace(/[^A-Za-z0-9-]/g, '-');
    if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(stackName)) throw new InputError(`${file}: \`${stackName}\` is not a stack name (letters, digits, hyphens): name it with FILE@ACCOUNT/REGION/STACK-NAME`);
    if (names.has(`${env.account}/${env.region}/${stackName}`)) throw new InputError(`${file}: two templates would be stack \`${stackName}\` in ${env.account}/${env.region}: name one with FILE@ACCOUNT/REGION/STACK-NAME`);
    names.add(`${env.account}/${env.region}/${stackName}`);
    const parsed = await parse(file, file);
    if (parsed.issues) return { success: false as const, issues: parsed.issues, warnings: [] };
    stacks.push({ file, parsed: parsed.parsed, stackName, ...env, parameters: params(stackName) });
  }
  return importStacks(stacks, { command: `pipesim import cfn`, ...(options.pipeline ? { pipeline: options.pipeline } : {}) });
}

async function importPipeline(file: string, options: OutputOptions & { readonly roles?: string }) {
  const { importGetPipeline } = await import('../../engine/import/get-pipeline.js');
  const extras = [];
  if (options.roles !== undefined) {
    let entries: string[];
    try {
      entries = readdirSync(options.roles).filter((f) => f.endsWith('.json')).sort();
    } catch (error) {
      throw new InputError(`${options.roles}: cannot read the folder: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    for (const entry of entries) extras.push({ file: join(options.roles, entry), text: readText(join(options.roles, entry), 'the file') });
  }
  return importGetPipeline({ file, text: readText(file, 'the get-pipeline output') }, extras);
}
