import type { Finding } from '../detect/finding.ts';
import type { GuardState } from '../state/degradable-state.ts';
import type { LedgerEntry, LedgerOutcome } from '../state/ledger.ts';
import type { AppliedChange } from '../respond/apply-response.ts';
import type { PipelineDependencies } from './ports.ts';

/** One event's run through the pipeline: the dependencies, the state as the event sees it, its clock. */
export interface EventContext {
  readonly deps: PipelineDependencies;
  readonly state: GuardState;
  /** Wall clock at the start of the event, epoch ms. */
  readonly now: number;
  /** The invocation's deadline, epoch ms: leases taken for this event end here. */
  readonly deadline: number;
}

/** The principal a finding's response is about, as the ledger keys it. */
export function principalArnOf(finding: Finding): string {
  const principal = finding.detail!.principal;
  return principal.arn ?? principal.display ?? 'unknown';
}

/** A guard ledger entry for a finding. */
export function ledgerEntry(ctx: EventContext, finding: Finding, outcome: LedgerOutcome, reason: string, changes: readonly AppliedChange[] = []): LedgerEntry {
  const detail = finding.detail!;
  return {
    id: ctx.deps.newId(),
    principalArn: principalArnOf(finding),
    account: detail.principal.account,
    at: Date.parse(detail.record.eventTime),
    source: 'guard',
    eventID: finding.eventID,
    rule: finding.rule,
    response: finding.response,
    outcome,
    reason,
    changes,
  };
}
