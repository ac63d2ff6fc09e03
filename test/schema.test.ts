// The published JSON Schema is generated from the zod schemas and agrees with them.
import { existsSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SCENARIO_SCHEMA_FILE, scenarioJsonSchema, scenarioJsonSchemaText } from '../model/json-schema.js';
import { Scenario } from '../model/schema.js';

const REFERENCE = 'scenarios/reference/four-accounts-two-regions.yaml';

/** A small valid scenario, for when the reference scenario is not there. */
const INLINE = {
  accounts: [{ id: '111111111111', name: 'tooling' }],
  roles: [
    {
      arn: 'arn:aws:iam::111111111111:role/PipelineServiceRole',
      trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'codepipeline.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    },
  ],
  buckets: [{ name: 'inline-artifacts', account: '111111111111', region: 'us-east-1' }],
  pipeline: {
    pipeline: {
      name: 'inline',
      roleArn: 'arn:aws:iam::111111111111:role/PipelineServiceRole',
      artifactStore: { type: 'S3', location: 'inline-artifacts' },
      stages: [{ name: 'Source', actions: [{ name: 'Source', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' } }] }],
    },
    metadata: { pipelineArn: 'arn:aws:codepipeline:us-east-1:111111111111:inline' },
  },
};

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  return ajv.compile(scenarioJsonSchema());
}

describe('schema/scenario.schema.json', () => {
  it('is up to date with model/schema.ts (run `npm run schema` after changing the schema)', () => {
    expect(existsSync(SCENARIO_SCHEMA_FILE), `${SCENARIO_SCHEMA_FILE} is missing: run \`npm run schema\``).toBe(true);
    const committed = readFileSync(SCENARIO_SCHEMA_FILE, 'utf8');
    expect(committed === scenarioJsonSchemaText(), `${SCENARIO_SCHEMA_FILE} is stale: run \`npm run schema\` and commit it`).toBe(true);
  });

  it('is draft 2020-12, and compiles in strict mode', () => {
    expect(scenarioJsonSchema().$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(() => validator()).not.toThrow();
  });

  it(`accepts ${existsSync(REFERENCE) ? 'the reference scenario' : 'a small inline scenario'}`, () => {
    // Given the reference scenario when it is there, else an inline one; either way zod accepts it too
    const document: unknown = existsSync(REFERENCE) ? parse(readFileSync(REFERENCE, 'utf8')) : INLINE;
    expect(Scenario.safeParse(document).success).toBe(true);
    // When the JSON Schema checks it
    const validate = validator();
    const valid = validate(document);
    // Then it agrees
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('accepts the inline scenario and the good fixtures', () => {
    const validate = validator();
    for (const document of [INLINE, parse(readFileSync('test/fixtures/good/minimal.yaml', 'utf8')), parse(readFileSync('test/fixtures/good/anchors.yaml', 'utf8'), { merge: true })]) {
      expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('rejects what zod rejects: an unknown key, a bad ARN, a missing pipeline', () => {
    const validate = validator();
    const cases: unknown[] = [
      { ...INLINE, colour: 'blue' },
      { ...INLINE, roles: [{ ...INLINE.roles[0], arn: 'PipelineServiceRole' }] },
      { ...INLINE, pipeline: undefined },
    ].map((c) => JSON.parse(JSON.stringify(c)));
    for (const document of cases) {
      expect(Scenario.safeParse(document).success).toBe(false);
      expect(validate(document)).toBe(false);
    }
  });
});
