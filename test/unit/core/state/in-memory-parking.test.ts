import { describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../../functions/core/cloudtrail/record-schema.ts';
import { PENDING_WAIT_MS } from '../../../../functions/core/state/guardrail-state.ts';
import { InMemoryState } from '../../../../functions/core/state/in-memory-state.ts';

const T0 = Date.parse('2026-11-20T09:00:00Z');
const record = (n: number) => ({ eventID: `e${n}`, eventTime: new Date(T0 + n * 1000).toISOString() }) as unknown as CloudTrailRecord;
const park = (state: InMemoryState, n: number, keys: string[]) => state.addPending(keys, { record: record(n), expiresAt: T0 + n * 1000 + PENDING_WAIT_MS });

describe('InMemoryState parked calls', () => {
  it('gives up the longest-waiting call beyond maxParked, counts it, and still returns the rest once each', async () => {
    const state = new InMemoryState({}, { maxParked: 3 });
    for (let n = 0; n < 5; n++) await park(state, n, [`ASIAKEY${n % 2}`, `AROA:s${n % 2}`]);
    expect(state.parkedGivenUp).toBe(2);
    const key0 = await state.takePending(['ASIAKEY0', 'AROA:s0'], T0);
    expect(key0.map((event) => event.record.eventID)).toEqual(['e2', 'e4']);
    expect(key0[0]!.record).toEqual(record(2));
    expect((await state.takePending(['AROA:s1'], T0)).map((event) => event.record.eventID)).toEqual(['e3']);
    // Taken calls free their room: three more fit without giving any up.
    for (let n = 5; n < 8; n++) await park(state, n, ['ASIAKEY9']);
    expect(state.parkedGivenUp).toBe(2);
  });

  it('drops calls whose wait ran out as later ones are parked', async () => {
    const state = new InMemoryState();
    await park(state, 0, ['ASIAKEY0']);
    await state.addPending(['ASIAKEY0'], { record: record(1), expiresAt: T0 + 2 * PENDING_WAIT_MS + 1000 });
    expect((await state.takePending(['ASIAKEY0'], T0)).map((event) => event.record.eventID)).toEqual(['e1']);
  });
});
