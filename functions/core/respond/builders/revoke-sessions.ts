import { GUARDRAIL_POLICY_PREFIX } from '../../detect/tamper.ts';
import { agentConditions, lineageCondition, sessionCondition, type AgentCondition } from '../agent-conditions.ts';
import { document, type PolicyStatement } from '../policy-document.ts';
import type { ResponseBuilder } from '../response-input.ts';
import { identityTarget, inlineWrite, NO_WRITES, userKeyEffects } from './target.ts';

export const REVOKE_SESSIONS_POLICY = `${GUARDRAIL_POLICY_PREFIX}RevokeSessions`;

/** Deny everything to the selected credentials issued before `revokeBefore`; no condition: all of them. */
export function revokeStatement({ sid, condition }: AgentCondition, revokeBefore: number): PolicyStatement {
  return { Sid: `Revoke${sid}`, Effect: 'Deny', Action: '*', Resource: '*', Condition: { ...condition, DateLessThan: { 'aws:TokenIssueTime': new Date(revokeBefore).toISOString() } } };
}

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
  const session = sessionCondition(input.principal);
  // The agent's own session always, beside its signals: an agent recognised by the MCP server (or a tag)
  // holds the same credentials outside it.
  // An IAM user's policy binds that user alone: all of its temporary and console sessions are cut off.
  const lineage = lineageCondition(input.agentSessions ?? [], input.principal);
  const conditions = target.target === 'user' ? [] : [...agentConditions(input.signals, input.agents), ...(session ? [session] : []), ...(lineage ? [lineage] : [])];
  const statements = (conditions.length > 0 ? conditions : [{ sid: 'All', condition: {} }]).map((selected) => revokeStatement(selected, input.revokeBefore));
  return {
    ...NO_WRITES,
    cannotContain: null,
    writes: [inlineWrite(target, REVOKE_SESSIONS_POLICY, document(statements))],
    effects: userKeyEffects(target),
  };
};
