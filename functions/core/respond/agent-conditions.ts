import type { Principal } from '../detect/principal.ts';
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

/** One role session, named as IAM sees it (`roleId:sessionName`). */
export function sessionCondition(principal: Principal): AgentCondition | null {
  return principal.roleSessionKey ? userIdCondition(principal.roleSessionKey) : null;
}

/** One role session, by its aws:userid ("AROA…:session-name"). */
export function userIdCondition(userId: string): AgentCondition {
  return { sid: `Session${sidPart(userId)}`, condition: { StringEquals: { 'aws:userid': userId } } };
}

/**
 * The agent sessions recorded on the role, in one condition (aws:userid is a single-valued key, so StringEquals
 * with a list matches any of them), when any is not the violating session (that one has its own statement).
 * The list is whole, the violating session included: statements merge by Sid with the later condition
 * replacing the earlier one, so each list must hold every still-live session an earlier one held.
 */
export function lineageCondition(userIds: readonly string[], principal: Principal): AgentCondition | null {
  return userIds.some((userId) => userId !== principal.roleSessionKey) ? { sid: 'Lineage', condition: { StringEquals: { 'aws:userid': [...userIds] } } } : null;
}
