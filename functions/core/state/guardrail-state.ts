import type { CloudTrailRecord } from '../cloudtrail/record-schema.ts';
import type { SignalName } from '../detect/signals/signal.ts';
import type { PolicyDocument } from '../respond/policy-document.ts';

/** An agent session recorded from its AssumeRole event. */
export interface AgentSession {
  readonly accessKeyId: string | null;
  /** `roleId:sessionName` (the session's principalId). */
  readonly roleSessionKey: string | null;
  /** `account:sessionName` of a session an agent caused AWS to mint (its function or instance). */
  readonly delegatedKey?: string | null;
  readonly roleArn: string;
  readonly signals: readonly SignalName[];
  /** What marked it ("session tag ai-agent=true"). */
  readonly evidence: string;
  /** Epoch ms; after this the session is gone and the entry may be dropped. */
  readonly expiresAt: number;
  /** The agent session that assumed this one (role chaining): where the agent came from, and can go back to. */
  readonly parent?: { readonly roleArn: string; readonly roleSessionKey: string; readonly issuedAt?: number | null } | null;
  /** When its credentials were issued (epoch ms, whole seconds): with its name, what names this one session. */
  readonly issuedAt?: number | null;
  /** The first agent session of its lineage (bound key): strikes are counted per agent, not per role. */
  readonly origin?: string | null;
}

/** Sessions whose recorded and seen issue times differ by more than this are two sessions sharing a name. */
const SAME_SESSION_MS = 2_000;

/** A time to the whole second, as STS issues credentials and CloudTrail records their issue. */
export function wholeSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/**
 * Whether two issue times are one session's (the AssumeRole's time and the session's creationDate may straddle
 * a second); an unknown one (recorded before it was kept) matches any.
 */
export function sameIssue(a: number | null | undefined, b: number | null | undefined): boolean {
  return a == null || b == null || Math.abs(a - b) <= SAME_SESSION_MS;
}

interface IssuedCredentials {
  readonly accessKeyId: string | null;
  readonly issuedAt?: number | null;
}

/**
 * Whether a session found by name (`roleId:sessionName`) is the caller's: the access key decides when both
 * are known, else the issue time (a caller-chosen name is reused by every GitHub Actions job).
 */
export function isSameSession(session: IssuedCredentials, caller: IssuedCredentials): boolean {
  if (caller.accessKeyId && session.accessKeyId === caller.accessKeyId) return true;
  return sameIssue(session.issuedAt, caller.issuedAt);
}

/**
 * One role session as a containment binds it: `roleId:sessionName|issue time`, so a later session that reuses
 * the name is not bound; the bare name where the issue time is unknown.
 * @example boundSessionKey('AROAEXAMPLE:GitHubActions', Date.parse('2026-11-20T09:00:00Z')) // 'AROAEXAMPLE:GitHubActions|2026-11-20T09:00:00.000Z'
 */
export function boundSessionKey(roleSessionKey: string, issuedAt: number | null | undefined): string {
  return issuedAt == null ? roleSessionKey : `${roleSessionKey}|${new Date(issuedAt).toISOString()}`;
}

/** A session of a lineage: its role and its bound key, space-separated (neither holds a space). */
export function lineageEntry(roleArn: string, bound: string): string {
  return `${roleArn} ${bound}`;
}

/** The parts of a bound session key. */
export function parseBoundSession(key: string): { readonly userId: string; readonly issuedAt: number | null } {
  const bar = key.lastIndexOf('|');
  if (bar < 0) return { userId: key, issuedAt: null };
  const issuedAt = Date.parse(key.slice(bar + 1));
  return Number.isFinite(issuedAt) ? { userId: key.slice(0, bar), issuedAt } : { userId: key, issuedAt: null };
}

/** How long what a containment took away is remembered, so undoing it is tampering: 30 days. */
export const TAKEN_MEMORY_MS = 30 * 24 * 3_600_000;

/** The key under which a taken item is remembered. */
export function takenKey(item: { readonly kind: 'access-key'; readonly accessKeyId: string } | { readonly kind: 'login-profile'; readonly account: string; readonly userName: string }): string {
  return item.kind === 'access-key' ? `access-key#${item.accessKeyId}` : `login-profile#${item.account}/${item.userName}`;
}

/** How long a call waits for the AssumeRole of its session: the longest an STS session can last (12 h). */
export const PENDING_WAIT_MS = 43_200_000;

export interface PendingEvent {
  readonly record: CloudTrailRecord;
  readonly expiresAt: number;
}

export interface Exemption {
  readonly principalArn: string;
  readonly until: number;
  readonly reason: string;
}

/**
 * Everything detection remembers between events. In-memory for replay and tests; DynamoDB in Lambda.
 * Times are passed in (event time), never read from a clock, so replay is deterministic.
 */
