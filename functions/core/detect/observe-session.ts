import * as v from 'valibot';
import { parseExpiration } from '../cloudtrail/parse-expiration.ts';
import type { CloudTrailRecord } from '../cloudtrail/record-schema.ts';
import type { AgentMatchers } from '../policy/compile-policy.ts';
import { boundSessionKey, wholeSecond, type AgentSession } from '../state/guardrail-state.ts';
import { delegatedKeyOf, type Principal } from './principal.ts';
import type { Signal, SignalName } from './signals/signal.ts';

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
  /** The request itself carried an agent signal (its tags or source identity), not only its caller. */
  readonly markedByRequest: boolean;
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
  const markedByRequest = signals.length > 0;
  if (callerSession && !markedByRequest) {
    signals.push(...callerSession.signals);
    evidence.push(`chained from ${callerSession.evidence}`);
  }
  if (signals.length === 0) return { session: null, keys, markedByRequest };

  const eventTime = Date.parse(record.eventTime);
  const expiresAt = parseExpiration(response.output.credentials?.expiration) ?? eventTime + MAX_SESSION_MS;
  // STS issues the credentials as it answers: the AssumeRole's own time is the session's aws:TokenIssueTime.
  const issuedAt = wholeSecond(eventTime);
  const own = roleSessionKey ? boundSessionKey(roleSessionKey, issuedAt) : joinableKey;
  const callerKey = callerSession?.roleSessionKey ? boundSessionKey(callerSession.roleSessionKey, callerSession.issuedAt) : null;
  return {
    keys,
    markedByRequest,
    session: {
      accessKeyId: joinableKey,
      roleSessionKey,
      roleArn: request.output.roleArn ?? response.output.assumedRoleUser?.arn ?? 'unknown',
      signals,
      evidence: evidence.join(', '),
      expiresAt,
      issuedAt,
      origin: callerSession?.origin ?? callerKey ?? own,
      parent:
        callerSession?.roleSessionKey && callerSession.roleArn
          ? { roleArn: callerSession.roleArn, roleSessionKey: callerSession.roleSessionKey, issuedAt: callerSession.issuedAt ?? null }
          : null,
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

/** Who minted a session: the agent's signals and their evidence, and the caller that made the call. */
interface Minter {
  readonly signals: readonly SignalName[];
  readonly evidence: string;
  readonly arn: string;
  readonly account: string;
  /** The minting agent's lineage (AgentSession.origin), which what it mints continues. */
  readonly origin: string | null;
}

/**
 * The session an agent minted with GetSessionToken or GetFederationToken: credentials an agent mints are the
 * agent's, whoever later uses them and however they call, so the session carries the minter's signals.
 */
function mintedTokenSession(record: CloudTrailRecord, minter: Minter): AgentSession | null {
  const response = v.safeParse(tokenResponseSchema, record.responseElements ?? {});
  if (!response.success || !ACCESS_KEY.test(response.output.credentials.accessKeyId)) return null;
  return {
    accessKeyId: response.output.credentials.accessKeyId,
    roleSessionKey: null,
    roleArn: response.output.federatedUser?.arn ?? minter.arn,
    signals: [...minter.signals],
    evidence: `minted by an agent with ${record.eventName} (${minter.evidence})`,
    issuedAt: wholeSecond(Date.parse(record.eventTime)),
    origin: minter.origin ?? response.output.credentials.accessKeyId,
    // Tokens from GetSessionToken and GetFederationToken last up to 36 hours.
    expiresAt: parseExpiration(response.output.credentials.expiration) ?? Date.parse(record.eventTime) + 3 * MAX_SESSION_MS,
  };
}

const launchSchema = v.object({
  requestParameters: v.object({ functionName: v.optional(upTo(170)), role: v.optional(upTo(2048)), iamInstanceProfile: v.optional(v.unknown()) }),
  responseElements: v.nullish(
    v.object({ functionName: v.optional(upTo(170)), instancesSet: v.optional(v.object({ items: v.optional(v.array(v.object({ instanceId: upTo(64) }))) })) }),
  ),
});
// Lambda keeps an execution role's session going as long as the function runs, EC2 an instance's as long as it
// runs: the mark lasts 30 days.
const LAUNCHED_SESSION_MS = 30 * 24 * 3_600_000;

/**
 * Sessions an agent makes AWS mint for it by launching code with a role (iam:PassRole into a service): a
 * Lambda function's execution role runs in a session named after the function, an EC2 instance profile's in
 * a session named after the instance id (as CloudTrail shows them: assumed-role/ROLE/i-…, e.g. the Stratus
 * Red Team record in test/corpus). Their calls are the agent's, whatever role was passed.
 */
function launchedSessions(record: CloudTrailRecord, minter: Minter): AgentSession[] {
  const launch = v.safeParse(launchSchema, { requestParameters: record.requestParameters ?? {}, responseElements: record.responseElements });
  if (!launch.success) return [];
  const { requestParameters: request, responseElements: response } = launch.output;
  const session = (delegatedKey: string, what: string, roleArn: string): AgentSession => ({
    accessKeyId: null,
    roleSessionKey: null,
    delegatedKey,
    roleArn,
    signals: [...minter.signals],
    evidence: `${what} launched by an agent (${minter.evidence})`,
    origin: minter.origin ?? delegatedKey,
    expiresAt: Date.parse(record.eventTime) + LAUNCHED_SESSION_MS,
  });
  if (record.eventSource === 'lambda.amazonaws.com') {
    const name = response?.functionName ?? request.functionName;
    const roleName = request.role?.slice(request.role.lastIndexOf('/') + 1) ?? null;
    return request.role && roleName && name && !name.startsWith('arn:') ? [session(delegatedKeyOf(minter.account, roleName, name), `function ${name}`, request.role)] : [];
  }
  if (request.iamInstanceProfile === undefined) return [];
  return (response?.instancesSet?.items ?? []).map(({ instanceId }) => session(delegatedKeyOf(minter.account, null, instanceId), `instance ${instanceId}`, 'instance profile'));
}

const isLaunch = (record: CloudTrailRecord) =>
  (record.eventSource === 'lambda.amazonaws.com' && /^(CreateFunction|UpdateFunctionConfiguration)/.test(record.eventName)) ||
  (record.eventSource === 'ec2.amazonaws.com' && record.eventName === 'RunInstances');

/**
 * The sessions an agent's successful call mints for it outside AssumeRole: tokens (GetSessionToken,
 * GetFederationToken) and the sessions of what it launches with a role. Nothing is computed for other calls.
 * @example sessionsMintedBy(getSessionTokenRecord, signals, principal)[0]?.accessKeyId // 'ASIA…'
 */
export function sessionsMintedBy(record: CloudTrailRecord, signals: readonly Signal[], principal: Principal, origin: string | null = null): AgentSession[] {
  const token = record.eventSource === 'sts.amazonaws.com' && TOKEN_EVENTS.has(record.eventName);
  if (signals.length === 0 || record.errorCode || !(token || isLaunch(record))) return [];
  const minter: Minter = {
    signals: signals.map((signal) => signal.name),
    evidence: signals.map((signal) => signal.evidence).join('; '),
    arn: principal.arn ?? principal.display ?? 'unknown',
    account: record.recipientAccountId ?? principal.account,
    origin,
  };
  if (!token) return launchedSessions(record, minter);
  const minted = mintedTokenSession(record, minter);
  return minted ? [minted] : [];
}
