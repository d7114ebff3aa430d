import type { EventRulePattern } from '../../functions/core/policy/compile-event-patterns.ts';
import type { VolumeProfile } from './volume-profile.ts';

interface Tally {
  count: number;
  byAwsServices: number;
  variants: Map<string, { count: number; requestParameters: Record<string, unknown> }>;
}

/**
 * Counts CloudTrail records into a volume profile: each event name's rate per account per second over the
 * records' time span, the share AWS services made, and, for the request parameters the patterns filter on,
 * the share of each value seen. Feed it a day of the organization trail for a profile of the organization.
 */
export class ProfileFromTrail {
  private readonly tallies = new Map<string, Tally>();
  private readonly accounts = new Set<string>();
  private readonly regions = new Set<string>();
  private first = Infinity;
  private last = -Infinity;
  private readonly filteredKeys: Map<string, readonly string[]>;

  constructor(patterns: readonly EventRulePattern[]) {
    this.filteredKeys = filteredKeysOf(patterns);
  }

  add(record: unknown): void {
    const r = record as { eventSource?: unknown; eventName?: unknown; eventTime?: unknown; recipientAccountId?: unknown; awsRegion?: unknown; userIdentity?: { type?: unknown }; requestParameters?: unknown };
    if (typeof r.eventSource !== 'string' || typeof r.eventName !== 'string') return;
    const time = typeof r.eventTime === 'string' ? Date.parse(r.eventTime) : NaN;
    if (Number.isFinite(time)) {
      this.first = Math.min(this.first, time);
      this.last = Math.max(this.last, time);
    }
    if (typeof r.recipientAccountId === 'string') this.accounts.add(r.recipientAccountId);
    if (typeof r.awsRegion === 'string') this.regions.add(r.awsRegion);
    const event = `${r.eventSource}:${r.eventName}`;
    const tally = this.tallies.get(event) ?? { count: 0, byAwsServices: 0, variants: new Map() };
    tally.count += 1;
    if (r.userIdentity?.type === 'AWSService') tally.byAwsServices += 1;
    const keys = this.filteredKeys.get(event);
    if (keys) {
      const parameters = (typeof r.requestParameters === 'object' && r.requestParameters !== null ? r.requestParameters : {}) as Record<string, unknown>;
      const picked = Object.fromEntries(keys.filter((k) => k in parameters).map((k) => [k, parameters[k]]));
      const id = JSON.stringify(picked);
      const variant = tally.variants.get(id) ?? { count: 0, requestParameters: picked };
      variant.count += 1;
      tally.variants.set(id, variant);
    }
    this.tallies.set(event, tally);
  }

  /** The profile, or null when the records span no time (fewer than two distinct event times). */
  profile(source: string): VolumeProfile | null {
    const seconds = (this.last - this.first) / 1000;
    if (!(seconds > 0) || this.tallies.size === 0) return null;
    const accounts = Math.max(1, this.accounts.size);
    return {
      name: `${source} (${this.tallies.size} event names over ${Math.round(seconds / 3600)} h)`,
      source: `counted from ${source}`,
      accounts,
      regions: Math.max(1, this.regions.size),
      events: [...this.tallies.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([event, t]) => ({
          event,
          perAccountPerSecond: t.count / accounts / seconds,
          variants: [...t.variants.values()].map((v) => ({ share: v.count / t.count, requestParameters: v.requestParameters })),
          byAwsServices: t.byAwsServices / t.count,
        })),
    };
  }
}

/** For each event name a pattern filters on, the request parameters it filters by. */
function filteredKeysOf(patterns: readonly EventRulePattern[]): Map<string, readonly string[]> {
  const keys = new Map<string, string[]>();
  for (const p of patterns) {
    const branches = (p.pattern.detail.$or ?? []) as { eventName: unknown[]; requestParameters?: Record<string, unknown> }[];
    for (const branch of branches) {
      if (!branch.requestParameters) continue;
      for (const name of branch.eventName) {
        if (typeof name !== 'string') continue;
        const event = `${p.pattern.detail.eventSource[0]}:${name}`;
        keys.set(event, [...new Set([...(keys.get(event) ?? []), ...Object.keys(branch.requestParameters)])]);
      }
    }
  }
  return keys;
}
