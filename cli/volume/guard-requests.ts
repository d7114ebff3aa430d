/**
 * DynamoDB requests the guard makes for one forwarded event, as measured against moto through a recording
 * proxy (test/integration/guard-requests.test.ts keeps these figures true). Units assume items under 1 KB
 * (one write unit each) and eventually consistent reads of items under 4 KB (half a read unit each key).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/capacity-mode.html
 */
export interface GuardRequests {
  readonly reads: number;
  readonly writes: number;
  readonly readKeys: number;
}

/** Round trips one invocation waits for, one after another (test/integration/flood-cost.test.ts). */
export const CONTAINED_REPEAT_ROUNDS = 2;

export const GUARD_REQUESTS = {
  /**
   * A watched call no rule violates, by a person in a session the guard holds no record of (people's sessions
   * carry no agent signal, so none is recorded): the claim, one read of every state item it might need, the
   * call parked twice (by access key and by session name) in case an agent's AssumeRole arrives late, and the
   * completion. The parked copies hold the whole record (1–2 KB: up to 2 write units each).
   */
  benign: { reads: 1, writes: 4, readKeys: 8 },
  /** A session minted by a person or a service: the claim, the state read, two reads of calls parked for it, the completion. */
  session: { reads: 3, writes: 2, readKeys: 4 },
  /**
   * One more call of an agent whose response this execution environment saw applied (the flood a contained
   * agent makes; applied-responses.ts): the claim, the state read, and the completion noting `coalesced`. No
   * response claim, no ledger entry, no IAM call, no notification. (Before the memory: 5 writes in 4 rounds,
   * two of them on the principal's ledger partition.)
   */
  containedRepeat: { reads: 1, writes: 2, readKeys: 8 },
} as const satisfies Record<string, GuardRequests>;
