/**
 * Resolves CloudFormation's intrinsic functions in one stack, with the stack's account, region
 * and partition: `Ref` (resources, parameters, pseudo parameters), `Fn::GetAtt`, `Fn::Sub` (both
 * forms), `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::If` with `Conditions`, `Fn::Equals`,
 * `Fn::And`, `Fn::Or`, `Fn::Not`, `Fn::FindInMap`, `Fn::Base64`, `Fn::Length`, `Fn::ToJsonString`
 * and `Fn::ImportValue` across the imported stacks. What cannot be resolved becomes an
 * `Unresolved` marker that carries where it is and why; callers drop it and report it. Pure.
 *
 * Source: CloudFormation template reference, "Intrinsic function reference" and "Pseudo
 * parameters reference" (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html).
 *
 * Longer than 400 lines on purpose: every intrinsic is a case of one recursive resolver that
 * shares the stack's parameters, conditions and exports; splitting it would pass them around.
 */
import type { PathSegment } from '../../model/path.js';
import { generatedBucketName, generatedKeyId, generatedName, identityOf, NAME_LIMITS, NAME_PROPERTIES, stableUuid, urlSuffixOf, type ResourceIdentity, type StackEnv } from './names.js';
import type { Json, JsonObject, ParsedTemplate } from './template.js';

const UNRESOLVED: unique symbol = Symbol('unresolved');

/** A value that could not be resolved: where the intrinsic is and why. */
export interface Unresolved {
  readonly [UNRESOLVED]: true;
  readonly file: string;
  readonly path: readonly PathSegment[];
  readonly reason: string;
}

/** `AWS::NoValue`: the property or list element is removed. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/** A resolved value: JSON with markers where resolution failed. */
export type Value = null | boolean | number | string | Unresolved | typeof NO_VALUE | readonly Value[] | { readonly [key: string]: Value };

/** Whether a value is an `Unresolved` marker. Pure. */
export function isUnresolved(value: unknown): value is Unresolved {
  return typeof value === 'object' && value !== null && UNRESOLVED in value;
}

/** One stack as the resolver sees it. */
export interface StackSource {
  readonly env: StackEnv;
  readonly parsed: ParsedTemplate;
  /** Parameter values given on the command line (before `Default`). */
  readonly parameters: Readonly<Record<string, string>>;
}

/** Finds `Fn::ImportValue` exports across the imported stacks. */
export interface ExportLookup {
  readonly exportValue: (name: string, importer: StackEnv) => Value | { readonly missing: string };
}

/** A resolver bound to one stack. */
export interface StackResolver {
  readonly source: StackSource;
  /** Resolves every intrinsic in a value found at `path` of the template. */
  readonly resolve: (value: Json | undefined, path: readonly PathSegment[]) => Value;
  /** A condition's value, or an `Unresolved` marker. */
  readonly condition: (name: string, path: readonly PathSegment[]) => boolean | Unresolved;
  /** Whether a resource's `Condition` holds (true when it has none). */
  readonly enabled: (logicalId: string) => boolean | Unresolved;
  /** `Ref` and `Fn::GetAtt` values of a resource, or an `Unresolved` marker. */
  readonly identity: (logicalId: string) => ResourceIdentity | Unresolved;
  /** The value of an output, resolved. */
  readonly output: (logicalId: string) => Value;
}

