import { describe, expect, it } from 'vitest';
import { SeenEventIds } from '../../../cli/replay/replay-findings.ts';

describe('SeenEventIds', () => {
  it('answers each ID once, UUIDs case-insensitively by their bytes, other IDs as written', () => {
    const seen = new SeenEventIds();
    expect(seen.add('a4efcfc5-c242-cc68-15ce-8c36c2059533')).toBe(true);
    expect(seen.add('A4EFCFC5-C242-CC68-15CE-8C36C2059533')).toBe(false);
    expect(seen.add('not-a-uuid')).toBe(true);
    expect(seen.add('not-a-uuid')).toBe(false);
  });

  it('remembers at most its bound, forgetting the oldest first', () => {
    const seen = new SeenEventIds(3);
    for (const id of ['e1', 'e2', 'e3', 'e4']) expect(seen.add(id)).toBe(true);
    // e1 was forgotten to make room; e2..e4 are still known.
    expect(seen.add('e1')).toBe(true);
    expect(seen.add('e4')).toBe(false);
  });
});
