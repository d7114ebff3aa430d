import * as v from 'valibot';
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
const tagKey = v.pipe(v.string(), v.minLength(1), v.maxLength(128));
const tagValue = v.pipe(v.string(), v.maxLength(256));
const upTo = (n: number) => v.pipe(v.string(), v.maxLength(n));
const sessionRequestSchema = v.object({
  tags: v.optional(v.pipe(v.array(v.object({ key: tagKey, value: tagValue })), v.maxLength(50))),
  principalTags: v.optional(v.record(tagKey, tagValue)),
  incomingTransitiveTags: v.optional(v.record(tagKey, tagValue)),
  sourceIdentity: v.optional(upTo(64)),
  roleArn: v.optional(upTo(2048)),
  durationSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(43_200))),
});
const sessionResponseSchema = v.object({
  credentials: v.optional(v.object({ accessKeyId: upTo(128), expiration: v.unknown() })),
  assumedRoleUser: v.optional(v.object({ assumedRoleId: upTo(256), arn: upTo(2048) })),
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
  const request = v.safeParse(sessionRequestSchema, record.requestParameters ?? {});
  const response = v.safeParse(sessionResponseSchema, record.responseElements ?? {});
  if (!request.success || !response.success) return null;

  const accessKeyId = response.output.credentials?.accessKeyId;
  const joinableKey = accessKeyId && ACCESS_KEY.test(accessKeyId) ? accessKeyId : null;
  const roleSessionKey = response.output.assumedRoleUser?.assumedRoleId ?? null;
  const keys = [joinableKey, roleSessionKey].filter((k): k is string => k !== null);
  if (keys.length === 0) return null;

  const tags = new Map<string, string>();
  for (const { key, value } of request.output.tags ?? []) tags.set(key.toLowerCase(), value);
  for (const [key, value] of Object.entries(request.output.principalTags ?? {})) tags.set(key.toLowerCase(), value);
  for (const [key, value] of Object.entries(request.output.incomingTransitiveTags ?? {})) tags.set(key.toLowerCase(), value);

  const signals: SignalName[] = [];
  const evidence: string[] = [];
  for (const [key, value] of agents.sessionTags) {
    if (tags.get(key) === value) {
      signals.push('session-tag');
      evidence.push(`session tag ${key}=${value}`);
      break;
    }
  }
  const sourceIdentity = request.output.sourceIdentity;
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
  const expiresAt = parseExpiration(response.output.credentials?.expiration) ?? eventTime + MAX_SESSION_MS;
  return {
    keys,
    session: {
      accessKeyId: joinableKey,
      roleSessionKey,
      roleArn: request.output.roleArn ?? response.output.assumedRoleUser?.arn ?? 'unknown',
      signals,
      evidence: evidence.join(', '),
      expiresAt,
    },
  };
}

/**
 * STS calls that mint temporary credentials without assuming a role: the caller's own session
 * (GetSessionToken) or a federated user's (GetFederationToken). Their calls carry the new access key.
 * Docs: STS/latest/APIReference/API_GetSessionToken.html, API_GetFederationToken.html
 */
export const TOKEN_EVENTS: ReadonlySet<string> = new Set(['GetSessionToken', 'GetFederationToken']);

const tokenResponseSchema = v.object({
  credentials: v.object({ accessKeyId: upTo(128), expiration: v.unknown() }),
  federatedUser: v.optional(v.object({ arn: upTo(2048) })),
});

/**
 * The session an agent minted with GetSessionToken or GetFederationToken: credentials an agent mints are the
 * agent's, whoever later uses them and however they call, so the session carries the minter's signals.
 * @example mintedTokenSession(getSessionTokenRecord, ['mcp-service'], 'invokedBy aws-mcp.amazonaws.com')?.accessKeyId // 'ASIA…'
 */
export function mintedTokenSession(record: CloudTrailRecord, signals: readonly SignalName[], evidence: string, mintedBy: string): AgentSession | null {
  if (record.eventSource !== 'sts.amazonaws.com' || !TOKEN_EVENTS.has(record.eventName) || record.errorCode || signals.length === 0) return null;
  const response = v.safeParse(tokenResponseSchema, record.responseElements ?? {});
  if (!response.success || !ACCESS_KEY.test(response.output.credentials.accessKeyId)) return null;
  const eventTime = Date.parse(record.eventTime);
  return {
    accessKeyId: response.output.credentials.accessKeyId,
    roleSessionKey: null,
    roleArn: response.output.federatedUser?.arn ?? mintedBy,
    signals: [...signals],
    evidence: `minted by an agent with ${record.eventName} (${evidence})`,
    // Tokens from GetSessionToken and GetFederationToken last up to 36 hours.
    expiresAt: parseExpiration(response.output.credentials.expiration) ?? eventTime + 3 * MAX_SESSION_MS,
  };
}

const launchSchema = v.object({
  requestParameters: v.object({ functionName: v.optional(upTo(170)), role: v.optional(upTo(2048)), iamInstanceProfile: v.optional(v.unknown()) }),
  responseElements: v.nullish(
    v.object({ functionName: v.optional(upTo(170)), instancesSet: v.optional(v.object({ items: v.optional(v.array(v.object({ instanceId: upTo(64) }))) })) }),
  ),
});

/**
 * Sessions an agent makes AWS mint for it by launching code with a role (iam:PassRole into a service): a
 * Lambda function's execution role runs in a session named after the function, an EC2 instance profile's in
 * a session named after the instance id (as CloudTrail shows them: assumed-role/ROLE/i-…, e.g. the Stratus
 * Red Team record in test/corpus). Their calls are the agent's, whatever role was passed.
 * @example delegatedSessionsOf(createFunctionRecord, ['mcp-service'], 'invokedBy aws-mcp…', '111122223333')[0].delegatedKey // '111122223333:my-fn'
 */
export function delegatedSessionsOf(record: CloudTrailRecord, signals: readonly SignalName[], evidence: string, account: string): AgentSession[] {
  if (signals.length === 0 || record.errorCode) return [];
  const launch = v.safeParse(launchSchema, { requestParameters: record.requestParameters ?? {}, responseElements: record.responseElements });
  if (!launch.success) return [];
  const { requestParameters: request, responseElements: response } = launch.output;
  const eventTime = Date.parse(record.eventTime);
  // Lambda refreshes an execution role's session as long as the function runs, EC2 an instance's as long as
  // it runs: the mark lasts as long as a session could be seen (the record is renewed when it is).
  const session = (name: string, what: string, roleArn: string): AgentSession => ({
    accessKeyId: null,
    roleSessionKey: null,
    delegatedKey: `${account}:${name}`,
    roleArn,
    signals: [...signals],
    evidence: `${what} launched by an agent (${evidence})`,
    expiresAt: eventTime + 30 * 24 * 3_600_000,
  });
  if (record.eventSource === 'lambda.amazonaws.com' && /^(CreateFunction|UpdateFunctionConfiguration)/.test(record.eventName) && request.role) {
    const name = response?.functionName ?? request.functionName;
    return name && !name.startsWith('arn:') ? [session(name, `function ${name}`, request.role)] : [];
  }
  if (record.eventSource === 'ec2.amazonaws.com' && record.eventName === 'RunInstances' && request.iamInstanceProfile !== undefined) {
    return (response?.instancesSet?.items ?? []).map(({ instanceId }) => session(instanceId, `instance ${instanceId}`, 'instance profile'));
  }
  return [];
}
