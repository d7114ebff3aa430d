import { GUARDRAIL_POLICY_PREFIX } from '../../detect/tamper.ts';
import { selectionOf, type AgentCondition } from '../agent-conditions.ts';
import { document, type PolicyStatement } from '../policy-document.ts';
import type { ResponseBuilder } from '../response-input.ts';
import { identityTarget, inlineWrite, NO_WRITES, nothingAttributable, userKeyEffects } from './target.ts';

export const REVOKE_SESSIONS_POLICY = `${GUARDRAIL_POLICY_PREFIX}RevokeSessions`;

/**
 * Deny everything to the selected credentials issued before `revokeBefore`; no condition: all of them. A
 * selection that already bounds the issue time (one exact session) keeps the earlier bound. `ifExists`: also
 * requests without an issue time (an IAM user's long-term key through the MCP server).
 */
export function revokeStatement({ sid, condition }: AgentCondition, revokeBefore: number, ifExists = false): PolicyStatement {
  const cutOff = new Date(revokeBefore).toISOString();
  const bounded = (condition.DateLessThan as Record<string, string> | undefined)?.['aws:TokenIssueTime'];
  const before = bounded && bounded < cutOff ? bounded : cutOff;
  const operator = ifExists ? 'DateLessThanIfExists' : 'DateLessThan';
  const { DateLessThan: _replaced, ...rest } = condition;
  return { Sid: `Revoke${sid}`, Effect: 'Deny', Action: '*', Resource: '*', Condition: { ...rest, [operator]: { 'aws:TokenIssueTime': before } } };
}

/**
 * revoke-sessions: deny everything to the agent's credentials issued before the violation
 * (aws:TokenIssueTime, the documented way to revoke role sessions): those carrying its IAM-visible signals
 * and its exact sessions, so a person on the role keeps working. The whole role's or user's sessions (and the
 * user's long-term keys deactivated) only where the scope is the identity.
 * @example buildRevokeSessions(input).writes[0].document.Statement[0].Condition.DateLessThan
 */
export const buildRevokeSessions: ResponseBuilder = (input) => {
  const target = identityTarget(input.principal);
  if ('cannotContain' in target) return { ...NO_WRITES, cannotContain: target.cannotContain };
  const selection = selectionOf(input);
  if (!selection.whole && selection.conditions.length === 0) return nothingAttributable(input.principal);
  const selected = selection.whole ? [{ sid: 'All', condition: {} }] : selection.conditions;
  // An IAM user's agent through the MCP server may sign with the user's long-term key, which has no issue time.
  // (A statement on one session bounds the issue time from below as well, so it never takes in such a key.)
  const ifExists = target.target === 'user' && !selection.whole;
  return {
    ...NO_WRITES,
    cannotContain: null,
    writes: [inlineWrite(target, REVOKE_SESSIONS_POLICY, document(selected.map((s) => revokeStatement(s, input.revokeBefore, ifExists))))],
    effects: selection.whole ? userKeyEffects(target) : [],
  };
};
