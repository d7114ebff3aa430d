import type { AgentMatchers } from '../policy/compile-policy.ts';
import type { Principal } from './principal.ts';

// Stands for any session name: only a pattern whose session part is a wildcard matches it.
const ANY_SESSION = '\u0001';

/**
 * Whether the identity itself (the role, or the IAM user) exists only for agents: its ARN is declared in
 * agents.principalArnPatterns (for a role, by a pattern that takes every session of it), or the role carries
 * an agent role tag. Only such an identity may be contained as a whole without a rule asking for it: nobody
 * else works on it. A signal inherited from a session (a chain out of an agent role) says nothing of the
 * identity it reached, so this reads the identity, not the signals.
 * @example isAgentOnlyIdentity(sessionOf('agent-runner'), null, agents) // true with 'arn:aws:iam::*:role/agent-*'
 */
export function isAgentOnlyIdentity(principal: Principal, roleTags: ReadonlyMap<string, string> | null, agents: AgentMatchers): boolean {
  if (principal.arn && agents.principalArns.some((pattern) => pattern.test(principal.arn!))) return true;
  if (principal.kind !== 'role-session' || !principal.roleName) return false;
  const anySession = `arn:${principal.partition}:sts::${principal.account}:assumed-role/${principal.roleName}/${ANY_SESSION}`;
  if (agents.principalArns.some((pattern) => pattern.test(anySession))) return true;
  if (!roleTags) return false;
  for (const [key, value] of agents.roleTags) if (roleTags.get(key) === value) return true;
  return false;
}

/** Whether the caller's own identity (not a session it holds) is a declared agent principal: what it mints is the agent's. */
export function isDeclaredAgentPrincipal(principal: Principal, agents: AgentMatchers): boolean {
  return isAgentOnlyIdentity(principal, null, agents);
}
