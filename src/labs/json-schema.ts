// JSON Schema for lab.yaml, generated from the zod schema (scripts/gen-lab-schema.ts writes it
// to labs/_schema/lab.schema.json; test/labs/schema.test.ts checks the committed copy is current).
import { z } from 'zod';
import { LabFileSchema } from './schema.js';

export function labJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(LabFileSchema, { io: 'input', target: 'draft-2020-12', cycles: 'ref', reused: 'inline' }) as Record<string, unknown>;
  return {
    ...schema,
    title: 'iamlab lab file (labs/<id>/lab.yaml)',
  };
}

export function labJsonSchemaText(): string {
  return JSON.stringify(labJsonSchema(), null, 2) + '\n';
}
