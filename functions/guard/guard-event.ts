import type { Logger } from '@aws-lambda-powertools/logger';
import { safeForLog } from '../core/safe-text.ts';
import { unwrapInput } from '../core/cloudtrail/unwrap-input.ts';
import { validateRecord } from '../core/cloudtrail/validate-record.ts';
import { createDetector } from '../core/detect/detector.ts';
import { GuardrailError } from '../core/errors.ts';
import { degradableState, type GuardState } from './degradable-state.ts';
import type { Finding } from '../core/detect/finding.ts';
import type { CompiledPolicy } from '../core/policy/compile-policy.ts';
import { applyResponse, reapplyContainment, type AppliedChange, type ApplyPorts } from '../core/respond/apply-response.ts';
import { roleNameWritten } from '../core/detect/tamper.ts';
import { TAMPER_RULE_ID } from '../core/policy/schema.ts';
import { buildResponse } from '../core/respond/build-response.ts';
import { responseKey } from '../core/respond/response-key.ts';
import { activeContainments, type Ledger, type LedgerEntry, type LedgerOutcome } from '../core/state/ledger.ts';

/** The state table failed during an event: containment went ahead without it; Lambda retries the event. */
export class StateUnavailableError extends GuardrailError {
  constructor(readonly operations: readonly string[], options?: { cause?: unknown }) {
    super(`state table unavailable during ${operations.join(', ')}; contained what the event itself shows`, options);
    this.name = 'StateUnavailableError';
  }
}
import type { Notifier } from '../aws/sns-notifier.ts';

export interface GuardDependencies {
  readonly policy: CompiledPolicy;
  /** Detection state and ledger (the DynamoDB table). */
  readonly state: GuardState;
  readonly ports: ApplyPorts;
  readonly notifier: Notifier;
  readonly logger: Logger;
  readonly newId: () => string;
  /** EMF metrics for the dashboard; optional so tests can leave them out. */
  readonly metrics?: GuardMetrics;
}

export interface GuardMetrics {
  count(name: 'Violations' | 'Containments' | 'ContainmentFailures' | 'Rejected'): void;
  /** Milliseconds from the call (CloudTrail eventTime) to containment in place. */
  timeToContain(ms: number): void;
}

/** How long a distinct response stays claimed; within it, the same response is not written again. */
const COALESCE_MS = 15 * 60_000;

export type GuardResult =
  | { readonly status: 'rejected'; readonly reason: string }
  | { readonly status: 'duplicate'; readonly eventID: string }
  | { readonly status: 'processed'; readonly eventID: string; readonly findings: readonly GuardFindingResult[] };

export interface GuardFindingResult {
  readonly eventID: string | null;
  readonly verdict: Finding['verdict'];
  readonly rule: string | null;
  readonly response: string | null;
  readonly outcome: LedgerOutcome | null;
  readonly late: boolean;
}

/**
 * The guard's work for one EventBridge event: validate, reject outsiders, claim the event id (one
 * response per event however often it is delivered), detect, contain each violation, ledger, notify.
 * A containment failure is ledgered and notified, the event claim is released and the error thrown,
 * so Lambda retries and the dead-letter queue keeps what retries could not fix.
 */
export async function guardEvent(event: unknown, given: GuardDependencies): Promise<GuardResult> {
  const { logger } = given;
  const stateFailures: { operation: string; error: unknown }[] = [];
  const state = degradableState(given.state, (operation, error) => {
    stateFailures.push({ operation, error });
    logger.error('state table call failed; containing without it', safeForLog({ operation, error: (error as Error).message }));
  });
  const deps: Deps = { ...given, state, ledger: state, detector: createDetector(given.policy, state) };
  const items = [...unwrapInput(event, 'event')];
  if (items.length !== 1 || items[0]!.kind !== 'record' || !items[0]!.envelope) {
    logger.warn('rejected event', safeForLog({ reason: 'not one EventBridge CloudTrail event' }));
    return { status: 'rejected', reason: 'not one EventBridge CloudTrail event' };
  }
  const validation = validateRecord(items[0]!);
  if (!validation.ok) {
    logger.warn('rejected event', safeForLog({ reason: validation.reason, eventID: validation.eventID }));
    deps.metrics?.count('Rejected');
    return { status: 'rejected', reason: validation.reason };
  }
  // Membership is enforced where events enter: the central bus admits only the organization's forwarding
  // roles (infra/constructs/central-bus.ts), and validation has checked that the envelope (set by
  // EventBridge in the forwarding account) and the record name the same account. Accounts that join later
  // are admitted without a redeploy.
  const record = validation.record;
  const account = record.recipientAccountId ?? record.userIdentity.accountId!;
  const at = Date.parse(record.eventTime);
  if (!(await deps.ledger.claimEvent(record.eventID, at))) {
    logger.info('duplicate delivery', safeForLog({ eventID: record.eventID }));
    return { status: 'duplicate', eventID: record.eventID };
  }

  try {
    const findings = await deps.detector.evaluate(record);
    const results: GuardFindingResult[] = [];
    let failure: unknown = null;
    for (const finding of findings) {
      const outcome = finding.verdict === 'violation' ? await respond(finding, deps).catch((error: unknown) => ((failure ??= error), 'failed' as const)) : null;
      results.push({ eventID: finding.eventID, verdict: finding.verdict, rule: finding.rule, response: finding.response, outcome, late: finding.late });
    }
    logger.info('event processed', safeForLog({ eventID: record.eventID, eventName: record.eventName, account, findings: results }));
    if (failure) throw failure;
    if (stateFailures.length > 0) {
      throw new StateUnavailableError([...new Set(stateFailures.map((f) => f.operation))], { cause: stateFailures[0]!.error });
    }
    return { status: 'processed', eventID: record.eventID, findings: results };
  } catch (error) {
    await deps.ledger.releaseEvent(record.eventID);
    throw error;
  }
}