export interface GuardrailState {
  findSession(keys: SessionKeys, at: number): Promise<AgentSession | null>;
  /** Records an agent session under each of its keys, and on its role's list when it is a role session. */
  putSession(session: AgentSession): Promise<void>;
  /**
   * Every agent session recorded on a role and live at `at`, as bound keys (boundSessionKey): a containment
   * binds them all, the ones without an IAM-visible signal (a chained session) included.
   */
  agentSessionsOn(roleArn: string, at: number): Promise<string[]>;
  /**
   * Every live session of one agent's lineage (its `origin`), on whatever role, as lineage entries
   * (lineageEntry: `roleArn bound-key`): the sessions it chained into or minted before a containment are bound too.
   */
  lineageSessions(origin: string, at: number): Promise<string[]>;
  /** Parks an event under each key until its session's AssumeRole arrives or it expires. */
  addPending(keys: readonly string[], pending: PendingEvent): Promise<void>;
  /** Removes and returns the parked events under any of the keys (each event once). */
  takePending(keys: readonly string[], at: number): Promise<PendingEvent[]>;
  /** Tags of a role, keyed `account/roleName`, lower-cased keys; null when unknown. */
  roleTags(roleKey: string): Promise<ReadonlyMap<string, string> | null>;
  updateRoleTags(roleKey: string, set: ReadonlyMap<string, string>, remove: readonly string[]): Promise<void>;
  exemptionFor(principalArn: string, at: number): Promise<Exemption | null>;
  /**
   * Records the event's strike and returns how many fall within the window ending at `at`. Idempotent: the
   * same event counted again (a redelivery) adds nothing. Counts past `enough` (the escalation threshold)
   * need not be exact: any answer ≥ `enough` means the threshold is reached.
   */
  countStrike(subject: string, eventID: string, at: number, windowMs: number, enough: number): Promise<number>;
  isQuarantined(roleArn: string): Promise<boolean>;
  /** Remembers that `caller` minted an agent session of `roleArn` (until `expiresAt`, epoch ms). */
  rememberAgentMinter(caller: string, roleArn: string, expiresAt: number): Promise<void>;
  /** Whether `caller` minted an agent session of `roleArn` that is still live at `at`. */
  isAgentMinter(caller: string, roleArn: string, at: number): Promise<boolean>;
  /**
   * Remembers that the agent sessions of `roleArn` were revoked at `at` (a revoke-sessions response): a
   * session minted after it by a caller that minted agent sessions of the role is the agent coming back.
   */
  rememberRevocation(roleArn: string, at: number): Promise<void>;
  /** When the agent sessions of `roleArn` were last revoked, if within the longest session (12 h) before `at`. */
  revokedSince(roleArn: string, at: number): Promise<number | null>;
  /**
   * Remembers something a containment took away (takenKey: a deactivated access key, a deleted console
   * password), so that undoing it is recognised as tampering.
   */
  rememberTaken(item: string, at: number): Promise<void>;
  /** Whether a containment took this away (within TAKEN_MEMORY_MS before `at`). */
  wasTaken(item: string, at: number): Promise<boolean>;
  /** Remembers that an agent (its lineage's origin) was contained under `ruleId`, for its later sessions. */
  rememberContainedLineage(origin: string, ruleId: string, at: number): Promise<void>;
  /** The rules an agent's lineage was contained under within the longest session (12 h) before `at`. */
  containedLineage(origin: string, at: number): Promise<string[]>;
  /**
   * The guardrail's own policy documents on one identity (`account/target/name`) as it last wrote them, by
   * policy name, so a containment merges without reading IAM first. Null when that is unknown.
   */
  writtenDocuments(identityKey: string): Promise<ReadonlyMap<string, PolicyDocument> | null>;
  /** Remembers what the guardrail wrote (null: the policy is gone). */
  recordWritten(identityKey: string, policyName: string, document: PolicyDocument | null): Promise<void>;
  /** Everything one event's detection and containment will look up, in one consistent read. */
  prefetch(keys: PrefetchKeys, at: number): Promise<Prefetched>;
}

/** The state items one event needs (see core/pipeline/prefetch.ts). */
export interface PrefetchKeys {
  readonly sessionKeys: readonly string[];
  readonly roleTagKey: string | null;
  readonly quarantineArn: string | null;
  readonly exemptionArn: string | null;
  readonly identityKey: string | null;
  /** The role whose recorded agent sessions a containment binds (a role session's role). */
  readonly sessionRoleArn?: string | null;
  /** The lineage the caller's own session starts (its bound key): most agents are their lineage's first session. */
  readonly lineageOrigin?: string | null;
}

export interface Prefetched {
  /** Live sessions found under the requested keys. */
  readonly sessions: ReadonlyMap<string, AgentSession>;
  readonly roleTags: ReadonlyMap<string, string> | null;
  readonly quarantined: boolean;
  readonly exemption: Exemption | null;
  readonly documents: ReadonlyMap<string, PolicyDocument> | null;
  /** Bound session key → live-until of the agent sessions recorded on `sessionRoleArn`; null when not asked. */
  readonly roleSessions?: ReadonlyMap<string, number> | null;
  /** Lineage entry → live-until of the sessions of `lineageOrigin`; null when not asked. */
  readonly lineage?: ReadonlyMap<string, number> | null;
}

export interface SessionKeys {
  readonly accessKeyId: string | null;
  readonly roleSessionKey: string | null;
  /** `account:sessionName`, for sessions known before they exist (a function or instance an agent launched). */
  readonly delegatedKey?: string | null;
}

/** A role's agent sessions worth listing in a containment: IAM role sessions with a known aws:userid. */
export function indexedOnRole(session: AgentSession): boolean {
  return session.roleSessionKey !== null && /^arn:aws[a-z-]*:iam::\d{12}:role\//.test(session.roleArn);
}

/** Every key a session is stored and found under. */
export function sessionKeysOf(keys: SessionKeys): string[] {
  return [keys.accessKeyId, keys.roleSessionKey, keys.delegatedKey ?? null].filter((key): key is string => key !== null);
}
