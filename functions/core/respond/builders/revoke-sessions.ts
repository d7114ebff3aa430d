import { GUARDRAIL_POLICY_PREFIX } from '../../detect/tamper.ts';
import { agentConditions, sessionCondition } from '../agent-conditions.ts';
import { document } from '../policy-document.ts';
import type { ResponseBuilder } from '../response-input.ts';
import { identityTarget, inlineWrite, NO_WRITES, userKeyEffects } from './target.ts';

export const REVOKE_SESSIONS_POLICY = `${GUARDRAIL_POLICY_PREFIX}RevokeSessions`;

/**
 * revoke-sessions: deny everything to credentials issued before the violation (aws:TokenIssueTime), the
 * documented way to revoke role sessions. Scoped to the agent's sessions by an IAM-expressible signal,
 * else to the one session (aws:userid), so a human on the role keeps working. For an IAM user the
 * access key the agent used is deactivated as well.
 * @example buildRevokeSessions(input).writes[0].document.Statement[0].Condition.DateLessThan
 */
export const buildRevokeSessions: ResponseBuilder = (input) => {
  const target = identityTarget(input.principal);
  if ('cannotContain' in target) return { ...NO_WRITES, cannotContain: target.cannotContain };
  const issuedBefore = { 'aws:TokenIssueTime': new Date(input.revokeBefore).toISOString() };
  const session = sessionCondition(input.principal);
  // The agent's own session always, beside its signals: an agent recognised by the MCP server (or a tag)
  // holds the same credentials outside it.
  // An IAM user's policy binds that user alone: all of its temporary and console sessions are cut off.
  const conditions = target.target === 'user' ? [] : [...agentConditions(input.signals, input.agents), ...(session ? [session] : [])];
  const statements =
    conditions.length > 0
      ? conditions.map(({ sid, condition }) => ({
          Sid: `Revoke${sid}`,
          Effect: 'Deny' as const,
          Action: '*',
          Resource: '*',
          Condition: { ...condition, DateLessThan: issuedBefore },
        }))
      : [{ Sid: 'RevokeAll', Effect: 'Deny' as const, Action: '*', Resource: '*', Condition: { DateLessThan: issuedBefore } }];
  return {
    ...NO_WRITES,
    cannotContain: null,
    writes: [inlineWrite(target, REVOKE_SESSIONS_POLICY, document(statements))],
    effects: userKeyEffects(target),
  };
};
