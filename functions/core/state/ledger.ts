import type { AppliedChange } from '../respond/apply-response.ts';

export type LedgerOutcome = 'intent' | 'contained' | 'coalesced' | 'failed' | 'monitored' | 'not-contained' | 'released' | 'exempted';

export type EventClaim = 'claimed' | 'completed' | 'in-progress';

export interface ResponseClaim {
  readonly principalArn: string;
  readonly responseKey: string;
  readonly now: number;
  readonly leaseUntil: number;
}

/** One response, or one operator command, as recorded: intent first, result after. */
export interface LedgerEntry {
  readonly id: string;
  readonly principalArn: string;
  readonly account: string;
  readonly at: number;
  readonly source: 'guard' | 'override';
  readonly eventID: string | null;
  readonly rule: string | null;
  readonly response: string | null;
  readonly outcome: LedgerOutcome;
  readonly reason: string;
  /** What each applied write replaced, so release restores it exactly. */
  readonly changes: readonly AppliedChange[];
  readonly operator?: string;
  readonly ticket?: string;
}

/** The durable record of every response and override, with event-level idempotency. */
export interface Ledger {
  /**
   * Claims an event for one invocation until `leaseUntil` (the invocation's deadline): `claimed` the first
   * time, or when an earlier claim's lease ran out without completing (the invocation timed out or was
   * killed: the retry does the work); `completed` for a redelivery of done work; `in-progress` while
   * another invocation holds the lease.
   */
  claimEvent(eventID: string, now: number, leaseUntil: number): Promise<EventClaim>;
  /**
   * The event's work is done: later deliveries are answered `completed`. `note`: what became of its
   * violations, kept on the event's record (for those answered without a ledger entry: applied-responses.ts).
   */
  completeEvent(eventID: string, now: number, note?: string): Promise<void>;
  /** Lets a failed event be processed again by the next delivery (Lambda retry). */
  releaseEvent(eventID: string): Promise<void>;
  write(entry: LedgerEntry): Promise<void>;
  /** Entries of a principal, oldest first. */
  entriesFor(principalArn: string): Promise<LedgerEntry[]>;
  addExemption(principalArn: string, until: number, reason: string): Promise<void>;
  /**
   * Claims one distinct response (same principal, same documents) so that a storm of events calling for
   * it writes IAM once, and writes the ledger's intent entry beside it (one round trip): false when
   * another invocation holds the claim or applied the response within the coalescing window.
   * The claim lasts until `leaseUntil` (the invocation's deadline) unless confirmed: it never outlives a
   * write that did not happen.
   */
  claimResponse(claim: ResponseClaim, intent: LedgerEntry): Promise<boolean>;
  /** The response is in place: the claim now holds until `until`. */
  confirmResponse(principalArn: string, responseKey: string, until: number): Promise<void>;
  /** Gives a claim back (the response failed) or drops all claims of a principal (release). */
  releaseResponse(principalArn: string, responseKey?: string): Promise<void>;
  markQuarantined(roleArn: string, quarantined: boolean): Promise<void>;
}

/**
 * The containments in force for a principal: entries that changed something (including a failed
 * response's partial changes) after the last release.
 * @example activeContainments(await ledger.entriesFor(roleArn)).flatMap((e) => e.changes)
 */
export function activeContainments(entries: readonly LedgerEntry[]): LedgerEntry[] {
  const lastRelease = entries.map((e) => e.outcome).lastIndexOf('released');
  return entries.slice(lastRelease + 1).filter((e) => (e.outcome === 'contained' || e.outcome === 'failed') && e.changes.length > 0);
}
