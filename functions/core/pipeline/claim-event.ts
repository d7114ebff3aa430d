import { GuardrailError } from '../errors.ts';
import type { Ledger } from '../state/ledger.ts';

/**
 * Another invocation holds this event's lease (a concurrent duplicate delivery). Thrown so that Lambda
 * retries the delivery later: by then the holder has completed (the retry is answered as a duplicate) or
 * its lease has run out (the retry does the work).
 */
export class EventInProgressError extends GuardrailError {
  constructor(readonly eventID: string) {
    super(`event ${eventID} is being processed by another invocation; retried later`);
    this.name = 'EventInProgressError';
  }
}

/**
 * The claim stage: one containment per event however often it is delivered. The claim is a lease until
 * the invocation's deadline, so a timed-out or killed invocation does not swallow the event: its retry
 * finds the lease run out and does the work. Completed events answer redeliveries.
 * @returns true to go on, false for a redelivery of completed work
 */
export async function claimEvent(ledger: Ledger, eventID: string, now: number, deadline: number): Promise<boolean> {
  const claim = await ledger.claimEvent(eventID, now, deadline);
  if (claim === 'in-progress') throw new EventInProgressError(eventID);
  return claim === 'claimed';
}
