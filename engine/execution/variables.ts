/**
 * Pipeline variables: `#{namespace.NAME}` references resolved when an action runs.
 * `#{variables.NAME}` are V2 pipeline-level variables, `#{codepipeline.PipelineExecutionId}`
 * the execution id (https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-variables.html). Pure.
 */

const REFERENCE = /#\{([A-Za-z0-9@\-_]+)\.([A-Za-z0-9@\-_]+)\}/g;

/** Variables visible to an action: namespace → name → value. */
export type VariableScope = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** The result of resolving one configuration. */
export interface Resolution {
  readonly configuration: Readonly<Record<string, string>>;
  /** `#{ns.NAME}` → value, for every reference met. */
  readonly resolved: Readonly<Record<string, string>>;
  /** References that could not be resolved. */
  readonly unresolved: readonly string[];
}

/** Resolves every `#{ns.NAME}` reference in an action's configuration. Pure. */
export function resolveVariables(configuration: Readonly<Record<string, string>>, scope: VariableScope): Resolution {
  const resolved: Record<string, string> = {};
  const unresolved: string[] = [];
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(configuration)) {
    out[key] = value.replace(REFERENCE, (ref: string, ns: string, name: string) => {
      const v = scope[ns]?.[name];
      if (v === undefined) {
        if (!unresolved.includes(ref)) unresolved.push(ref);
        return ref;
      }
      resolved[ref] = v;
      return v;
    });
  }
  return { configuration: out, resolved, unresolved };
}
