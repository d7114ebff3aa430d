import type { Principal } from '../detect/principal.ts';
import type { SignalName } from '../detect/signals/signal.ts';
import type { CompiledRule } from '../policy/compile-policy.ts';
import type { ResponseName } from '../policy/schema.ts';
import { TAMPER_RULE_ID } from '../policy/constants.ts';
import { agentHoldsSession } from './agent-conditions.ts';

/**
 * Who a response binds. agent: the requests carrying an agent signal IAM evaluates, and the agent's exact
 * sessions; session: the agent's exact sessions only (no signal IAM sees); role / principal: the whole
 * identity, only where it exists for agents alone or the rule asks for it (`scope: role`); account: root;
 * none: nothing IAM can attribute to the agent apart from a person, so nothing is written.
 */
export type Scope = 'agent' | 'session' | 'role' | 'principal' | 'account' | 'none';

export interface ResponsePlan {
  readonly response: ResponseName;
  readonly scope: Scope;
  /** True when the strike count reached the rule's escalation threshold. */
  readonly escalated: boolean;
  readonly strikes: number;
  /** Deny every action, not only the rule's: the contained form of quarantine or revocation by SCP. */
  readonly denyAll?: boolean;
  /**
   * The violating session is the agent's own (a recorded agent session, or a signal of the session itself), so
   * it is bound; false where the agent is seen only through MCP on a person's session.
   */
  readonly bindsOwnSession?: boolean;
}

/**
 * Signals IAM can evaluate at request time, so a policy can target the agent's sessions alone:
 * session tag → aws:PrincipalTag, source identity → aws:SourceIdentity, MCP → aws:ViaAWSMCPService /
 * aws:CalledViaAWSMCP. Role tags, ARN and user-agent patterns describe the whole role or nothing IAM sees.
 */
export const IAM_EXPRESSIBLE_SIGNALS: ReadonlySet<SignalName> = new Set([
  'session-tag',
  'source-identity',
  'mcp-service',
  'mcp-context',
]);

/** What decides how far a response may reach beside the principal and its signals. */
export interface ScopeFacts {
  /** The rule asks for the whole identity (`scope: role`). */
  readonly wholeIdentity: boolean;
  /** The identity exists only for agents (declared principal, agent-tagged role): see agent-identity.ts. */
  readonly agentOnly: boolean;
  /** The rule binds whoever acted (tampering), agent or not: the acting session is the subject. */
  readonly actorIsSubject?: boolean;
}

/**
 * Which principals a response binds: only what IAM can attribute to the agent. The whole role or user only when
 * nobody but agents works on it, or the rule asks for it; else the agent's requests by the signals IAM
 * evaluates and its exact sessions; else nothing (the finding says why).
 */
export function scopeOf(principal: Principal, signals: readonly SignalName[], facts: ScopeFacts): Scope {
  if (principal.kind === 'root') return 'account';
  if (facts.wholeIdentity || facts.agentOnly) return principal.kind === 'role-session' ? 'role' : 'principal';
  if (signals.some((signal) => IAM_EXPRESSIBLE_SIGNALS.has(signal))) return 'agent';
  const ownSession = principal.roleSessionKey !== null || (principal.kind === 'user' && principal.issuedAt !== null);
  return ownSession && (agentHoldsSession(signals) || facts.actorIsSubject === true) ? 'session' : 'none';
}

/**
 * Chooses the response for a violation: the rule's, or its escalation once `strikes` (violations of this
 * rule by this principal within the window, this one included) reach the threshold.
 * @example planResponse(rule, principal, ['session-tag'], 3).response // 'quarantine-role' with after: 3
 */
export function planResponse(
  rule: CompiledRule,
  principal: Principal,
  signals: readonly SignalName[],
  strikes: number,
  agentOnly = false,
): ResponsePlan {
  const escalated = rule.escalate !== null && strikes >= rule.escalate.after;
  const response = escalated ? rule.escalate!.to : rule.response;
  // Tampering is forbidden to everyone: an IAM user who tampers is bound in its own identity (nobody else works
  // on it); a role session only in that exact session (the people beside it on the role are bystanders).
  const tamper = rule.id === TAMPER_RULE_ID;
  const facts = { wholeIdentity: rule.scope === 'role' || (tamper && principal.kind === 'user'), agentOnly, actorIsSubject: tamper };
  return { response, scope: scopeOf(principal, signals, facts), escalated, strikes };
}
