import { describe, expect, it } from 'vitest';
import { timeToContain } from '../../../bench/lib/fairness-scenario.ts';
import { poissonArrivals, runAsyncQueue, seeded } from '../../../bench/lib/lambda-async-queue.ts';

describe('the asynchronous-invocation model', () => {
  it('runs an event at once when a slot is free, and retries a throttled one after at least half a second, doubling', () => {
    const run = runAsyncQueue(
      [
        { at: 0, serviceMs: 5_000 },
        { at: 1, serviceMs: 10, watched: true },
      ],
      1,
      () => 0,
    );
    // Throttled at 1 ms, retried at 501 ms, 1,501 ms, 3,501 ms: the slot frees at 5,000 ms, taken at 7,501 ms.
    expect(run.throttles).toBe(4);
    expect(run.watchedWaitMs).toEqual([7_500]);
    expect(run.peakBusy).toBe(1);
  });

  it('draws Poisson arrivals at the rate asked (seeded, repeatable)', () => {
    const a = poissonArrivals(seeded(7), 1000, 0, 10_000, 1);
    expect(a.length).toBeGreaterThan(9_700);
    expect(a.length).toBeLessThan(10_300);
    expect(poissonArrivals(seeded(7), 1000, 0, 10_000, 1)).toEqual(a);
  });

  it('a flood within the reserved concurrency leaves the other violation\'s time to contain alone; past it, throttling and backoff delay it by seconds', () => {
    const scenario = { concurrency: 50, baselinePerSecond: 200, baselineServiceMs: 20, floodPerSecond: 1000, floodServiceMs: 25, seconds: 20, violationWriteMs: 40, violationServiceMs: 60 };
    const quiet = timeToContain(scenario, false, 20);
    const fits = timeToContain(scenario, true, 20);
    expect(quiet.medianMs).toBe(40);
    expect(fits.p95Ms).toBeLessThanOrEqual(2 * quiet.p95Ms);
    const overloaded = timeToContain({ ...scenario, floodServiceMs: 60 }, true, 20);
    expect(overloaded.throttles).toBeGreaterThan(0);
    expect(overloaded.p95Ms).toBeGreaterThan(1_000);
  });
});
