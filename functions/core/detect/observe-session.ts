import * as z from 'zod';
import { parseExpiration } from '../cloudtrail/parse-expiration.ts';
import type { CloudTrailRecord } from '../cloudtrail/record-schema.ts';
import type { AgentMatchers } from '../policy/compile-policy.ts';
import type { AgentSession } from '../state/guardrail-state.ts';
import type { SignalName } from './signals/signal.ts';

export const ASSUME_ROLE_EVENTS: ReadonlySet<string> = new Set([
  'AssumeRole',
  'AssumeRoleWithWebIdentity',
  'AssumeRoleWithSAML',
]);

// STS session tags: at most 50, keys ≤ 128, values ≤ 256 characters.
const tagKey = z.string().min(1).max(128);
const tagValue = z.string().max(256);
const sessionRequestSchema = z.object({
  tags: z.array(z.object({ key: tagKey, value: tagValue })).max(50).optional(),
  principalTags: z.record(tagKey, tagValue).optional(),
  incomingTransitiveTags: z.record(tagKey, tagValue).optional(),
  sourceIdentity: z.string().max(64).optional(),
  roleArn: z.string().max(2048).optional(),
  durationSeconds: z.number().int().positive().max(43_200).optional(),
});
const sessionResponseSchema = z.object({
  credentials: z.object({ accessKeyId: z.string().max(128), expiration: z.unknown() }).optional(),
  assumedRoleUser: z.object({ assumedRoleId: z.string().max(256), arn: z.string().max(2048) }).optional(),
});

const ACCESS_KEY = /^[A-Z0-9]{16,128}$/;
// Longest STS session (12 h): used when a record's expiration cannot be read.
const MAX_SESSION_MS = 43_200_000;

export interface ObservedSession {
  /** The session, when the AssumeRole marked it as an agent's (or it was chained from one). */
  readonly session: AgentSession | null;
  /** Keys under which calls of this new session may have been parked before this event arrived. */
  readonly keys: readonly string[];
}

/**
 * Reads a successful AssumeRole* event: which session it created and whether agent session tags or
 * an agent source identity mark it. A session assumed by an agent session is an agent session too
 * (role chaining), since the agent holds the new credentials.
 * @example observeSession(assumeRoleRecord, agents, null)?.session?.signals // ['session-tag']
 */
export function observeSession(
  record: CloudTrailRecord,
  agents: AgentMatchers,
  callerSession: AgentSession | null,
): ObservedSession | null {
  if (!ASSUME_ROLE_EVENTS.has(record.eventName) || record.errorCode) return null;
  const request = sessionRequestSchema.safeParse(record.requestParameters ?? {});
  const response = sessionResponseSchema.safeParse(record.responseElements ?? {});
  if (!request.success || !response.success) return null;

  const accessKeyId = response.data.credentials?.accessKeyId;
  const joinableKey = accessKeyId && ACCESS_KEY.test(accessKeyId) ? accessKeyId : null;
  const roleSessionKey = response.data.assumedRoleUser?.assumedRoleId ?? null;
  const keys = [joinableKey, roleSessionKey].filter((k): k is string => k !== null);
  if (keys.length === 0) return null;

  const tags = new Map<string, string>();
  for (const { key, value } of request.data.tags ?? []) tags.set(key.toLowerCase(), value);
  for (const [key, value] of Object.entries(request.data.principalTags ?? {})) tags.set(key.toLowerCase(), value);
  for (const [key, value] of Object.entries(request.data.incomingTransitiveTags ?? {})) tags.set(key.toLowerCase(), value);

  const signals: SignalName[] = [];
  const evidence: string[] = [];
  for (const [key, value] of agents.sessionTags) {
    if (tags.get(key) === value) {
      signals.push('session-tag');
      evidence.push(`session tag ${key}=${value}`);
      break;
    }
  }
  const sourceIdentity = request.data.sourceIdentity;
  if (sourceIdentity && agents.sourceIdentityPrefixes.some((p) => sourceIdentity.startsWith(p))) {
    signals.push('source-identity');
    evidence.push(`sourceIdentity ${sourceIdentity}`);
  }
  if (callerSession && signals.length === 0) {
    signals.push(...callerSession.signals);
    evidence.push(`chained from ${callerSession.evidence}`);
  }
  if (signals.length === 0) return { session: null, keys };

  const eventTime = Date.parse(record.eventTime);
  const expiresAt = parseExpiration(response.data.credentials?.expiration) ?? eventTime + MAX_SESSION_MS;
  return {
    keys,
    session: {
      accessKeyId: joinableKey,
      roleSessionKey,
      roleArn: request.data.roleArn ?? response.data.assumedRoleUser?.arn ?? 'unknown',
      signals,
      evidence: evidence.join(', '),
      expiresAt,
    },
  };
}
