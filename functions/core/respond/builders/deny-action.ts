import { GUARDRAIL_POLICY_PREFIX } from '../../detect/tamper.ts';
import { agentConditions } from '../agent-conditions.ts';
import { document, type PolicyStatement } from '../policy-document.ts';
import type { ResponseBuilder } from '../response-input.ts';
import { identityTarget, inlineWrite, NO_WRITES } from './target.ts';

export const DENY_ACTION_POLICY = `${GUARDRAIL_POLICY_PREFIX}DenyActions`;

/**
 * deny-action: an inline policy denying the rule's actions (on the rule's resources). Agent-scoped by the
 * signals IAM can evaluate, so it outlives the session: a re-assumed agent session is still denied while
 * humans on the role are not. Without such a signal it binds the whole role or user.
 * @example buildDenyAction(input).writes[0].document.Statement[0].Action // ['iam:Put*Policy', ...]
 */
export const buildDenyAction: ResponseBuilder = (input) => {
  const target = identityTarget(input.principal);
  if ('cannotContain' in target) return { ...NO_WRITES, cannotContain: target.cannotContain };
  const actions = input.rule.actionPatterns.length > 0 ? [...input.rule.actionPatterns].sort() : [input.action];
  const resources = [...input.rule.resourcePatterns];
  const base = {
    Effect: 'Deny' as const,
    Action: actions.length === 1 ? actions[0]! : actions,
    Resource: resources.length === 1 ? resources[0]! : resources,
  };
  const conditions = input.scope === 'agent' ? agentConditions(input.signals, input.agents) : [];
  const statements: PolicyStatement[] =
    conditions.length > 0
      ? conditions.map(({ sid, condition }) => ({ Sid: `DenyAgent${sid}`, ...base, Condition: condition }))
      : [{ Sid: 'DenyAll', ...base }];
  return { ...NO_WRITES, cannotContain: null, writes: [inlineWrite(target, DENY_ACTION_POLICY, document(statements))] };
};
