import { createHash } from 'node:crypto';
import { GUARDRAIL_POLICY_PREFIX } from '../../detect/tamper.ts';
import { selectionOf } from '../agent-conditions.ts';
import { document, type PolicyStatement } from '../policy-document.ts';
import type { ResponseBuilder } from '../response-input.ts';
import { identityTarget, inlineWrite, NO_WRITES, nothingAttributable } from './target.ts';

export const DENY_ACTION_POLICY = `${GUARDRAIL_POLICY_PREFIX}DenyActions`;

/**
 * The deny of a rule's actions on its resources, and the Sid suffix naming its resource set. Statements merge
 * by Sid (policy-document.ts): a resource-scoped rule's Sid names its resource set, so merging it with another
 * rule never widens one rule's actions to the other's resources.
 */
export function ruleDeny(rule: { readonly actionPatterns: readonly string[]; readonly resourcePatterns: readonly string[] }, action: string) {
  const actions = rule.actionPatterns.length > 0 ? [...rule.actionPatterns].sort() : [action];
  const resources = [...rule.resourcePatterns];
  const scopeTag = resources.length === 1 && resources[0] === '*' ? '' : `On${createHash('sha256').update(resources.join('\n')).digest('hex').slice(0, 8)}`;
  const base = {
    Effect: 'Deny' as const,
    Action: actions.length === 1 ? actions[0]! : actions,
    Resource: resources.length === 1 ? resources[0]! : resources,
  };
  return { scopeTag, base };
}

/**
 * deny-action: an inline policy denying the rule's actions (on the rule's resources) to the agent's requests:
 * by the signals IAM evaluates, so it outlives the session (a re-assumed agent session is still denied), and
 * to the agent's exact sessions, which a chained session without tags needs. People on the role are not
 * selected. The whole role or user only where the scope is the identity.
 * @example buildDenyAction(input).writes[0].document.Statement[0].Action // ['iam:Put*Policy', ...]
 */
export const buildDenyAction: ResponseBuilder = (input) => {
  const target = identityTarget(input.principal);
  if ('cannotContain' in target) return { ...NO_WRITES, cannotContain: target.cannotContain };
  const { scopeTag, base } = ruleDeny(input.rule, input.action);
  const selection = selectionOf(input);
  if (!selection.whole && selection.conditions.length === 0) return nothingAttributable(input.principal);
  const statements: PolicyStatement[] = selection.whole
    ? [{ Sid: `DenyAll${scopeTag}`, ...base }]
    : selection.conditions.map(({ sid, condition }) => ({ Sid: `DenyAgent${sid}${scopeTag}`, ...base, Condition: condition }));
  return { ...NO_WRITES, cannotContain: null, writes: [inlineWrite(target, DENY_ACTION_POLICY, document(statements))] };
};
