import { GUARDRAIL_POLICY_PREFIX, GUARDRAIL_TAG_PREFIX } from '../../detect/tamper.ts';
import { selectionOf } from '../agent-conditions.ts';
import { document } from '../policy-document.ts';
import type { ResponseBuilder } from '../response-input.ts';
import { identityTarget, inlineWrite, NO_WRITES, nothingAttributable, userKeyEffects } from './target.ts';

export const QUARANTINE_POLICY = `${GUARDRAIL_POLICY_PREFIX}Quarantine`;
export const QUARANTINE_TAG = `${GUARDRAIL_TAG_PREFIX}quarantined`;
/** Everything denied to the whole role or user. */
export const QUARANTINE_DOCUMENT = document([{ Sid: 'Quarantine', Effect: 'Deny', Action: '*', Resource: '*' }]);

/**
 * quarantine-role: deny everything to the agent. Where the identity exists only for agents (or the rule asks
 * for the identity), the whole role or user, tagged so that any change to it by anyone but the guardrail is
 * tampering, with the user's long-term keys deactivated; release restores what the ledger saved. Elsewhere the
 * agent's requests only (its IAM-visible signals, its exact sessions): the people on a shared role keep working
 * and the role is not marked.
 * @example buildQuarantineRole(input).writes[0].document.Statement // [{ Sid: 'Quarantine', Effect: 'Deny', Action: '*', ... }]
 */
export const buildQuarantineRole: ResponseBuilder = (input) => {
  const target = identityTarget(input.principal);
  if ('cannotContain' in target) return { ...NO_WRITES, cannotContain: target.cannotContain };
  const selection = selectionOf(input);
  if (!selection.whole) {
    if (selection.conditions.length === 0) return nothingAttributable(input.principal);
    const statements = selection.conditions.map(({ sid, condition }) => ({ Sid: `QuarantineAgent${sid}`, Effect: 'Deny' as const, Action: '*', Resource: '*', Condition: condition }));
    return { ...NO_WRITES, cannotContain: null, writes: [inlineWrite(target, QUARANTINE_POLICY, document(statements))] };
  }
  return {
    writes: [inlineWrite(target, QUARANTINE_POLICY, QUARANTINE_DOCUMENT)],
    roleTags: target.target === 'role' ? ({ [QUARANTINE_TAG]: new Date(input.at).toISOString() } as Record<string, string>) : {},
    effects: userKeyEffects(target),
    cannotContain: null,
  };
};
