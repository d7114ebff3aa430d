import { actionOf } from '../cloudtrail/action-names.ts';
import { unwrapInput } from '../cloudtrail/unwrap-input.ts';
import { validateRecord } from '../cloudtrail/validate-record.ts';
import { createDetector } from '../detect/detector.ts';
import type { Finding } from '../detect/finding.ts';
import { roleNameWritten } from '../detect/tamper.ts';
import { GuardrailError } from '../errors.ts';
import { safeForLog } from '../safe-text.ts';
import { degradableState } from '../state/degradable-state.ts';
import type { LedgerOutcome } from '../state/ledger.ts';
import { claimEvent } from './claim-event.ts';
import type { EventContext } from './event-context.ts';
import { prefetchKeys, withPrefetched } from './prefetch.ts';
import type { PipelineDependencies } from './ports.ts';
import { respondTo } from './respond.ts';
import { roleTagsOnMiss } from './role-tags-on-miss.ts';

/** The state table failed during an event: containment went ahead without it; Lambda retries the event. */
export class StateUnavailableError extends GuardrailError {
  constructor(readonly operations: readonly string[], options?: { cause?: unknown }) {
    super(`state table unavailable during ${operations.join(', ')}; contained what the event itself shows`, options);
    this.name = 'StateUnavailableError';
  }
}

export type GuardResult =
  | { readonly status: 'rejected'; readonly reason: string }
  /** A redelivery: of completed work, or of work another invocation holds (`inProgress`), which Lambda retries if it fails. */
  | { readonly status: 'duplicate'; readonly eventID: string; readonly inProgress?: true }
  | { readonly status: 'processed'; readonly eventID: string; readonly findings: readonly GuardFindingResult[] };

export interface GuardFindingResult {
  readonly eventID: string | null;
  readonly verdict: Finding['verdict'];
  readonly rule: string | null;
  readonly response: string | null;
  readonly outcome: LedgerOutcome | null;
  readonly late: boolean;
}

export interface Invocation {
  /** When the invocation must be done, epoch ms (Lambda: now + getRemainingTimeInMillis()). */
  readonly deadline: number;
}

/**
 * One EventBridge event through the pipeline: validate → claim (with the state reads, in parallel) →
 * detect → contain → record → notify. Outsiders and malformed events are rejected with a log line. A
 * containment failure is ledgered and notified, the event's claim given back and the error thrown, so
 * Lambda retries and the dead-letter queue keeps what retries could not fix.
 */
export async function processEvent(event: unknown, given: PipelineDependencies, invocation: Invocation): Promise<GuardResult> {
  const { logger, policy } = given;
  const items = [...unwrapInput(event, 'event')];
  if (items.length !== 1 || items[0]!.kind !== 'record' || !items[0]!.envelope) {
    logger.warn('rejected event', safeForLog({ reason: 'not one EventBridge CloudTrail event' }));
    return { status: 'rejected', reason: 'not one EventBridge CloudTrail event' };
  }
  const validation = validateRecord(items[0]!);
  if (!validation.ok) {
    logger.warn('rejected event', safeForLog({ reason: validation.reason, eventID: validation.eventID }));
    given.metrics?.count('Rejected');
    return { status: 'rejected', reason: validation.reason };
  }
  // Membership is enforced where events enter: the central bus admits only the organization's forwarding
  // roles (infra/constructs/central-bus.ts), and validation has checked that the envelope (set by
  // EventBridge in the forwarding account) and the record name the same account.
  const record = validation.record;
  const account = record.recipientAccountId ?? record.userIdentity.accountId!;
  const now = given.now();

  const stateFailures: { operation: string; error: unknown }[] = [];
  const stored = degradableState(given.state, (operation, error) => {
    stateFailures.push({ operation, error });
    logger.error('state table call failed; containing without it', safeForLog({ operation, error: (error as Error).message }));
  });
  // A call a rule watches may need the responder: its credentials are fetched while state is read.
  if (policy.mode === 'enforce' && (policy.rulesFor(actionOf(record.eventSource, record.eventName)).length > 0 || roleNameWritten(record))) {
    given.ports.warm?.(account);
  }
  // First round trip: the event's claim and every state item the event will read, in parallel.
  const keys = prefetchKeys(record, policy);
  const [claimed, prefetched] = await Promise.all([claimEvent(stored, record.eventID, now, invocation.deadline), stored.prefetch(keys, Date.parse(record.eventTime))]);
  if (claimed !== 'claimed') {
    const inProgress = claimed === 'in-progress';
    logger.info('duplicate delivery', safeForLog({ eventID: record.eventID, inProgress }));
    given.metrics?.count(inProgress ? 'DuplicateInProgress' : 'Duplicate');
    return inProgress ? { status: 'duplicate', eventID: record.eventID, inProgress } : { status: 'duplicate', eventID: record.eventID };
  }
  const known = await roleTagsOnMiss(keys, prefetched, given.readRoleTags, stored, logger);
  const ctx: EventContext = { deps: given, state: withPrefetched(stored, keys, known.prefetched), now, deadline: invocation.deadline };

  try {
    const findings = await createDetector(policy, ctx.state).evaluate(record);
    const results: GuardFindingResult[] = [];
    let failure: unknown = null;
    for (const finding of findings) {
      const outcome = finding.verdict === 'violation' ? await respondTo(finding, ctx).catch((error: unknown) => ((failure ??= error), 'failed' as const)) : null;
      results.push({ eventID: finding.eventID, verdict: finding.verdict, rule: finding.rule, response: finding.response, outcome, late: finding.late });
    }
    logger.info('event processed', safeForLog({ eventID: record.eventID, eventName: record.eventName, account, findings: results }));
    if (failure) throw failure;
    await known.keep();
    if (stateFailures.length > 0) {
      throw new StateUnavailableError([...new Set(stateFailures.map((f) => f.operation))], { cause: stateFailures[0]!.error });
    }
    // The event's violations and what became of them, on its own record.
    const violations = results.filter((r) => r.verdict === 'violation');
    await stored.completeEvent(record.eventID, given.now(), violations.length > 0 ? JSON.stringify(violations.map((r) => ({ rule: r.rule, response: r.response, outcome: r.outcome }))) : undefined);
    return { status: 'processed', eventID: record.eventID, findings: results };
  } catch (error) {
    await stored.releaseEvent(record.eventID);
    throw error;
  }
}
