import type { AppliedChange } from '../respond/apply-response.ts';

export type LedgerOutcome = 'intent' | 'contained' | 'coalesced' | 'failed' | 'monitored' | 'not-contained' | 'released' | 'exempted';

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
  /** True the first time an event id is claimed; false for a redelivery. */
  claimEvent(eventID: string, at: number): Promise<boolean>;
  /** Lets a failed event be processed again by the next delivery (Lambda retry). */
  releaseEvent(eventID: string): Promise<void>;
  write(entry: LedgerEntry): Promise<void>;
  /** Entries of a principal, oldest first. */
  entriesFor(principalArn: string): Promise<LedgerEntry[]>;
  addExemption(principalArn: string, until: number, reason: string): Promise<void>;
  /**
   * Claims one distinct response (same principal, same documents) so that a storm of events calling for
   * it writes IAM once: false when another invocation holds or has applied it within `ttlMs`.
   */
  claimResponse(principalArn: string, responseKey: string, at: number, ttlMs: number): Promise<boolean>;
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
