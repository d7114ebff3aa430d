import type { Signal, SignalContext } from './signal.ts';

/** The caller's ARN (identity or session issuer) matches a configured agent pattern. */
export function detectPrincipalArn({ principal, agents }: SignalContext): Signal | null {
  if (agents.principalArns.length === 0) return null;
  for (const arn of [principal.display, principal.arn]) {
    if (arn && agents.principalArns.some((pattern) => pattern.test(arn))) return { name: 'principal-arn', evidence: arn };
  }
  return null;
}
