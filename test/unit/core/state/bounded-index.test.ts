import { describe, expect, it } from 'vitest';
import { INDEX_LIMITS, pruneIndex } from '../../../../functions/core/state/bounded-index.ts';

describe('a session index kept inside its item', () => {
  const untilOf = (value: number) => value;

  it('drops entries past their life, keeps the live ones, and names the latest end for the TTL', () => {
    expect(pruneIndex({ ended: 5, live: 20, later: 30 }, untilOf, 10)).toEqual({ drop: ['ended'], liveUntil: 30 });
    expect(pruneIndex({ ended: 5 }, untilOf, 10)).toEqual({ drop: ['ended'], liveUntil: null });
  });

  it('past the count, drops the soonest-ending live entries', () => {
    const entries = Object.fromEntries(Array.from({ length: INDEX_LIMITS.entries + 5 }, (_, i) => [`s${i}`, 1_000 + i]));
    const { drop } = pruneIndex(entries, untilOf, 0);
    expect(drop).toEqual(['s0', 's1', 's2', 's3', 's4']);
  });

  it('past the size, drops the soonest-ending live entries: the item stays far from 400 KB', () => {
    const name = (i: number) => `arn:aws:iam::111122223333:role/${'p/'.repeat(1_900)}r ${i}`;
    const entries = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [name(i), 1_000 + i]));
    const { drop } = pruneIndex(entries, untilOf, 0);
    const kept = Object.keys(entries).filter((n) => !drop.includes(n));
    expect(kept.reduce((sum, n) => sum + n.length + 21, 0)).toBeLessThanOrEqual(INDEX_LIMITS.bytes);
    expect(kept).toContain(name(119));
    expect(drop).toContain(name(0));
  });
});
