import { createHash } from 'node:crypto';
import type { Principal } from '../detect/principal.ts';
import { parseBoundSession, sameIssue } from '../state/guardrail-state.ts';
import type { Scope } from './plan-response.ts';
import type { SignalName } from '../detect/signals/signal.ts';
import type { AgentSignalsConfig } from '../policy/schema.ts';
import type { PolicyStatement } from './policy-document.ts';

type Condition = NonNullable<PolicyStatement['Condition']>;

/** A condition that selects the agent's requests, and the Sid suffix naming it. */
export interface AgentCondition {
  readonly sid: string;
  readonly condition: Condition;
}

/** Statement ids are alphanumeric: keep only those characters of a name. */
export function sidPart(text: string, max = 64): string {
  return text.replace(/[^A-Za-z0-9]/g, '').slice(0, max);
}

/**
 * The IAM conditions that select an agent's requests and no one else's, one per signal IAM can evaluate:
 * session tag → aws:PrincipalTag/<key>, source identity → aws:SourceIdentity, AWS MCP server →
 * aws:ViaAWSMCPService. Statements are ORed, so each condition is its own statement.
 * Empty when no signal is expressible; the caller then falls back to one session (aws:userid) or the role.
 * @example agentConditions(['session-tag'], agents)[0].condition // { StringEquals: { 'aws:PrincipalTag/ai-agent': 'true' } }
 */
export function agentConditions(signals: readonly SignalName[], agents: AgentSignalsConfig): AgentCondition[] {
  const conditions: AgentCondition[] = [];
  if (signals.includes('session-tag')) {
    for (const [key, value] of Object.entries(agents.sessionTags)) {
      conditions.push({ sid: `Tag${sidPart(key)}`, condition: { StringEquals: { [`aws:PrincipalTag/${key}`]: value } } });
    }
  }
  if (signals.includes('source-identity') && agents.sourceIdentityPrefixes.length > 0) {
    conditions.push({
      sid: 'SourceIdentity',
      condition: { StringLike: { 'aws:SourceIdentity': agents.sourceIdentityPrefixes.map((prefix) => `${prefix}*`) } },
    });
  }
  if (signals.includes('mcp-service') || signals.includes('mcp-context')) {
    conditions.push({ sid: 'ViaMcp', condition: { Bool: { 'aws:ViaAWSMCPService': 'true' } } });
  }
  return conditions;
}

/** The MCP signals: an agent seen only through them may be using a person's credentials. */
const MCP_SIGNALS: ReadonlySet<SignalName> = new Set(['mcp-service', 'mcp-context']);

/**
 * Whether the session the call was made in is the agent's own: any signal beside the MCP ones marks the session
 * itself (its AssumeRole's tags, its source identity, its user agent, a chain or a mint by an agent). Through
 * the AWS MCP server alone the agent may hold a person's session, whose direct calls IAM cannot tell from
 * hers: that session is never bound.
 */
export function agentHoldsSession(signals: readonly SignalName[]): boolean {
  return signals.some((signal) => !MCP_SIGNALS.has(signal));
}

// STS issues to the second; the AssumeRole's time and the session's aws:TokenIssueTime may straddle one.
const ISSUE_SLACK_MS = 1_000;
const ISSUE_WINDOW_MS = 2_000;

/** aws:TokenIssueTime within the second a session was issued (and the one either side of it). */
function issueWindow(issuedAt: number): Condition {
  return {
    DateGreaterThanEquals: { 'aws:TokenIssueTime': new Date(issuedAt - ISSUE_SLACK_MS).toISOString() },
    DateLessThan: { 'aws:TokenIssueTime': new Date(issuedAt + ISSUE_WINDOW_MS).toISOString() },
  };
}

/**
 * One session exactly: its aws:userid and, where known, its aws:TokenIssueTime within the second it was issued,
 * so a later session that reuses the name (a person's, or the next CI job's) is not bound.
 * Docs: IAM/latest/UserGuide/reference_policies_condition-keys.html (aws:userid, aws:TokenIssueTime).
 */
export function exactSessionCondition(userId: string, issuedAt: number | null): AgentCondition {
  const sid = `Session${sidPart(userId.slice(userId.indexOf(':') + 1), 40)}${createHash('sha256').update(`${userId}|${issuedAt ?? ''}`).digest('hex').slice(0, 8)}`;
  return { sid, condition: { StringEquals: { 'aws:userid': userId }, ...(issuedAt === null ? {} : issueWindow(issuedAt)) } };
}

/** The violating session itself, when it is the agent's own (`held`: agentHoldsSession, or the actor is the subject). */
export function sessionCondition(principal: Principal, held: boolean): AgentCondition | null {
  if (!held) return null;
  if (principal.roleSessionKey) return exactSessionCondition(principal.roleSessionKey, principal.issuedAt);
  // Temporary credentials of an IAM user (GetSessionToken): the user's policy binds that user, the issue time
  // that one token.
  if (principal.kind === 'user' && principal.issuedAt !== null) {
    return { sid: `Token${new Date(principal.issuedAt).toISOString().replace(/\D/g, '').slice(0, 14)}`, condition: issueWindow(principal.issuedAt) };
  }
  return null;
}

