import type { Principal } from '../../detect/principal.ts';
import type { PlannedWrite, ResponseEffect, ResponseWrites } from '../response-input.ts';

export interface IdentityTarget {
  readonly target: 'role' | 'user';
  readonly account: string;
  readonly name: string;
}

/**
 * The IAM identity whose policies contain this principal, or why there is none: root, federated users and
 * Identity Center roles cannot be contained by identity policies written in the account.
 */
export function identityTarget(principal: Principal): IdentityTarget | { readonly cannotContain: string } {
  if (principal.kind === 'role-session' && principal.roleName) {
    if (principal.isIdentityCenter) {
      return { cannotContain: `Identity Center role ${principal.roleName}: contain it through its permission set or with scp-deny` };
    }
    return { target: 'role', account: principal.account, name: principal.roleName };
  }
  if (principal.kind === 'user' && principal.arn) {
    return { target: 'user', account: principal.account, name: principal.arn.slice(principal.arn.lastIndexOf('/') + 1) };
  }
  // A federated user's session is bounded by its issuing user's policies: contained there, on its own aws:userid.
  // https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html
  if (principal.kind === 'federated' && principal.issuerArn && principal.roleSessionKey) {
    return { target: 'user', account: principal.account, name: principal.issuerArn.slice(principal.issuerArn.lastIndexOf('/') + 1) };
  }
  return { cannotContain: `${principal.kind} principal ${principal.display ?? ''}: IAM identity policies cannot contain it; use scp-deny` };
}

export function inlineWrite(target: IdentityTarget, policyName: string, document: PlannedWrite['document']): PlannedWrite {
  return { target: target.target, account: target.account, name: target.name, policyName, policyType: 'inline', document };
}

export const NO_WRITES = { writes: [], roleTags: {}, effects: [] } as const;

/**
 * The access-key effects of containing an IAM user: every active long-term key (the key the agent used among
 * them); never a temporary (ASIA) key, which IAM does not manage and aws:TokenIssueTime cuts off.
 */
export function userKeyEffects(target: IdentityTarget): ResponseEffect[] {
  return target.target === 'user' ? [{ effect: 'deactivate-active-keys', account: target.account, userName: target.name }] : [];
}

/** The preventive paths for an agent IAM cannot tell from the person whose credentials it holds. */
export const PREVENTIVE_PATHS =
  'run the agent on an identity of its own (agents.principalArnPatterns), on fromAgentSession credentials (agent-guardrail/credentials), or behind a trust policy requiring its tag (agent-guardrail compile trust)';

/**
 * Nothing IAM can attribute to the agent apart from a person: no signal IAM evaluates, and no session of the
 * agent's own (it acts with a person's long-term key). Nothing is written against the person; the finding says
 * so and names the preventive paths.
 */
export function nothingAttributable(principal: Principal): ResponseWrites {
  return {
    ...NO_WRITES,
    cannotContain: `${principal.display ?? principal.kind}: no signal IAM evaluates and no session of the agent's own, so its calls are a person's as far as IAM can tell; nothing is written against the person. Prevent it: ${PREVENTIVE_PATHS}.`,
  };
}
