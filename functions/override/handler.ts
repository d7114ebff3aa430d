import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { loadRuntimePolicy } from '../config/runtime-policy.ts';
import { documentClient } from '../aws/clients.ts';
import { createContainmentPorts } from '../aws/containment-ports.ts';
import { DynamoDbState } from '../aws/dynamodb-state.ts';
import { readRuntimeConfig } from '../aws/runtime-config.ts';
import { createSnsNotifier } from '../aws/sns-notifier.ts';
import { runOverride, type OverrideResult } from './override-command.ts';

const config = readRuntimeConfig();
const policy = await loadRuntimePolicy(config.POLICY_FILE);
const deps = {
  policy,
  ledger: new DynamoDbState(documentClient(), config.STATE_TABLE),
  ports: createContainmentPorts(config),
  notifier: createSnsNotifier(config.TOPIC_ARN),
  logger: new Logger({ serviceName: 'agent-guardrail-override' }),
  now: Date.now,
  newId: randomUUID,
  releaseGraceMs: config.RELEASE_GRACE_MINUTES * 60_000,
};

/** Operator → override: `aws lambda invoke --payload '{"command":...}'`. */
export async function handler(event: unknown): Promise<OverrideResult> {
  return runOverride(event, deps);
}
