import { describe, expect, it } from 'vitest';
import { AppliedResponses, REMEMBER_MS } from '../../../../functions/core/pipeline/applied-responses.ts';

describe('AppliedResponses', () => {
  it('remembers a response for REMEMBER_MS, then forgets it', () => {
    const memory = new AppliedResponses();
    memory.remember('r1', 1_000);
    expect(memory.applied('r1', 1_000 + REMEMBER_MS - 1)).toBe(true);
    expect(memory.applied('r1', 1_000 + REMEMBER_MS)).toBe(false);
    expect(memory.applied('r2', 1_000)).toBe(false);
    memory.remember('r3', 0);
    memory.forget('r3');
    expect(memory.applied('r3', 1)).toBe(false);
  });

  it('holds at most 1,000 responses whatever the traffic, the oldest dropped first', () => {
    const memory = new AppliedResponses();
    for (let i = 0; i < 1_500; i++) memory.remember(`r${i}`, 0);
    expect(memory.applied('r0', 1)).toBe(false);
    expect(memory.applied('r499', 1)).toBe(false);
    expect(memory.applied('r500', 1)).toBe(true);
    expect(memory.applied('r1499', 1)).toBe(true);
  });
});
