import * as v from 'valibot';
import { parseEnvironment } from '../aws/runtime-config.ts';

const list = (pattern: RegExp, what: string) =>
  v.pipe(v.string(), v.transform((text) => text.split(',').map((s) => s.trim()).filter(Boolean)), v.minLength(1, `needs at least one ${what}`), v.everyItem((s) => pattern.test(s), `each must be a ${what}`));

const envSchema = v.object({
  CENTRAL_BUS_ARN: v.pipe(v.string(), v.regex(/^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[\w.-]+$/, 'must be an event bus ARN')),
  FORWARD_RULE_NAMES: list(/^[\w.-]{1,64}$/, 'rule name'),
  MEMBER_REGIONS: list(/^[a-z]{2}(-[a-z]+)+-\d$/, 'region'),
  DEPLOYMENT_TARGETS: list(/^(r-[a-z0-9]{4,32}|ou-[a-z0-9]{4,32}-[a-z0-9]{8,32})$/, 'root or OU id'),
  MANAGEMENT_ACCOUNT: v.pipe(v.string(), v.regex(/^\d{12}$/, 'must be an account id')),
  RESPONDER_ROLE_NAME: v.optional(v.pipe(v.string(), v.minLength(1)), 'AgentGuardrailResponder'),
  PARTITION: v.optional(v.picklist(['aws', 'aws-cn', 'aws-us-gov']), 'aws'),
});

export type HeartbeatConfig = v.InferOutput<typeof envSchema>;

/** Reads the heartbeat's environment once at init; a missing or bad variable throws, naming it. */
export function readHeartbeatConfig(env: NodeJS.ProcessEnv = process.env): HeartbeatConfig {
  return parseEnvironment(envSchema, env);
}
