// Writes labs/_schema/lab.schema.json from the zod schema in src/labs/schema.ts.
// Run: node --import tsx scripts/gen-lab-schema.ts   (a test fails when the committed file is stale)
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labJsonSchemaText } from '../src/labs/json-schema.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'labs', '_schema', 'lab.schema.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, labJsonSchemaText());
process.stdout.write(`wrote ${out}\n`);
