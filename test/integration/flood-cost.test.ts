import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTAINED_REPEAT_ROUNDS, GUARD_REQUESTS } from '../../cli/volume/guard-requests.ts';
import { scenarioEvents } from './aws-fixture.ts';
import { guardOnMoto, type GuardHandler } from '../helpers/guard-on-moto.ts';
import { longestChain } from '../helpers/critical-path.ts';

// What one more call of an agent already contained costs the guard: the flood a contained agent can make.
const ACCOUNT = '666677778888';
const TABLE = 'guard-flood';

let guard: GuardHandler;
let proxy: Awaited<ReturnType<typeof guardOnMoto>>['proxy'];

beforeAll(async () => {
  ({ guard, proxy } = await guardOnMoto(TABLE, { [ACCOUNT]: ['DevOps'] }));
});
afterAll(() => proxy.close());

const repeat = (event: Record<string, unknown>, i: number) => {
  const detail = event.detail as Record<string, unknown>;
  const id = `flood-${i}-0000-4000-8000-000000000000`;
  return { ...event, id, detail: { ...detail, eventID: id, eventTime: new Date(Date.parse(detail.eventTime as string) + 1000 * (i + 1)).toISOString().replace(/\.\d+Z$/, 'Z'), errorCode: 'AccessDenied' } };
};

describe('a contained agent\'s next calls (the flood)', () => {
  it('cost the guard few requests and round trips once its session is contained', async () => {
    const [assume, put] = scenarioEvents('01-mcp-server-deletes-bucket', ACCOUNT);
    await guard(assume, { getRemainingTimeInMillis: () => 60_000 });
    const first = await guard(put, { getRemainingTimeInMillis: () => 60_000 });
    expect(first).toMatchObject({ status: 'processed', findings: [{ outcome: 'contained' }] });
    for (let i = 0; i < 3; i++) {
      proxy.calls.length = 0;
      const result = await guard(repeat(put!, i), { getRemainingTimeInMillis: () => 60_000 });
      // Still a violation (a denied attempt is one), answered as the response already applied: no IAM, no SNS.
      expect(result).toMatchObject({ status: 'processed', findings: [{ verdict: 'violation', outcome: 'coalesced' }] });
      expect(proxy.calls.map((c) => c.service).filter((s) => s !== 'dynamodb')).toEqual([]);
      const reads = proxy.calls.filter((c) => /Get|Query/.test(c.action));
      const readKeys = reads.reduce((n, c) => n + Object.values((c.params.RequestItems ?? {}) as Record<string, { Keys: unknown[] }>).reduce((k, t) => k + t.Keys.length, 0), 0);
      expect({ reads: reads.length, writes: proxy.calls.length - reads.length, readKeys }, proxy.calls.map((c) => c.action).join(', ')).toEqual(GUARD_REQUESTS.containedRepeat);
      expect(longestChain(proxy.calls)).toBe(CONTAINED_REPEAT_ROUNDS);
      // Nothing lost: the call and what became of it are on the event's own record.
      const completion = proxy.calls.find((c) => c.action === 'dynamodb:UpdateItem')!;
      expect(JSON.stringify(completion.params)).toContain('\\"outcome\\":\\"coalesced\\"');
    }
  });
});
