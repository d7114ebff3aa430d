import type { CompiledPolicy } from '../policy/compile-policy.ts';
import type { Principal } from './principal.ts';

/** The guardrail's own roles are named with this prefix; their calls are never acted on. */
export const GUARDRAIL_ROLE_PREFIX = 'AgentGuardrail';

/**
 * Why a principal must never be contained, or null: the guardrail's own roles, service-linked roles,
 * and principals the policy protects.
 * @example protectionReason(principalOf('AgentGuardrailResponder'), policy) // "the guardrail's own role"
 */
export function protectionReason(principal: Principal, policy: CompiledPolicy): string | null {
  if (principal.roleName?.startsWith(GUARDRAIL_ROLE_PREFIX)) return `the guardrail's own role ${principal.roleName}`;
  if (principal.isServiceLinked) return `service-linked role ${principal.roleName}`;
  for (const arn of [principal.display, principal.arn]) {
    if (arn && policy.protectedPrincipals.some((pattern) => pattern.test(arn))) return `protected principal ${arn}`;
  }
  return null;
}
