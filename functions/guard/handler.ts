import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { loadRuntimePolicy } from '../config/runtime-policy.ts';
import { documentClient } from '../aws/clients.ts';
import { createContainmentPorts } from '../aws/containment-ports.ts';
import { DynamoDbState } from '../aws/dynamodb-state.ts';
import { readRuntimeConfig } from '../aws/runtime-config.ts';
import { createSnsNotifier } from '../aws/sns-notifier.ts';
import { createEmfMetrics } from '../aws/emf-metrics.ts';
import { processEvent, type GuardResult } from '../core/pipeline/process-event.ts';
import { AppliedResponses } from '../core/pipeline/applied-responses.ts';

// Built once per container: configuration, policy, clients, state.
const config = readRuntimeConfig();
const logger = new Logger({ serviceName: 'agent-guardrail-guard' });
const policy = await loadRuntimePolicy(config.POLICY_FILE);
const metrics = createEmfMetrics('AgentGuardrail', 'guard');
const ports = createContainmentPorts(config);
const state = new DynamoDbState(documentClient(), config.STATE_TABLE);
const deps = {
  policy,
  state,
  ports,
  // Tags set before deployment are read once through the responder role and kept in the table.
  readRoleTags: async (account: string, roleName: string) => (await ports.iamFor(account)).getRoleTags(roleName),
  notifier: createSnsNotifier(config.TOPIC_ARN),
  logger,
  // Kept with the execution environment: a contained agent's flood is answered from it (applied-responses.ts).
  appliedResponses: new AppliedResponses(),
  newId: randomUUID,
  now: Date.now,
  metrics,
};

// Without a Lambda context (local runs), an invocation gets the function's configured timeout.
const DEFAULT_REMAINING_MS = 60_000;

/** EventBridge → guard: wiring only; the pipeline is core/pipeline/process-event.ts. */
export async function handler(event: unknown, context?: { getRemainingTimeInMillis?: () => number }): Promise<GuardResult> {
  const deadline = Date.now() + (context?.getRemainingTimeInMillis?.() ?? DEFAULT_REMAINING_MS);
  try {
    return await processEvent(event, deps, { deadline });
  } finally {
    await metrics.flush();
  }
}
