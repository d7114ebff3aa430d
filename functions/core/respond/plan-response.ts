import type { Principal } from '../detect/principal.ts';
import type { SignalName } from '../detect/signals/signal.ts';
import type { CompiledRule } from '../policy/compile-policy.ts';
import type { ResponseName } from '../policy/schema.ts';

export type Scope = 'agent' | 'session' | 'role' | 'principal' | 'account';

export interface ResponsePlan {
  readonly response: ResponseName;
  readonly scope: Scope;
  /** True when the strike count reached the rule's escalation threshold. */
  readonly escalated: boolean;
  readonly strikes: number;
  /** Deny every action, not only the rule's: the contained form of quarantine or revocation by SCP. */
  readonly denyAll?: boolean;
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

/**
 * Signals that mark one session, not the role: a user agent is the session's own. A role tag or a role ARN
 * pattern marks every session of the role.
 */
export const SESSION_SIGNALS: ReadonlySet<SignalName> = new Set(['user-agent']);

/** Which principals a response would bind, given who acted and what marked them as an agent. */
export function scopeOf(response: ResponseName, principal: Principal, signals: readonly SignalName[]): Scope {
  if (principal.kind === 'root') return 'account';
  if (principal.kind !== 'role-session') return 'principal';
  const expressible = signals.some((signal) => IAM_EXPRESSIBLE_SIGNALS.has(signal));
  // Only the session is marked (its user agent): bind that session (aws:userid), never the people on the role.
  const sessionOnly = !expressible && principal.roleSessionKey !== null && signals.length > 0 && signals.every((s) => SESSION_SIGNALS.has(s));
  switch (response) {
    case 'revoke-sessions':
      // One session can always be named with aws:userid, so revocation never needs to touch humans.
      return 'agent';
    case 'deny-action':
    case 'notify':
      return expressible ? 'agent' : sessionOnly ? 'session' : 'role';
    case 'quarantine-role':
      return 'role';
    case 'scp-deny':
      return 'principal';
  }
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
): ResponsePlan {
  const escalated = rule.escalate !== null && strikes >= rule.escalate.after;
  const response = escalated ? rule.escalate!.to : rule.response;
  return { response, scope: scopeOf(response, principal, signals), escalated, strikes };
}