/** Sessions bound exactly, one statement each (a role's inline policies hold 10,240 characters in all). */
export const MAX_EXACT_SESSIONS = 10;
/** Sessions past those, bound by name alone in one statement (about 50 characters each). */
export const MAX_NAMED_SESSIONS = 40;

/** How many of a role's other agent sessions a containment binds, and how. */
export interface SessionBinding {
  readonly exact: number;
  readonly byName: number;
  /** Sessions bound by neither: only the agent's IAM-visible signals reach them (the finding says so). */
  readonly unbound: number;
}

type BoundSession = ReturnType<typeof parseBoundSession>;

/** Sessions as bound keys (boundSessionKey), each once, in a stable order. */
function boundSessions(boundKeys: readonly string[]): BoundSession[] {
  return [...new Set(boundKeys)].sort().map(parseBoundSession);
}

function otherSessions(boundKeys: readonly string[], principal: Principal): BoundSession[] {
  return boundSessions(boundKeys).filter(({ userId, issuedAt }) => !(userId === principal.roleSessionKey && sameIssue(issuedAt, principal.issuedAt)));
}

/**
 * Sessions bound, never dropped silently: the first MAX_EXACT_SESSIONS each exactly in its own statement (Sids
 * name one session, so a later containment adds sessions and never unbinds one an earlier one bound); the next
 * MAX_NAMED_SESSIONS by aws:userid alone in one statement (a later session reusing one of those names would be
 * bound too; the finding says so), the list whole each time since a later document replaces that statement's
 * condition.
 */
function sessionConditions(sessions: readonly BoundSession[]): AgentCondition[] {
  const conditions = sessions.slice(0, MAX_EXACT_SESSIONS).map(({ userId, issuedAt }) => exactSessionCondition(userId, issuedAt));
  const named = [...new Set(sessions.slice(MAX_EXACT_SESSIONS, MAX_EXACT_SESSIONS + MAX_NAMED_SESSIONS).map(({ userId }) => userId))];
  if (named.length > 0) conditions.push({ sid: 'SessionsByName', condition: { StringEquals: { 'aws:userid': named } } });
  return conditions;
}

/** The agent's sessions on another role of its lineage (bound keys), bound as sessionConditions says. */
export function roleSessionConditions(boundKeys: readonly string[]): AgentCondition[] {
  return sessionConditions(boundSessions(boundKeys));
}

/** The split of lineageConditions, for the finding's words. */
export function sessionBinding(boundKeys: readonly string[], principal: Principal): SessionBinding {
  const others = otherSessions(boundKeys, principal).length;
  const exact = Math.min(others, MAX_EXACT_SESSIONS);
  const byName = Math.min(others - exact, MAX_NAMED_SESSIONS);
  return { exact, byName, unbound: others - exact - byName };
}

/** The other agent sessions recorded on the violating session's role (bound keys), bound as sessionConditions says. */
export function lineageConditions(boundKeys: readonly string[], principal: Principal): AgentCondition[] {
  return sessionConditions(otherSessions(boundKeys, principal));
}

/** What a response's statements select, from its scope: the whole identity, the agent's requests, or nothing. */
export type Selection = { readonly whole: true } | { readonly whole: false; readonly conditions: readonly AgentCondition[] };

/**
 * The conditions a response's statements carry: none for the whole identity (role, principal, account);
 * the agent's IAM-visible signals and its exact sessions (agent); its exact sessions alone (session).
 * An empty list means nothing can be attributed: the caller writes nothing.
 */
export function selectionOf(input: {
  readonly scope: Scope;
  readonly principal: Principal;
  readonly signals: readonly SignalName[];
  readonly agents: AgentSignalsConfig;
  readonly agentSessions?: readonly string[];
  readonly bindsOwnSession?: boolean;
}): Selection {
  if (input.scope === 'role' || input.scope === 'principal' || input.scope === 'account') return { whole: true };
  if (input.scope === 'none') return { whole: false, conditions: [] };
  // A session scope binds the acting session whatever marked it (a tamperer's own); an agent scope binds it only
  // when the session is the agent's (not a person's seen through MCP).
  const own = sessionCondition(input.principal, input.scope === 'session' || (input.bindsOwnSession ?? agentHoldsSession(input.signals)));
  const sessions = [...(own ? [own] : []), ...lineageConditions(input.agentSessions ?? [], input.principal)];
  return { whole: false, conditions: input.scope === 'agent' ? [...agentConditions(input.signals, input.agents), ...sessions] : sessions };
}