/** The dependencies as used inside one event: state wrapped, detector and ledger over it. */
type Deps = GuardDependencies & { readonly ledger: Ledger; readonly detector: ReturnType<typeof createDetector> };

async function respond(finding: Finding, deps: Deps): Promise<LedgerOutcome> {
  const detail = finding.detail!;
  const principalArn = detail.principal.arn ?? detail.principal.display ?? 'unknown';
  const response = buildResponse(finding, deps.policy)!;
  const entry = (outcome: LedgerOutcome, reason: string, changes: readonly AppliedChange[] = []): LedgerEntry => ({
    id: deps.newId(),
    principalArn,
    account: detail.principal.account,
    at: Date.parse(detail.record.eventTime),
    source: 'guard',
    eventID: finding.eventID,
    rule: finding.rule,
    response: finding.response,
    outcome,
    reason,
    changes,
  });

  deps.metrics?.count('Violations');
  let key: string | undefined;
  let outcome: LedgerOutcome;
  let changes: AppliedChange[] = [];
  let failure: unknown = null;
  if (deps.policy.mode === 'monitor') {
    outcome = 'monitored';
  } else if (response.cannotContain) {
    outcome = 'not-contained';
  } else if (response.writes.length === 0) {
    outcome = 'monitored';
  } else if (!(await deps.ledger.claimResponse(principalArn, (key = responseKey(response)), Date.now(), COALESCE_MS))) {
    // Another invocation holds or has applied this very response: one IAM write per distinct response.
    await deps.ledger.write(entry('coalesced', `${finding.reason} Same response already applied or in progress.`));
    return 'coalesced';
  } else {
    await deps.ledger.write(entry('intent', finding.reason));
    try {
      changes = await applyResponse(response, deps.ports);
      outcome = 'contained';
      deps.metrics?.count('Containments');
      deps.metrics?.timeToContain(Date.now() - Date.parse(detail.record.eventTime));
      if (finding.response === 'quarantine-role' && detail.principal.arn) await deps.ledger.markQuarantined(detail.principal.arn, true);
    } catch (error) {
      changes = ((error as { applied?: AppliedChange[] }).applied ?? []);
      outcome = 'failed';
      failure = error;
      await deps.ledger.releaseResponse(principalArn, key);
      deps.metrics?.count('ContainmentFailures');
    }
  }
  if (finding.rule === TAMPER_RULE_ID && deps.policy.mode === 'enforce') await restoreTampered(finding, deps);
  const reason = failure ? `${finding.reason} Containment failed: ${(failure as Error).message}` : response.cannotContain ? `${finding.reason} ${response.cannotContain}` : finding.reason;
  await deps.ledger.write(entry(outcome, reason, changes));
  try {
    await deps.notifier.notify(`agent-guardrail ${outcome}: ${finding.rule} in ${detail.principal.account}`, {
      outcome,
      eventID: finding.eventID,
      rule: finding.rule,
      response: finding.response,
      principal: principalArn,
      signals: finding.signals,
      reason,
      late: finding.late,
    });
  } catch (error) {
    // Containment stands; a lost notification is logged loudly (the ledger has the finding).
    deps.logger.error('notification failed', safeForLog({ eventID: finding.eventID, error: (error as Error).message }));
  }
  if (failure) throw failure;
  return outcome;
}

/**
 * Tampering removed or changed a guardrail document or tag on a role: put back what the ledger says the
 * guardrail last wrote there. Ledgered as its own entry.
 */
async function restoreTampered(finding: Finding, deps: Deps): Promise<void> {
  const record = finding.detail!.record;
  const roleName = roleNameWritten(record);
  if (!roleName) return;
  const account = record.recipientAccountId ?? record.userIdentity.accountId!;
  const roleArn = `arn:${finding.detail!.principal.partition}:iam::${account}:role/${roleName}`;
  const changes = activeContainments(await deps.ledger.entriesFor(roleArn)).flatMap((e) => e.changes);
  if (changes.length === 0) return;
  const reapplied = await reapplyContainment(changes, deps.ports);
  if (reapplied.length === 0) return;
  await deps.ledger.write({
    id: deps.newId(), principalArn: roleArn, account, at: Date.parse(record.eventTime), source: 'guard', eventID: finding.eventID,
    rule: TAMPER_RULE_ID, response: 're-apply', outcome: 'contained', reason: `re-applied after tampering: ${reapplied.join(', ')}`, changes: [],
  });
}
