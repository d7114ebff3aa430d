import * as z from 'zod';
import { policySchema } from './schema.ts';

/**
 * The JSON Schema of guardrail.yaml for editors, generated from the zod schema (the one source of truth).
 * Committed as guardrail.schema.json; a test fails when the committed copy is stale.
 */
export function policyJsonSchemaText(): string {
  const schema = z.toJSONSchema(policySchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ title: 'agent-guardrail policy (guardrail.yaml)', ...schema }, null, 2)}\n`;
}
