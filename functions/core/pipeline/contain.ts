import type { Finding } from '../detect/finding.ts';
import { applyResponse, type AppliedChange, type KnownDocuments } from '../respond/apply-response.ts';
import type { GuardrailState } from '../state/guardrail-state.ts';
import type { IdentityRef } from '../respond/ports.ts';
import type { ResponseWrites } from '../respond/response-input.ts';
import { responseKey } from '../respond/response-key.ts';
import type { PolicyDocument } from '../respond/policy-document.ts';
import type { LedgerOutcome } from '../state/ledger.ts';
import { ledgerEntry, principalArnOf, type EventContext } from './event-context.ts';
import { identityKeyOf } from './prefetch.ts';

export interface Containment {
  readonly outcome: LedgerOutcome;
  readonly changes: readonly AppliedChange[];
  /** The claimed response, when one was claimed. */
  readonly responseKey: string | null;
  readonly failure: unknown;
  /** Coalesced from this environment's memory (applied-responses.ts): nothing was claimed or written. */
  readonly remembered?: true;
}

/** The guardrail's own documents on each identity the response writes to (from state; prefetched). */
export async function knownDocuments(response: ResponseWrites, state: Pick<GuardrailState, 'writtenDocuments'>): Promise<KnownDocuments> {
  const byIdentity = new Map<string, ReadonlyMap<string, PolicyDocument> | null>();
  for (const write of response.writes) {
    if (write.target !== 'role' && write.target !== 'user') continue;
    const key = identityKeyOf(write.account, write.target, write.name);
    if (!byIdentity.has(key)) byIdentity.set(key, await state.writtenDocuments(key));
  }
  return (account: string, identity: IdentityRef, policyName: string) => {
    const documents = byIdentity.get(identityKeyOf(account, identity.target, identity.name));
    return documents ? (documents.get(policyName) ?? null) : undefined;
  };
}

/**
 * The contain stage: claims the response (one IAM write per distinct response, the ledger's intent
 * in the same round trip) and applies it, merging with the documents state says the guardrail last wrote.
 * Never throws: a failure is returned for the record stage to ledger, then rethrown by the pipeline.
 */
export async function contain(finding: Finding, response: ResponseWrites, ctx: EventContext): Promise<Containment> {
  const none = { changes: [], responseKey: null, failure: null };
  if (ctx.deps.policy.mode === 'monitor') return { ...none, outcome: 'monitored' };
  if (response.cannotContain) return { ...none, outcome: 'not-contained' };
  if (response.writes.length === 0 && response.effects.length === 0) return { ...none, outcome: 'monitored' };

  const key = responseKey(response);
  const memory = ctx.deps.appliedResponses;
  if (memory?.applied(key, ctx.now)) return { ...none, outcome: 'coalesced', remembered: true };
  const claim = { principalArn: principalArnOf(finding), responseKey: key, now: ctx.now, leaseUntil: ctx.deadline };
  const [claimed, known] = await Promise.all([ctx.state.claimResponse(claim, ledgerEntry(ctx, finding, 'intent', finding.reason)), knownDocuments(response, ctx.state)]);
  // Another invocation holds or has applied this very response.
  if (!claimed) {
    memory?.remember(key, ctx.now);
    return { ...none, outcome: 'coalesced' };
  }
  try {
    const changes = await applyResponse(response, ctx.deps.ports, known);
    memory?.remember(key, ctx.now);
    return { outcome: 'contained', changes, responseKey: key, failure: null };
  } catch (error) {
    return { outcome: 'failed', changes: (error as { applied?: AppliedChange[] }).applied ?? [], responseKey: key, failure: error };
  }
}
