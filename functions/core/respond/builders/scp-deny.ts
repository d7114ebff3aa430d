import { GUARDRAIL_POLICY_PREFIX } from '../../detect/tamper.ts';
import { selectionOf, sidPart } from '../agent-conditions.ts';
import { document, type PolicyStatement } from '../policy-document.ts';
import type { ResponseBuilder } from '../response-input.ts';
import { NO_WRITES, nothingAttributable } from './target.ts';

/** One SCP per member account, attached to that account; statements accumulate per principal. */
export function scpPolicyName(account: string): string {
  return `${GUARDRAIL_POLICY_PREFIX}Scp-${account}`;
}

/**
 * scp-deny: a service control policy on the principal's account denying the rule's actions to the agent: its
 * requests by the signals IAM evaluates (not pinned to the role: the same agent working from another role of
 * the account is denied too, and people are not) and its exact sessions. The whole principal (ArnLike
 * aws:PrincipalArn) only where the scope is the identity; for root the whole account: IAM policies cannot reach
 * root, SCPs can. The member account cannot remove it.
 * @example buildScpDeny(input).writes[0].policyType // 'scp'
 */
export const buildScpDeny: ResponseBuilder = (input) => {
  const { principal } = input;
  const actions = input.rule.actionPatterns.length > 0 ? [...input.rule.actionPatterns].sort() : [input.action];
  const base = { Effect: 'Deny' as const, Action: actions.length === 1 ? actions[0]! : actions, Resource: '*' };
  const selection = selectionOf(input);
  let statements: PolicyStatement[];
  if (!selection.whole) {
    if (selection.conditions.length === 0) return nothingAttributable(principal);
    // Sids name the signal or the session, so one principal's release never removes another's statements.
    statements = selection.conditions.map(({ sid, condition }) => ({ Sid: `DenyAgent${sid}`, ...base, Condition: condition }));
  } else {
    const who = principal.kind === 'root' ? 'Root' : sidPart(principal.roleName ?? principal.arn ?? 'Principal', 48);
    const principalCondition: NonNullable<PolicyStatement['Condition']> =
      principal.kind === 'root' || !principal.arn ? {} : { ArnLike: { 'aws:PrincipalArn': principal.arn } };
    statements = [{ Sid: `Deny${who}`, ...base, ...(Object.keys(principalCondition).length > 0 ? { Condition: principalCondition } : {}) }];
  }
  return {
    ...NO_WRITES,
    cannotContain: null,
    writes: [
      { target: 'account', account: principal.account, name: principal.account, policyName: scpPolicyName(principal.account), policyType: 'scp', document: document(statements) },
    ],
  };
};
