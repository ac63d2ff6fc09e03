/** Writes schema/scenario.schema.json from the zod schemas (`npm run schema`). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SCENARIO_SCHEMA_FILE, scenarioJsonSchemaText } from './json-schema.js';
import { packageRoot } from './package-root.js';

const target = join(packageRoot(), SCENARIO_SCHEMA_FILE);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, scenarioJsonSchemaText());
process.stdout.write(`wrote ${SCENARIO_SCHEMA_FILE}\n`);
