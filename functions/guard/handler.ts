import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { loadRuntimePolicy } from '../config/runtime-policy.ts';
import { documentClient } from '../aws/clients.ts';
import { createContainmentPorts } from '../aws/containment-ports.ts';
import { DynamoDbState } from '../aws/dynamodb-state.ts';
import { readRuntimeConfig } from '../aws/runtime-config.ts';
import { createSnsNotifier } from '../aws/sns-notifier.ts';
import { guardEvent, type GuardResult } from './guard-event.ts';

// Built once per container: configuration, policy, clients, state.
const config = readRuntimeConfig();
const logger = new Logger({ serviceName: 'agent-guardrail-guard' });
const policy = await loadRuntimePolicy(config.POLICY_FILE);
const metrics = new Metrics({ namespace: 'AgentGuardrail', serviceName: 'guard' });
const state = new DynamoDbState(documentClient(), config.STATE_TABLE);
const deps = {
  policy,
  state,
  ports: createContainmentPorts(config),
  notifier: createSnsNotifier(config.TOPIC_ARN),
  organizationAccounts: new Set(config.ORGANIZATION_ACCOUNTS),
  logger,
  newId: randomUUID,
  metrics: {
    count: (name: string) => metrics.addMetric(name, MetricUnit.Count, 1),
    timeToContain: (ms: number) => metrics.addMetric('TimeToContain', MetricUnit.Milliseconds, ms),
  },
};

/** EventBridge → guard: thin; the work is in guardEvent. */
export async function handler(event: unknown): Promise<GuardResult> {
  try {
    return await guardEvent(event, deps);
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}
