/**
 * A discrete-event model of Lambda's asynchronous invocation of one function with reserved concurrency:
 * an event runs when an execution slot is free; when none is, the invocation is throttled and Lambda retries
 * it with an interval that grows exponentially from 1 second to at most 5 minutes (for up to 6 hours).
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
 * Where in each interval a retry lands is not documented: uniformly in its second half here (seeded).
 */
export interface Arrival {
  readonly at: number;
  readonly serviceMs: number;
  /** The event whose time to contain is measured. */
  readonly watched?: boolean;
}

export interface QueueRun {
  /** For each watched event, from its arrival to the start of the invocation that ran it. */
  readonly watchedWaitMs: readonly number[];
  readonly throttles: number;
  readonly peakBusy: number;
}

const MAX_RETRY_MS = 300_000;

/** A seeded generator (mulberry32): runs are repeatable. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Poisson arrivals at `perSecond` over [from, to) ms, each taking `serviceMs`. */
export function poissonArrivals(random: () => number, perSecond: number, from: number, to: number, serviceMs: number): Arrival[] {
  const arrivals: Arrival[] = [];
  for (let t = from - (Math.log(1 - random()) * 1000) / perSecond; t < to; t -= (Math.log(1 - random()) * 1000) / perSecond) arrivals.push({ at: t, serviceMs });
  return arrivals;
}

interface Pending {
  readonly at: number;
  readonly kind: 'try' | 'done';
  readonly arrival: Arrival;
  readonly attempt: number;
}

/** Runs the arrivals through `concurrency` execution slots. */
export function runAsyncQueue(arrivals: readonly Arrival[], concurrency: number, random: () => number): QueueRun {
  const heap = new MinHeap<Pending>((a, b) => a.at - b.at || (a.kind === 'done' ? -1 : 1) - (b.kind === 'done' ? -1 : 1));
  for (const arrival of arrivals) heap.push({ at: arrival.at, kind: 'try', arrival, attempt: 0 });
  let busy = 0;
  let peakBusy = 0;
  let throttles = 0;
  const watchedWaitMs: number[] = [];
  while (heap.size > 0) {
    const next = heap.pop()!;
    if (next.kind === 'done') {
      busy -= 1;
      continue;
    }
    if (busy < concurrency) {
      busy += 1;
      peakBusy = Math.max(peakBusy, busy);
      if (next.arrival.watched) watchedWaitMs.push(next.at - next.arrival.at);
      heap.push({ at: next.at + next.arrival.serviceMs, kind: 'done', arrival: next.arrival, attempt: next.attempt });
      continue;
    }
    throttles += 1;
    const interval = Math.min(MAX_RETRY_MS, 1000 * 2 ** next.attempt);
    heap.push({ at: next.at + interval * (0.5 + 0.5 * random()), kind: 'try', arrival: next.arrival, attempt: next.attempt + 1 });
  }
  return { watchedWaitMs, throttles, peakBusy };
}

class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly compare: (a: T, b: T) => number) {}
  get size(): number {
    return this.items.length;
  }
  push(item: T): void {
    const items = this.items;
    items.push(item);
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (this.compare(items[i]!, items[parent]!) >= 0) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }
  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < items.length && this.compare(items[l]!, items[smallest]!) < 0) smallest = l;
        if (r < items.length && this.compare(items[r]!, items[smallest]!) < 0) smallest = r;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest]!, items[i]!];
        i = smallest;
      }
    }
    return top;
  }
}
