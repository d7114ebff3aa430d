/**
 * The responses this execution environment has seen applied, for a few seconds: a contained agent's next
 * calls (its flood) are answered from here, `coalesced`, without the response claim, the ledger entries or a
 * notification, so they neither crowd one partition of the table (the principal's ledger takes 1,000 writes a
 * second at most: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html)
 * nor lengthen the guard's invocations for other accounts. Lambda reuses an environment across invocations
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html), so under a flood nearly every
 * call finds its response here. The event's own record keeps what happened (its completion notes the outcome).
 *
 * The memory is short so that a release is not outlived: with `releaseGraceMinutes` 0, a violation within
 * REMEMBER_MS of a release in an environment that saw the response is answered `coalesced` instead of contained
 * again; the next call after that is contained. With the default grace (30 minutes) a release is never outlived.
 */
export const REMEMBER_MS = 10_000;
const MAX_REMEMBERED = 1_000;

export class AppliedResponses {
  private readonly until = new Map<string, number>();

  /** The response is in place (applied here, or found claimed by another invocation). */
  remember(responseKey: string, now: number): void {
    this.until.delete(responseKey);
    this.until.set(responseKey, now + REMEMBER_MS);
    // Oldest first: bounded whatever the traffic.
    if (this.until.size > MAX_REMEMBERED) this.until.delete(this.until.keys().next().value!);
  }

  /** Whether the response was seen in place within the last REMEMBER_MS. */
  applied(responseKey: string, now: number): boolean {
    const until = this.until.get(responseKey);
    if (until === undefined) return false;
    if (until > now) return true;
    this.until.delete(responseKey);
    return false;
  }

  /** Forgets a response (an operator's release seen by this environment). */
  forget(responseKey: string): void {
    this.until.delete(responseKey);
  }
}
