import * as v from 'valibot';
import { GuardrailError } from '../core/errors.ts';

export class ConfigError extends GuardrailError {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const arn = v.pipe(v.string(), v.startsWith('arn:', 'must be an ARN'));
const envSchema = v.object({
  STATE_TABLE: v.pipe(v.string(), v.minLength(1)),
  TOPIC_ARN: arn,
  POLICY_FILE: v.optional(v.pipe(v.string(), v.minLength(1)), 'guardrail.yaml'),
  RESPONDER_ROLE_NAME: v.optional(v.pipe(v.string(), v.minLength(1)), 'AgentGuardrailResponder'),
  /** Role in the management account for scp-deny; without it scp-deny responses fail loudly. */
  SCP_ROLE_ARN: v.optional(arn),
  PARTITION: v.optional(v.picklist(['aws', 'aws-cn', 'aws-us-gov']), 'aws'),
  /** After a release, the same finding does not contain the principal again for this long. */
  RELEASE_GRACE_MINUTES: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(0), v.maxValue(10_080)), '30'),
});

export type RuntimeConfig = v.InferOutput<typeof envSchema>;

/** A function's environment read against its schema; a missing or bad variable throws, naming it. */
export function parseEnvironment<S extends v.GenericSchema>(schema: S, env: NodeJS.ProcessEnv): v.InferOutput<S> {
  const parsed = v.safeParse(schema, env);
  if (!parsed.success) {
    // A variable that is not there is said so, not as the schema's own wording.
    const problem = (i: v.BaseIssue<unknown>) => (i.kind === 'schema' && i.input === undefined ? 'not set' : i.message);
    throw new ConfigError(`invalid environment: ${parsed.issues.map((i) => `${(i.path ?? []).map((p) => String(p.key)).join('.')}: ${problem(i)}`).join('; ')}`);
  }
  return parsed.output;
}

/** Reads the function's environment once at init. */
export function readRuntimeConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  return parseEnvironment(envSchema, env);
}
