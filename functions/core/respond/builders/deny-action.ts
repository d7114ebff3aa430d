import { createHash } from 'node:crypto';
import { GUARDRAIL_POLICY_PREFIX } from '../../detect/tamper.ts';
import { agentConditions, lineageCondition, sessionCondition } from '../agent-conditions.ts';
import { document, type PolicyStatement } from '../policy-document.ts';
import type { ResponseBuilder } from '../response-input.ts';
import { revokeStatement } from './revoke-sessions.ts';
import { identityTarget, inlineWrite, NO_WRITES } from './target.ts';

export const DENY_ACTION_POLICY = `${GUARDRAIL_POLICY_PREFIX}DenyActions`;

/**
 * deny-action: an inline policy denying the rule's actions (on the rule's resources). Agent-scoped by the
 * signals IAM can evaluate, so it outlives the session: a re-assumed agent session is still denied while
 * humans on the role are not. Without such a signal it binds the whole role or user.
 * @example buildDenyAction(input).writes[0].document.Statement[0].Action // ['iam:Put*Policy', ...]
 */
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

export const buildDenyAction: ResponseBuilder = (input) => {
  const target = identityTarget(input.principal);
  if ('cannotContain' in target) return { ...NO_WRITES, cannotContain: target.cannotContain };
  const { scopeTag, base } = ruleDeny(input.rule, input.action);
  const session = sessionCondition(input.principal);
  // Agent scope: the agent's signals, and its own session beside them: a chained session carries no session
  // tag (tags are not transitive unless asked for), so only aws:userid reaches it.
  const lineage = lineageCondition(input.agentSessions ?? [], input.principal);
  const own = [...(session ? [session] : []), ...(lineage ? [lineage] : [])];
  const conditions = input.scope === 'agent' ? [...agentConditions(input.signals, input.agents), ...own] : input.scope === 'session' && session ? own : [];
  const statements: PolicyStatement[] =
    conditions.length > 0
      ? conditions.map(({ sid, condition }) => ({ Sid: `DenyAgent${sid}${scopeTag}`, ...base, Condition: condition }))
      : [{ Sid: `DenyAll${scopeTag}`, ...base }];
  // Through the AWS MCP server the agent holds a person's session credentials, usable outside the server:
  // beside the MCP-scoped deny, revoke that session (the person signs in again; the agent's copy is dead).
  const viaMcp = input.signals.includes('mcp-service') || input.signals.includes('mcp-context');
  if (input.scope === 'agent' && viaMcp && session) statements.push(revokeStatement(session, input.revokeBefore));
  return { ...NO_WRITES, cannotContain: null, writes: [inlineWrite(target, DENY_ACTION_POLICY, document(statements))] };
};