/** The template's resources section. */
export function resourcesOf(template: JsonObject): Readonly<Record<string, JsonObject>> {
  return (template['Resources'] ?? {}) as Readonly<Record<string, JsonObject>>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Creates the resolver of one stack. Pure apart from its own memo tables. */
export function createStackResolver(source: StackSource, exports: ExportLookup): StackResolver {
  const { env, parsed } = source;
  const template = parsed.template;
  const resources = resourcesOf(template);
  const parameters = (isObject(template['Parameters']) ? template['Parameters'] : {}) as Record<string, JsonObject>;
  const conditions = (isObject(template['Conditions']) ? template['Conditions'] : {}) as Record<string, Json>;
  const mappings = (isObject(template['Mappings']) ? template['Mappings'] : {}) as Record<string, Json>;
  const outputs = (isObject(template['Outputs']) ? template['Outputs'] : {}) as Record<string, JsonObject>;
  const conditionMemo = new Map<string, boolean | Unresolved>();
  const identityMemo = new Map<string, ResourceIdentity | Unresolved>();
  const inProgress = new Set<string>();

  const fail = (path: readonly PathSegment[], reason: string): Unresolved => ({ [UNRESOLVED]: true, file: parsed.file, path, reason });

  const pseudo = (name: string): Value | undefined => {
    switch (name) {
      case 'AWS::AccountId':
        return env.account;
      case 'AWS::Region':
        return env.region;
      case 'AWS::Partition':
        return env.partition;
      case 'AWS::URLSuffix':
        return urlSuffixOf(env.region);
      case 'AWS::StackName':
        return env.stackName;
      case 'AWS::StackId':
        return `arn:${env.partition}:cloudformation:${env.region}:${env.account}:stack/${env.stackName}/${stableUuid(`stack:${env.account}:${env.region}:${env.stackName}`)}`;
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::NotificationARNs':
        return [];
      default:
        return undefined;
    }
  };

  const parameter = (name: string, path: readonly PathSegment[]): Value => {
    const decl = parameters[name]!;
    const type = typeof decl['Type'] === 'string' ? decl['Type'] : 'String';
    const given = source.parameters[name];
    const raw = given ?? (decl['Default'] === undefined || decl['Default'] === null ? undefined : String(decl['Default']));
    if (raw === undefined) return fail(path, `parameter \`${name}\` has no value and no \`Default\`: pass \`--param ${name}=…\``);
    if (given === undefined && type.startsWith('AWS::SSM::Parameter::Value')) {
      return fail(path, `parameter \`${name}\` is read from SSM parameter \`${raw}\` when the stack deploys: pass \`--param ${name}=…\``);
    }
    if (type === 'CommaDelimitedList' || type.startsWith('List<')) return raw.split(',').map((s) => s.trim());
    return raw;
  };

  const ref = (name: string, path: readonly PathSegment[]): Value => {
    const p = pseudo(name);
    if (p !== undefined) return p;
    if (name.startsWith('AWS::')) return fail(path, `pseudo parameter \`${name}\` is not known`);
    if (Object.hasOwn(parameters, name)) return parameter(name, path);
    if (Object.hasOwn(resources, name)) {
      const id = identity(name);
      return isUnresolved(id) ? fail(path, id.reason) : id.ref;
    }
    return fail(path, `\`Ref\` names \`${name}\`, which is neither a parameter nor a resource of the template`);
  };

  const getAtt = (logicalId: string, attribute: string, path: readonly PathSegment[]): Value => {
    if (!Object.hasOwn(resources, logicalId)) return fail(path, `\`Fn::GetAtt\` names \`${logicalId}\`, which is not a resource of the template`);
    const id = identity(logicalId);
    if (isUnresolved(id)) return fail(path, id.reason);
    const value = id.attributes[attribute];
    if (value === undefined) return fail(path, `\`Fn::GetAtt\` of \`${logicalId}.${attribute}\` (\`${String(resources[logicalId]!['Type'])}\`) is not modelled`);
    return value;
  };

  const identity = (logicalId: string): ResourceIdentity | Unresolved => {
    const memo = identityMemo.get(logicalId);
    if (memo) return memo;
    const path = ['Resources', logicalId];
    if (inProgress.has(`identity:${logicalId}`)) return fail(path, `the name of \`${logicalId}\` depends on itself`);
    inProgress.add(`identity:${logicalId}`);
    try {
      const result = computeIdentity(logicalId, path);
      identityMemo.set(logicalId, result);
      return result;
    } finally {
      inProgress.delete(`identity:${logicalId}`);
    }
  };

  const computeIdentity = (logicalId: string, path: readonly PathSegment[]): ResourceIdentity | Unresolved => {
    const resource = resources[logicalId]!;
    const type = String(resource['Type']);
    const props = (isObject(resource['Properties']) ? resource['Properties'] : {}) as JsonObject;
    const propsPath = [...path, 'Properties'];
    const on = enabled(logicalId);
    if (isUnresolved(on)) return on;
    if (!on) return fail(path, `resource \`${logicalId}\` is not created: its condition \`${String(resource['Condition'])}\` is false`);
    const nameProp = NAME_PROPERTIES[type];
    let name: string | undefined;
    if (nameProp && props[nameProp] !== undefined) {
      const v = resolve(props[nameProp], [...propsPath, nameProp]);
      if (isUnresolved(v)) return v;
      if (typeof v === 'string') name = v;
    }
    if (type === 'AWS::KMS::ReplicaKey') {
      const primary = resolve(props['PrimaryKeyArn'], [...propsPath, 'PrimaryKeyArn']);
      if (isUnresolved(primary)) return primary;
      const keyId = typeof primary === 'string' ? /:key\/([\w-]+)$/.exec(primary)?.[1] : undefined;
      if (!keyId) return fail([...propsPath, 'PrimaryKeyArn'], `\`PrimaryKeyArn\` of \`${logicalId}\` is not a key ARN`);
      name = keyId;
    }
    if (type === 'AWS::KMS::Key') {
      const multi = resolve(props['MultiRegion'], [...propsPath, 'MultiRegion']);
      name = generatedKeyId(env, logicalId, multi === true || multi === 'true');
    }
    if (name === undefined) {
      if (type === 'AWS::S3::Bucket') name = generatedBucketName(env, logicalId);
      else if (type === 'AWS::IAM::Policy' || type === 'AWS::S3::BucketPolicy' || type === 'AWS::SNS::TopicPolicy' || type === 'AWS::Lambda::Permission' || type === 'AWS::KMS::Alias') name = generatedName(env, logicalId, 128);
      else name = generatedName(env, logicalId, NAME_LIMITS[type] ?? 128);
    }
    let iamPath: string | undefined;
    if (props['Path'] !== undefined) {
      const v = resolve(props['Path'], [...propsPath, 'Path']);
      if (isUnresolved(v)) return v;
      if (typeof v === 'string') iamPath = v;
    }
    const id = identityOf({ env, logicalId, type, name, ...(iamPath !== undefined ? { path: iamPath } : {}) });
    return id ?? fail(path, `\`Ref\` and \`Fn::GetAtt\` of a \`${type}\` are not modelled`);
  };

  const enabled = (logicalId: string): boolean | Unresolved => {
    const c = resources[logicalId]?.['Condition'];
    if (c === undefined) return true;
    return condition(String(c), ['Resources', logicalId, 'Condition']);
  };

  const condition = (name: string, path: readonly PathSegment[]): boolean | Unresolved => {
    const memo = conditionMemo.get(name);
    if (memo !== undefined) return memo;
    if (!Object.hasOwn(conditions, name)) return fail(path, `condition \`${name}\` is not declared in \`Conditions\``);
    if (inProgress.has(`condition:${name}`)) return fail(path, `condition \`${name}\` depends on itself`);
    inProgress.add(`condition:${name}`);
    try {
      const v = resolve(conditions[name], ['Conditions', name]);
      const result = isUnresolved(v) ? v : typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : fail(['Conditions', name], `condition \`${name}\` is not a boolean`);
      conditionMemo.set(name, result);
      return result;
    } finally {
      inProgress.delete(`condition:${name}`);
    }
  };

  const asString = (v: Value, path: readonly PathSegment[], what: string): string | Unresolved => {
    if (isUnresolved(v)) return v;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return fail(path, `${what} is not a string`);
  };

  const asList = (v: Value, path: readonly PathSegment[], what: string): readonly Value[] | Unresolved => {
    if (isUnresolved(v)) return v;
    if (Array.isArray(v)) return v as readonly Value[];
    return fail(path, `${what} is not a list`);
  };

  const firstUnresolved = (values: readonly Value[]): Unresolved | undefined => values.find(isUnresolved) as Unresolved | undefined;

  const sub = (text: string, vars: Readonly<Record<string, Value>>, path: readonly PathSegment[]): Value => {
    let out = '';
    let i = 0;
    while (i < text.length) {
      const start = text.indexOf('${', i);
      if (start < 0) {
        out += text.slice(i);
        break;
      }
      out += text.slice(i, start);
      const end = text.indexOf('}', start);
      if (end < 0) {
        out += text.slice(start);
        break;
      }
      const name = text.slice(start + 2, end).trim();
      i = end + 1;
      if (name.startsWith('!')) {
        out += `\${${name.slice(1)}}`;
        continue;
      }
      let value: Value;
      if (Object.hasOwn(vars, name)) value = vars[name]!;
      else if (name.includes('.') && !name.startsWith('AWS::')) {
        const dot = name.indexOf('.');
        value = getAtt(name.slice(0, dot), name.slice(dot + 1), path);
      } else value = ref(name, path);
      const s = asString(value, path, `\`\${${name}}\``);
      if (isUnresolved(s)) return s;
      out += s;
    }
    return out;
  };

  const fn = (name: string, arg: Json, path: readonly PathSegment[]): Value => {
    const at = [...path, name];
    switch (name) {
      case 'Ref':
        return typeof arg === 'string' ? ref(arg, at) : fail(at, '`Ref` takes a name');
      case 'Condition':
        return typeof arg === 'string' ? condition(arg, at) : fail(at, '`Condition` takes a name');
      case 'Fn::GetAtt': {
        const parts = typeof arg === 'string' ? [arg.slice(0, arg.indexOf('.')), arg.slice(arg.indexOf('.') + 1)] : Array.isArray(arg) ? arg : [];
        if (parts.length !== 2) return fail(at, '`Fn::GetAtt` takes `[LogicalId, Attribute]`');
        const attribute = resolve(parts[1] as Json, [...at, 1]);
        const attr = asString(attribute, [...at, 1], 'the attribute name');
        if (isUnresolved(attr)) return attr;
        return getAtt(String(parts[0]), attr, at);
      }
      case 'Fn::Sub': {
        if (typeof arg === 'string') return sub(arg, {}, at);
        if (Array.isArray(arg) && typeof arg[0] === 'string') {
          const varsIn = isObject(arg[1]) ? (arg[1] as JsonObject) : {};
          const vars: Record<string, Value> = {};
          for (const [k, v] of Object.entries(varsIn)) vars[k] = resolve(v, [...at, 1, k]);
          return sub(arg[0], vars, at);
        }
        return fail(at, '`Fn::Sub` takes a string or `[string, variables]`');
      }
      case 'Fn::Join': {
        if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') return fail(at, '`Fn::Join` takes `[delimiter, list]`');
        const list = asList(resolve(arg[1] as Json, [...at, 1]), [...at, 1], 'the second argument of `Fn::Join`');
        if (isUnresolved(list)) return list;
        const parts: string[] = [];
        for (const [i, item] of list.entries()) {
          if (item === NO_VALUE) continue;
          const s = asString(item, [...at, 1, i], 'an element of `Fn::Join`');
          if (isUnresolved(s)) return s;
          parts.push(s);
        }
        return parts.join(arg[0]);
      }
      case 'Fn::Select': {
        if (!Array.isArray(arg) || arg.length !== 2) return fail(at, '`Fn::Select` takes `[index, list]`');
        const index = resolve(arg[0] as Json, [...at, 0]);
        if (isUnresolved(index)) return index;
        const list = asList(resolve(arg[1] as Json, [...at, 1]), [...at, 1], 'the second argument of `Fn::Select`');
        if (isUnresolved(list)) return list;
        const n = Number(index);
        if (!Number.isInteger(n) || n < 0 || n >= list.length) return fail(at, `\`Fn::Select\` index \`${String(index)}\` is outside the list of ${list.length}`);
        return list[n]!;
      }
      case 'Fn::Split': {
        if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') return fail(at, '`Fn::Split` takes `[delimiter, string]`');
        const s = asString(resolve(arg[1] as Json, [...at, 1]), [...at, 1], 'the second argument of `Fn::Split`');
        if (isUnresolved(s)) return s;
        return s.split(arg[0]);
      }
      case 'Fn::If': {
        if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') return fail(at, '`Fn::If` takes `[condition, then, else]`');
        const c = condition(arg[0], [...at, 0]);
        if (isUnresolved(c)) return c;
        return c ? resolve(arg[1] as Json, [...at, 1]) : resolve(arg[2] as Json, [...at, 2]);
      }
      case 'Fn::Equals': {
        if (!Array.isArray(arg) || arg.length !== 2) return fail(at, '`Fn::Equals` takes two values');
        const a = resolve(arg[0] as Json, [...at, 0]);
        const b = resolve(arg[1] as Json, [...at, 1]);
        const u = firstUnresolved([a, b]);
        if (u) return u;
        return canonical(a) === canonical(b);
      }
      case 'Fn::And':
      case 'Fn::Or': {
        if (!Array.isArray(arg)) return fail(at, `\`${name}\` takes a list of conditions`);
        const values = arg.map((c, i) => resolve(c as Json, [...at, i]));
        const u = firstUnresolved(values);
        if (u) return u;
        if (values.some((v) => typeof v !== 'boolean')) return fail(at, `\`${name}\` takes conditions`);
        return name === 'Fn::And' ? values.every((v) => v === true) : values.some((v) => v === true);
      }
      case 'Fn::Not': {
        const inner = Array.isArray(arg) ? arg[0] : arg;
        const v = resolve(inner as Json, [...at, 0]);
        if (isUnresolved(v)) return v;
        if (typeof v !== 'boolean') return fail(at, '`Fn::Not` takes a condition');
        return !v;
      }
      case 'Fn::FindInMap': {
        if (!Array.isArray(arg) || arg.length < 3) return fail(at, '`Fn::FindInMap` takes `[map, key, key]`');
        const keys = arg.slice(0, 3).map((k, i) => asString(resolve(k as Json, [...at, i]), [...at, i], 'a `Fn::FindInMap` key'));
        const u = firstUnresolved(keys);
        if (u) return u;
        const [m, k1, k2] = keys as string[];
        const value = (mappings[m!] as Record<string, Record<string, Json>> | undefined)?.[k1!]?.[k2!];
        if (value === undefined) {
          if (arg.length === 4 && isObject(arg[3]) && 'DefaultValue' in (arg[3] as object)) return resolve((arg[3] as JsonObject)['DefaultValue'], [...at, 3, 'DefaultValue']);
          return fail(at, `\`Fn::FindInMap\` finds no \`${m}.${k1}.${k2}\` in \`Mappings\``);
        }
        return resolve(value, ['Mappings', m!, k1!, k2!]);
      }
      case 'Fn::Base64': {
        const s = asString(resolve(arg, at), at, 'the argument of `Fn::Base64`');
        return isUnresolved(s) ? s : Buffer.from(s, 'utf8').toString('base64');
      }
      case 'Fn::Length': {
        const list = asList(resolve(arg, at), at, 'the argument of `Fn::Length`');
        return isUnresolved(list) ? list : list.length;
      }
      case 'Fn::ToJsonString': {
        const v = resolve(arg, at);
        const u = findUnresolved(v);
        return u ?? JSON.stringify(toJson(v));
      }
      case 'Fn::ImportValue': {
        const exportName = asString(resolve(arg, at), at, 'the export name');
        if (isUnresolved(exportName)) return exportName;
        const found = exports.exportValue(exportName, env);
        if (isObject(found) && 'missing' in found && !isUnresolved(found)) return fail(at, String(found.missing));
        const v = found as Value;
        return isUnresolved(v) ? fail(at, `\`Fn::ImportValue\` of \`${exportName}\`: ${v.reason}`) : v;
      }
      case 'Fn::GetAZs':
        return fail(at, '`Fn::GetAZs` depends on the Availability Zones the account sees');
      case 'Fn::Cidr':
        return fail(at, '`Fn::Cidr` is not modelled');
      case 'Fn::Transform':
        return fail(at, '`Fn::Transform` runs a macro when the stack deploys');
      default:
        return fail(at, `\`${name}\` is not modelled`);
    }
  };

  const resolve = (value: Json | undefined, path: readonly PathSegment[]): Value => {
    if (value === undefined) return null;
    if (Array.isArray(value)) {
      const out: Value[] = [];
      value.forEach((item, i) => {
        const v = resolve(item as Json, [...path, i]);
        if (v !== NO_VALUE) out.push(v);
      });
      return out;
    }
    if (isObject(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::') || (keys[0] === 'Condition' && path[0] === 'Conditions'))) {
        return fn(keys[0]!, (value as JsonObject)[keys[0]!]!, path);
      }
      const out: Record<string, Value> = {};
      for (const k of keys) {
        const v = resolve((value as JsonObject)[k], [...path, k]);
        if (v !== NO_VALUE) out[k] = v;
      }
      return out;
    }
    return value as Value;
  };

  const output = (logicalId: string): Value => {
    const o = outputs[logicalId];
    if (!o) return fail(['Outputs', logicalId], `no output \`${logicalId}\``);
    if (o['Condition'] !== undefined) {
      const c = condition(String(o['Condition']), ['Outputs', logicalId, 'Condition']);
      if (isUnresolved(c)) return c;
      if (!c) return fail(['Outputs', logicalId], `output \`${logicalId}\` is not created: its condition is false`);
    }
    const key = `output:${logicalId}`;
    if (inProgress.has(key)) return fail(['Outputs', logicalId], `output \`${logicalId}\` depends on itself`);
    inProgress.add(key);
    try {
      return resolve(o['Value'], ['Outputs', logicalId, 'Value']);
    } finally {
      inProgress.delete(key);
    }
  };

  return { source, resolve, condition, enabled, identity, output };
}

/** A canonical text of a value, for `Fn::Equals`. */
function canonical(v: Value): string {
  return JSON.stringify(toJson(v));
}

/** The first `Unresolved` marker inside a value, if any. Pure. */
export function findUnresolved(v: Value): Unresolved | undefined {
  if (isUnresolved(v)) return v;
  if (Array.isArray(v)) {
    for (const item of v as readonly Value[]) {
      const u = findUnresolved(item);
      if (u) return u;
    }
    return undefined;
  }
  if (typeof v === 'object' && v !== null) {
    for (const item of Object.values(v as Record<string, Value>)) {
      const u = findUnresolved(item);
      if (u) return u;
    }
  }
  return undefined;
}

/** A value with no markers as plain JSON (markers become null). Pure. */
export function toJson(v: Value): Json {
  if (v === NO_VALUE || isUnresolved(v)) return null;
  if (Array.isArray(v)) return (v as readonly Value[]).map(toJson);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v as Record<string, Value>).map(([k, x]) => [k, toJson(x)]));
  return v as Json;
}

/** Every output of a stack that is exported, by export name (names that need resolving are resolved). */
export function exportsOf(resolver: StackResolver): ReadonlyMap<string, string> {
  const outputs = resolver.source.parsed.template['Outputs'];
  const out = new Map<string, string>();
  if (!isObject(outputs)) return out;
  for (const [logicalId, o] of Object.entries(outputs)) {
    if (!isObject(o) || !isObject(o['Export'])) continue;
    const name = resolver.resolve((o['Export'] as JsonObject)['Name'], ['Outputs', logicalId, 'Export', 'Name']);
    if (typeof name === 'string') out.set(name, logicalId);
  }
  return out;
}
