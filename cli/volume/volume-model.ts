import type { EventRulePattern } from '../../functions/core/policy/compile-event-patterns.ts';
import { ASSUME_ROLE_EVENTS, TOKEN_EVENTS } from '../../functions/core/detect/observe-session.ts';
import { GUARD_REQUESTS } from './guard-requests.ts';
import { patternForwards } from './pattern-match.ts';
import { PRICES } from './prices.ts';
import type { VolumeProfile } from './volume-profile.ts';

/** AWS prices by the month of 730 hours. */
const SECONDS_PER_MONTH = 730 * 3600;

/** The guard as deployed: its memory, and what one invocation costs beyond DynamoDB (stated, not measured here). */
export interface GuardFigures {
  readonly memoryMb: number;
  /**
   * Billed milliseconds per event: the guard waits on DynamoDB for most of them. 36 ms: a benign event's chain
   * of calls at documented latencies plus its CPU, as bench/fairness.run.ts measures it.
   */
  readonly billedMsPerEvent: number;
  /** Log bytes per invocation: Lambda's START/END/REPORT lines and the guard's one line. */
  readonly logBytesPerEvent: number;
  readonly reservedConcurrency: number;
}

export const DEFAULT_GUARD: GuardFigures = { memoryMb: 512, billedMsPerEvent: 36, logBytesPerEvent: 900, reservedConcurrency: 200 };

export interface EventVolume {
  readonly event: string;
  readonly callsPerSecond: number;
  readonly forwardedPerSecond: number;
  readonly byAwsServicesPerSecond: number;
}

export interface VolumeEstimate {
  readonly profile: Pick<VolumeProfile, 'name' | 'source' | 'accounts' | 'regions'>;
  readonly events: readonly EventVolume[];
  readonly callsPerSecond: number;
  readonly forwardedPerSecond: number;
  readonly guardInvocationsPerSecond: number;
  /** Concurrent guard executions the forwarded rate keeps busy on average (Little's law). */
  readonly concurrencyNeeded: number;
  readonly reservedConcurrency: number;
  readonly dynamo: { readonly readsPerSecond: number; readonly writesPerSecond: number; readonly readUnitsPerSecond: number; readonly writeUnitsPerSecond: number };
  readonly monthlyUsd: { readonly eventBridge: number; readonly lambdaRequests: number; readonly lambdaDuration: number; readonly dynamoDb: number; readonly logs: number; readonly total: number };
}

const SESSION_EVENTS = new Set<string>([...ASSUME_ROLE_EVENTS, ...TOKEN_EVENTS].map((name) => `sts.amazonaws.com:${name}`));

/**
 * Forwarded events, guard invocations, DynamoDB requests and the monthly cost of a profile under the compiled
 * patterns. Each event is forwarded at most once: the member stack has one rule per service, and a call
 * matches its service's rule or none.
 */
export function estimateVolume(profile: VolumeProfile, patterns: readonly EventRulePattern[], guard: GuardFigures = DEFAULT_GUARD): VolumeEstimate {
  const events: EventVolume[] = profile.events.map((entry) => {
    const [eventSource, eventName] = entry.event.split(':') as [string, string];
    const forwardedShare = (requestParameters: Record<string, unknown>) =>
      patterns.some((p) => patternForwards(p.pattern, { eventSource, eventName, requestParameters })) ? 1 : 0;
    const variantShare = entry.variants.reduce((sum, v) => sum + v.share, 0);
    const share = entry.variants.reduce((sum, v) => sum + v.share * forwardedShare(v.requestParameters), 0) + Math.max(0, 1 - variantShare) * forwardedShare({});
    const callsPerSecond = entry.perAccountPerSecond * profile.accounts;
    return { event: entry.event, callsPerSecond, forwardedPerSecond: callsPerSecond * share, byAwsServicesPerSecond: callsPerSecond * share * entry.byAwsServices };
  });
  const forwardedPerSecond = sum(events.map((e) => e.forwardedPerSecond));
  let reads = 0;
  let writes = 0;
  let readKeys = 0;
  for (const e of events) {
    const cost = SESSION_EVENTS.has(e.event) ? GUARD_REQUESTS.session : GUARD_REQUESTS.benign;
    reads += e.forwardedPerSecond * cost.reads;
    writes += e.forwardedPerSecond * cost.writes;
    readKeys += e.forwardedPerSecond * cost.readKeys;
  }
  // Eventually consistent reads of items under 4 KB: half a unit a key; writes of items under 1 KB: one unit.
  const readUnits = readKeys * 0.5;
  const writeUnits = writes;
  const perMonth = (perSecond: number) => perSecond * SECONDS_PER_MONTH;
  const monthly = {
    eventBridge: (perMonth(forwardedPerSecond) / 1e6) * PRICES.crossAccountEventsPerMillion.usd,
    lambdaRequests: (perMonth(forwardedPerSecond) / 1e6) * PRICES.lambdaRequestsPerMillion.usd,
    lambdaDuration: perMonth(forwardedPerSecond) * (guard.billedMsPerEvent / 1000) * (guard.memoryMb / 1024) * PRICES.lambdaArmGbSecond.usd,
    dynamoDb: (perMonth(writeUnits) / 1e6) * PRICES.dynamoWriteUnitsPerMillion.usd + (perMonth(readUnits) / 1e6) * PRICES.dynamoReadUnitsPerMillion.usd,
    logs: ((perMonth(forwardedPerSecond) * guard.logBytesPerEvent) / 1024 ** 3) * PRICES.logsIngestedPerGb.usd,
  };
  return {
    profile: { name: profile.name, source: profile.source, accounts: profile.accounts, regions: profile.regions },
    events,
    callsPerSecond: sum(events.map((e) => e.callsPerSecond)),
    forwardedPerSecond,
    guardInvocationsPerSecond: forwardedPerSecond,
    concurrencyNeeded: forwardedPerSecond * (guard.billedMsPerEvent / 1000),
    reservedConcurrency: guard.reservedConcurrency,
    dynamo: { readsPerSecond: reads, writesPerSecond: writes, readUnitsPerSecond: readUnits, writeUnitsPerSecond: writeUnits },
    monthlyUsd: { ...monthly, total: sum(Object.values(monthly)) },
  };
}

/** The same patterns with their parameter filters taken out: what was forwarded before the filters. */
export function withoutParameterFilters(patterns: readonly EventRulePattern[]): EventRulePattern[] {
  return patterns.map((p) => {
    const { $or: _or, ...detail } = p.pattern.detail as EventRulePattern['pattern']['detail'] & { requestParameters?: unknown };
    delete (detail as { requestParameters?: unknown }).requestParameters;
    return { ...p, pattern: { ...p.pattern, detail } };
  });
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
