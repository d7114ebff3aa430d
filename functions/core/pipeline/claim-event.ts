import type { EventClaim, Ledger } from '../state/ledger.ts';

/**
 * The claim stage: one containment per event however often it is delivered. The claim is a lease until
 * the invocation's deadline, so a timed-out or killed invocation does not swallow the event: Lambda retries
 * that invocation (timeouts and errors of asynchronous invocations are retried, then sent to the failure
 * destination: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html) and the
 * retry finds the lease run out. A concurrent duplicate therefore needs no retry of its own: it is answered
 * as a duplicate, not thrown, so it counts as no function error. Completed events answer redeliveries.
 * @returns `claimed` to go on; `completed` or `in-progress` for a redelivery the holder answers for
 */
export async function claimEvent(ledger: Ledger, eventID: string, now: number, deadline: number): Promise<EventClaim> {
  return ledger.claimEvent(eventID, now, deadline);
}
