/**
 * The per-role and per-lineage session indexes are one item each (one read in the event's batch), and a
 * DynamoDB item holds at most 400 KB (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html,
 * item size). They are kept well inside it: entries past their life are dropped in the write that finds them, and
 * of the live ones only the latest-living are kept, up to a count and a size. A containment binds at most 50
 * sessions of a role (agent-conditions.ts), so nothing it would use is dropped.
 */
export const INDEX_LIMITS = {
  /** Entries an index item keeps. */
  entries: 1_000,
  /** Bytes of entry names and values an index item keeps (DynamoDB counts both): 300 KB of the 400 KB. */
  bytes: 300_000,
} as const;

/** Bytes an entry takes in the item, as DynamoDB sizes a map entry: its name's UTF-8 length and a number (up to 21 bytes). */
const entryBytes = (name: string) => Buffer.byteLength(name, 'utf8') + 21;

export interface IndexPruning {
  /** Entry names to remove: past their life, or beyond the limits (the soonest-ending first). */
  readonly drop: readonly string[];
  /** When the last kept entry ends (epoch ms), for the item's TTL; null when none is kept. */
  readonly liveUntil: number | null;
}

/**
 * Which entries of an index to drop at `now`: every one past its life (`liveUntil` of its value), then the
 * soonest-ending live ones while the index is over INDEX_LIMITS.
 * @example pruneIndex({ a: 5, b: 20 }, (until) => until, 10).drop // ['a']
 */
export function pruneIndex(entries: Readonly<Record<string, number>>, liveUntil: (value: number) => number, now: number): IndexPruning {
  const live = Object.entries(entries)
    .filter(([, value]) => liveUntil(value) >= now)
    .sort(([, a], [, b]) => liveUntil(b) - liveUntil(a));
  const kept = new Set<string>();
  let bytes = 0;
  for (const [name] of live) {
    if (kept.size >= INDEX_LIMITS.entries || bytes + entryBytes(name) > INDEX_LIMITS.bytes) break;
    kept.add(name);
    bytes += entryBytes(name);
  }
  const drop = Object.keys(entries).filter((name) => !kept.has(name));
  const latest = live.find(([name]) => kept.has(name));
  return { drop, liveUntil: latest ? liveUntil(latest[1]) : null };
}
