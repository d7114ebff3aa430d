import * as z from 'zod';
import { GuardrailError } from '../core/errors.ts';

export class ConfigError extends GuardrailError {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const envSchema = z.object({
  STATE_TABLE: z.string().min(1),
  TOPIC_ARN: z.string().startsWith('arn:'),
  POLICY_FILE: z.string().min(1).default('guardrail.yaml'),
  RESPONDER_ROLE_NAME: z.string().min(1).default('AgentGuardrailResponder'),
  /** Role in the management account for scp-deny; without it scp-deny responses fail loudly. */
  SCP_ROLE_ARN: z.string().startsWith('arn:').optional(),
  PARTITION: z.enum(['aws', 'aws-cn', 'aws-us-gov']).default('aws'),
  /** After a release, the same finding does not contain the principal again for this long. */
  RELEASE_GRACE_MINUTES: z.coerce.number().int().min(0).max(10_080).default(30),
});

export type RuntimeConfig = z.infer<typeof envSchema>;

/** Reads the function's environment once at init; a missing or bad variable throws, naming it. */
export function readRuntimeConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      `invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
