import { poissonArrivals, runAsyncQueue, seeded, type Arrival } from './lambda-async-queue.ts';

/** One account's contained agent floods; another account's agent makes one violation; the organization's traffic goes on. */
export interface FairnessScenario {
  readonly concurrency: number;
  readonly baselinePerSecond: number;
  readonly baselineServiceMs: number;
  readonly floodPerSecond: number;
  readonly floodServiceMs: number;
  readonly seconds: number;
  /** The violation's invocation: until its IAM write is sent, and in all. */
  readonly violationWriteMs: number;
  readonly violationServiceMs: number;
}

export interface FairnessFigures {
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  readonly throttles: number;
  readonly peakBusy: number;
}

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/**
 * The violation's time to contain (from its arrival to its IAM write being sent) over `trials` runs, its
 * arrival placed at random in the middle of the window, with and without the flood.
 */
export function timeToContain(scenario: FairnessScenario, withFlood: boolean, trials: number, seed = 1): FairnessFigures {
  const times: number[] = [];
  let throttles = 0;
  let peakBusy = 0;
  const window = scenario.seconds * 1000;
  for (let trial = 0; trial < trials; trial++) {
    const random = seeded(seed + trial);
    const arrivals: Arrival[] = [
      ...poissonArrivals(random, scenario.baselinePerSecond, 0, window, scenario.baselineServiceMs),
      ...(withFlood ? poissonArrivals(random, scenario.floodPerSecond, 0, window, scenario.floodServiceMs) : []),
      { at: window * (0.25 + 0.5 * random()), serviceMs: scenario.violationServiceMs, watched: true },
    ];
    const run = runAsyncQueue(arrivals, scenario.concurrency, random);
    times.push(run.watchedWaitMs[0]! + scenario.violationWriteMs);
    throttles += run.throttles;
    peakBusy = Math.max(peakBusy, run.peakBusy);
  }
  times.sort((a, b) => a - b);
  return { medianMs: quantile(times, 0.5), p95Ms: quantile(times, 0.95), maxMs: times.at(-1)!, throttles, peakBusy };
}
