import type { Finding } from '../detect/finding.ts';
import type { AppliedChange } from '../respond/apply-response.ts';
import { takenKey, type GuardrailState } from '../state/guardrail-state.ts';
import type { Ledger } from '../state/ledger.ts';
import type { Containment } from './contain.ts';
import { ledgerEntry, principalArnOf, type EventContext } from './event-context.ts';
import { identityKeyOf } from './prefetch.ts';

/** How long a distinct response stays claimed once applied; within it, the same response is not written again. */
export const COALESCE_MS = 15 * 60_000;

/** Keeps in state what each inline change left in place (`restore`: what it replaced, after a release). */
export async function rememberDocuments(state: Pick<GuardrailState, 'recordWritten'>, changes: readonly AppliedChange[], restore = false): Promise<void> {
  await Promise.all(
    changes.map((c) =>
      c.kind === 'inline-policy' ? state.recordWritten(identityKeyOf(c.account, c.identity.target, c.identity.name), c.policyName, restore ? c.previous : c.document) : undefined,
    ),
  );
}

/**
 * The record stage, after the write: the ledger's result, the documents now in place, the quarantine
 * flag, and the response claim (held for the coalescing window when applied, given back when it failed),
 * all in parallel.
 */
export async function recordContainment(finding: Finding, containment: Containment, reason: string, ctx: EventContext): Promise<void> {
  const state: GuardrailState & Ledger = ctx.state;
  const principalArn = principalArnOf(finding);
  const contained = containment.outcome === 'contained';
  const key = containment.responseKey;
  await Promise.all([
    state.write(ledgerEntry(ctx, finding, containment.outcome, reason, containment.changes)),
    rememberDocuments(state, containment.changes),
    // Only a whole-role quarantine marks the role: an agent-scoped one leaves the people on it free to change it.
    contained && finding.response === 'quarantine-role' && finding.detail!.plan?.scope === 'role' && finding.detail!.principal.arn
      ? state.markQuarantined(finding.detail!.principal.arn, true)
      : undefined,
    key && contained ? state.confirmResponse(principalArn, key, ctx.now + COALESCE_MS) : undefined,
    // The agent's lineage is contained: a session it mints next is contained as it is minted (detector.ts).
    contained && finding.rule && finding.detail?.origin ? state.rememberContainedLineage(finding.detail.origin, finding.rule, Date.parse(finding.detail.record.eventTime)) : undefined,
    // What the containment took away: putting it back (a key re-activated, a password re-created) is tampering.
    ...containment.changes.map((c) => (c.kind === 'access-key' || c.kind === 'login-profile' ? state.rememberTaken(takenKey(c), ctx.now) : undefined)),
    key && !contained ? state.releaseResponse(principalArn, key) : undefined,
  ]);
}
