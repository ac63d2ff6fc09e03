/** The published JSON Schema of the scenario format, generated from the zod schemas. Pure. */
import { z } from 'zod';
import * as schemas from './schema.js';

/** Where the schema is published inside the package. */
export const SCENARIO_SCHEMA_FILE = 'schema/scenario.schema.json';

/**
 * The JSON Schema (draft 2020-12) of a scenario as written (defaults optional). Each named
 * schema of model/schema.ts becomes a `$defs` entry under its export name, so editors show
 * `Role`, `PolicyDocument` … rather than anonymous shapes.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [name, value] of Object.entries(schemas).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (value instanceof z.ZodType && value !== schemas.Scenario) registry.add(value, { id: name });
  }
  const generated = z.toJSONSchema(schemas.Scenario, { io: 'input', target: 'draft-2020-12', metadata: registry, unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'pipesim scenario',
    description: 'A pipesim scenario: accounts, organization, roles, keys, buckets, other resources, the pipeline declaration (as get-pipeline returns it), the run, and an optional drill and expectation.',
    ...rest,
  };
}

/** The schema as the published file holds it: 2-space JSON with a trailing newline. Pure. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
