import { GUARDRAIL_POLICY_PREFIX } from '../../detect/tamper.ts';
import { agentConditions, sidPart } from '../agent-conditions.ts';
import { document, type PolicyStatement } from '../policy-document.ts';
import type { ResponseBuilder } from '../response-input.ts';
import { NO_WRITES } from './target.ts';

/** One SCP per member account, attached to that account; statements accumulate per principal. */
export function scpPolicyName(account: string): string {
  return `${GUARDRAIL_POLICY_PREFIX}Scp-${account}`;
}

/**
 * scp-deny: a service control policy on the principal's account denying the rule's actions to that
 * principal (to its agent requests where expressible). The member account cannot remove it. For root
 * the whole account is bound: IAM policies cannot reach root, SCPs can.
 * @example buildScpDeny(input).writes[0].policyType // 'scp'
 */
export const buildScpDeny: ResponseBuilder = (input) => {
  const { principal } = input;
  const actions = input.rule.actionPatterns.length > 0 ? [...input.rule.actionPatterns].sort() : [input.action];
  const base = { Effect: 'Deny' as const, Action: actions.length === 1 ? actions[0]! : actions, Resource: '*' };
  const who = principal.kind === 'root' ? 'Root' : sidPart(principal.roleName ?? principal.arn ?? 'Principal', 48);
  const principalArn = principal.kind === 'role-session' ? principal.arn! : principal.arn;
  const principalCondition: NonNullable<PolicyStatement['Condition']> =
    principal.kind === 'root' || !principalArn ? {} : { ArnLike: { 'aws:PrincipalArn': principalArn } };
  const conditions = agentConditions(input.signals, input.agents);
  // Agent-scoped statements are not pinned to the role: the same agent working from another role of the
  // account is denied too, and people are not (the condition selects only the agent's requests). Their
  // Sids name the signal, so one principal's release never removes another's statements (revertChanges).
  const statements: PolicyStatement[] =
    conditions.length > 0 && principal.kind !== 'root'
      ? conditions.map(({ sid, condition }) => ({ Sid: `DenyAgent${sid}`, ...base, Condition: condition }))
      : [{ Sid: `Deny${who}`, ...base, ...(Object.keys(principalCondition).length > 0 ? { Condition: principalCondition } : {}) }];
  return {
    ...NO_WRITES,
    cannotContain: null,
    writes: [
      { target: 'account', account: principal.account, name: principal.account, policyName: scpPolicyName(principal.account), policyType: 'scp', document: document(statements) },
    ],
  };
};
