import { GUARDRAIL_POLICY_PREFIX, GUARDRAIL_TAG_PREFIX } from '../../detect/tamper.ts';
import { document } from '../policy-document.ts';
import type { ResponseBuilder } from '../response-input.ts';
import { identityTarget, inlineWrite, NO_WRITES, userKeyEffects } from './target.ts';

export const QUARANTINE_POLICY = `${GUARDRAIL_POLICY_PREFIX}Quarantine`;
export const QUARANTINE_TAG = `${GUARDRAIL_TAG_PREFIX}quarantined`;
/** Everything denied to the whole role or user. */
export const QUARANTINE_DOCUMENT = document([{ Sid: 'Quarantine', Effect: 'Deny', Action: '*', Resource: '*' }]);

/**
 * quarantine-role: deny everything to the whole role (or user) and tag it, so that any change to it by
 * anyone but the guardrail is recognised as tampering. Release restores what the ledger saved.
 * @example buildQuarantineRole(input).writes[0].document.Statement // [{ Sid: 'Quarantine', Effect: 'Deny', Action: '*', ... }]
 */
export const buildQuarantineRole: ResponseBuilder = (input) => {
  const target = identityTarget(input.principal);
  if ('cannotContain' in target) return { ...NO_WRITES, cannotContain: target.cannotContain };
  return {
    writes: [inlineWrite(target, QUARANTINE_POLICY, QUARANTINE_DOCUMENT)],
    roleTags: target.target === 'role' ? ({ [QUARANTINE_TAG]: new Date(input.at).toISOString() } as Record<string, string>) : {},
    effects: userKeyEffects(target),
    cannotContain: null,
  };
};
