import type { Finding } from '../detect/finding.ts';
import { TAMPER_RULE_ID } from '../policy/constants.ts';
import { buildResponse } from '../respond/build-response.ts';
import type { LedgerOutcome } from '../state/ledger.ts';
import { contain } from './contain.ts';
import { principalArnOf, type EventContext } from './event-context.ts';
import { notifyOutcome } from './notify.ts';
import { recordContainment } from './record.ts';
import { restoreTampered } from './restore-tampered.ts';

/**
 * One violation through contain → record → notify. Record and notify run in parallel after the write.
 * A containment failure is ledgered and notified, then thrown (Lambda retries the event).
 */
export async function respondTo(finding: Finding, ctx: EventContext): Promise<LedgerOutcome> {
  const { deps } = ctx;
  const detail = finding.detail!;
  const response = buildResponse(finding, deps.policy, ctx.now)!;
  deps.metrics?.count('Violations');

  const containment = await contain(finding, response, ctx);
  // A call of an agent whose response this environment saw in place moments ago: logged and counted, and noted
  // on the event's own record (process-event.ts), with no write on the principal's ledger.
  if (containment.remembered) {
    deps.metrics?.count('AlreadyContained');
    return 'coalesced';
  }
  if (containment.outcome === 'contained') {
    deps.metrics?.count('Containments');
    deps.metrics?.timeToContain(deps.now() - Date.parse(detail.record.eventTime));
  }
  if (containment.outcome === 'failed') deps.metrics?.count('ContainmentFailures');
  if (finding.rule === TAMPER_RULE_ID && deps.policy.mode === 'enforce' && containment.outcome !== 'coalesced') await restoreTampered(finding, containment.changes, ctx);

  const failure = containment.failure as Error | null;
  const reason = failure
    ? `${finding.reason} Containment failed: ${failure.message}`
    : containment.outcome === 'coalesced'
      ? `${finding.reason} Same response already applied or in progress.`
      : response.cannotContain
        ? `${finding.reason} ${response.cannotContain}`
        : finding.reason;
  await Promise.all([
    recordContainment(finding, containment, reason, ctx),
    containment.outcome === 'coalesced'
      ? undefined
      : notifyOutcome(deps.notifier, deps.logger, `agent-guardrail ${containment.outcome}: ${finding.rule} in ${detail.principal.account}`, {
          outcome: containment.outcome,
          eventID: finding.eventID,
          rule: finding.rule,
          response: finding.response,
          principal: principalArnOf(finding),
          signals: finding.signals,
          reason,
          late: finding.late,
        }),
  ]);
  if (failure) throw failure;
  return containment.outcome;
}
