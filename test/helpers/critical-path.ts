import type { RecordedCall } from './recording-proxy.ts';

const IAM_WRITES = /^iam:(Put(Role|User)Policy|CreatePolicy|CreatePolicyVersion|Attach(Role|User)Policy)$/;

/** What happened before the first IAM write of a containment, from the calls a recording proxy saw. */
export interface CriticalPath {
  /** The longest chain of DynamoDB calls, each sent after the previous answered, done before the write. */
  readonly dynamoRoundTrips: number;
  /** IAM calls (reads) answered before the write was sent. */
  readonly iamCallsBefore: number;
  /** Calls of any kind before the write (sequential or not). */
  readonly callsBefore: number;
  /** The services those calls went to. */
  readonly servicesBefore: readonly string[];
  /** The first IAM write, with its time from the first call of the event. */
  readonly write: RecordedCall | null;
  readonly msToWrite: number | null;
  readonly timeline: string;
}

/**
 * The heaviest chain of calls each sent after the previous one answered: with the default weight, the round
 * trips an invocation waits for one after another; with latencies, the time they add up to.
 */
export function longestChain(calls: readonly RecordedCall[], weight: (call: RecordedCall) => number = () => 1): number {
  const sorted = [...calls].sort((a, b) => a.startedAt - b.startedAt);
  const chain = new Map<RecordedCall, number>();
  for (const call of sorted) chain.set(call, weight(call) + Math.max(0, ...sorted.filter((p) => p.endedAt <= call.startedAt && chain.has(p)).map((p) => chain.get(p)!)));
  return Math.max(0, ...chain.values());
}

export function criticalPath(calls: readonly RecordedCall[]): CriticalPath {
  const write = calls.filter((c) => IAM_WRITES.test(c.action)).sort((a, b) => a.startedAt - b.startedAt)[0] ?? null;
  const before = write ? calls.filter((c) => c.endedAt <= write.startedAt) : [...calls];
  const first = Math.min(...calls.map((c) => c.startedAt));
  return {
    dynamoRoundTrips: longestChain(before.filter((c) => c.service === 'dynamodb')),
    iamCallsBefore: before.filter((c) => c.service === 'iam').length,
    callsBefore: before.length,
    servicesBefore: [...new Set(before.map((c) => c.service))].sort(),
    write,
    msToWrite: write ? write.startedAt - first : null,
    timeline: [...calls].sort((a, b) => a.startedAt - b.startedAt).map((c) => `${(c.startedAt - first).toFixed(0)}-${(c.endedAt - first).toFixed(0)}ms ${c.action}`).join(' | '),
  };
}
