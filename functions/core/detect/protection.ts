import type { CompiledPolicy } from '../policy/compile-policy.ts';
import type { Principal } from './principal.ts';

/**
 * Why a principal must never be contained, or null: the guardrail's own roles (by exact ARN), service-linked roles,
 * and principals the policy protects.
 * @example protectionReason(principalOf('AgentGuardrailResponder'), policy) // "the guardrail's own role"
 */
export function protectionReason(principal: Principal, policy: CompiledPolicy): string | null {
  if (principal.arn && policy.guardrailRoles.some((role) => role.test(principal.arn!))) return `the guardrail's own role ${principal.roleName}`;
  if (principal.isServiceLinked) return `service-linked role ${principal.roleName}`;
  for (const arn of [principal.display, principal.arn]) {
    if (arn && policy.protectedPrincipals.some((pattern) => pattern.test(arn))) return `protected principal ${arn}`;
  }
  return null;
}
