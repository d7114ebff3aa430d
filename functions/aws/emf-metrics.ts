import type { PipelineMetrics } from '../core/pipeline/ports.ts';

type Entry = readonly [name: string, unit: 'Count' | 'Milliseconds', value: number];

/**
 * Powertools Metrics (CloudWatch EMF), loaded only when an invocation has something to publish: most
 * events record nothing, and the module stays out of the cold start. Metrics are buffered during the
 * invocation and flushed as one EMF line at its end.
 */
export function createEmfMetrics(namespace: string, serviceName: string): PipelineMetrics & { flush(): Promise<void> } {
  const buffered: Entry[] = [];
  let loaded: Promise<import('@aws-lambda-powertools/metrics').Metrics> | undefined;
  return {
    count: (name) => void buffered.push([name, 'Count', 1]),
    timeToContain: (ms) => void buffered.push(['TimeToContain', 'Milliseconds', ms]),
    async flush() {
      if (buffered.length === 0) return;
      loaded ??= import('@aws-lambda-powertools/metrics').then(({ Metrics }) => new Metrics({ namespace, serviceName }));
      const metrics = await loaded;
      for (const [name, unit, value] of buffered.splice(0)) metrics.addMetric(name, unit, value);
      metrics.publishStoredMetrics();
    },
  };
}
