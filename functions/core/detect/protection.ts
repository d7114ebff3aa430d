import type { CompiledPolicy } from '../policy/compile-policy.ts';
import type { Principal } from './principal.ts';

/**
 * Why a principal must never be contained, or null: the guardrail's own roles (by exact ARN), service-linked roles,
 * and principals the policy protects.
 * @example protectionReason(principalOf('AgentGuardrailResponder'), policy) // "the guardrail's own role"
 */
export function protectionReason(principal: Principal, policy: CompiledPolicy): string | null {
  return protectionOf(principal, policy)?.reason ?? null;
}

export interface Protection {
  /** `guardrail` and `service-linked`: never touched at all; `policy`: never contained role-wide. */
  readonly kind: 'guardrail' | 'service-linked' | 'policy';
  readonly reason: string;
}

/** Why and how a principal is protected, or null. */
export function protectionOf(principal: Principal, policy: CompiledPolicy): Protection | null {
  if (principal.arn && policy.guardrailRoles.some((role) => role.test(principal.arn!))) return { kind: 'guardrail', reason: `the guardrail's own role ${principal.roleName}` };
  if (principal.isServiceLinked) return { kind: 'service-linked', reason: `service-linked role ${principal.roleName}` };
  for (const arn of [principal.display, principal.arn]) {
    if (arn && policy.protectedPrincipals.some((pattern) => pattern.test(arn))) return { kind: 'policy', reason: `protected principal ${arn}` };
  }
  return null;
}
