// Regenerates guardrail.schema.json from the zod policy schema: `npm run schema`.
import { writeFileSync } from 'node:fs';
import { policyJsonSchemaText } from '../functions/core/policy/policy-json-schema.ts';

writeFileSync('guardrail.schema.json', policyJsonSchemaText());
process.stdout.write('wrote guardrail.schema.json\n');
