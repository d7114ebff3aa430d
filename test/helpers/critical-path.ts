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

export function criticalPath(calls: readonly RecordedCall[]): CriticalPath {
  const write = calls.filter((c) => IAM_WRITES.test(c.action)).sort((a, b) => a.startedAt - b.startedAt)[0] ?? null;
  const before = write ? calls.filter((c) => c.endedAt <= write.startedAt) : [...calls];
  const dynamo = before.filter((c) => c.service === 'dynamodb').sort((a, b) => a.startedAt - b.startedAt);
  // Longest chain of strictly sequential calls (each starts after the previous ended).
  const depth = new Map<RecordedCall, number>();
  for (const call of dynamo) depth.set(call, 1 + Math.max(0, ...dynamo.filter((p) => p.endedAt <= call.startedAt).map((p) => depth.get(p) ?? 0)));
  const first = Math.min(...calls.map((c) => c.startedAt));
  return {
    dynamoRoundTrips: Math.max(0, ...depth.values()),
    iamCallsBefore: before.filter((c) => c.service === 'iam').length,
    callsBefore: before.length,
    servicesBefore: [...new Set(before.map((c) => c.service))].sort(),
    write,
    msToWrite: write ? write.startedAt - first : null,
    timeline: [...calls].sort((a, b) => a.startedAt - b.startedAt).map((c) => `${(c.startedAt - first).toFixed(0)}-${(c.endedAt - first).toFixed(0)}ms ${c.action}`).join(' | '),
  };
}
