import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { createHeartbeatPorts } from '../aws/heartbeat-ports.ts';
import { runHeartbeat, type HeartbeatResult } from '../core/heartbeat/run-heartbeat.ts';
import { readHeartbeatConfig } from './heartbeat-config.ts';
import { HEARTBEAT_METRICS } from './heartbeat-names.ts';

const config = readHeartbeatConfig();
const logger = new Logger({ serviceName: 'agent-guardrail-heartbeat' });
const metrics = new Metrics({ namespace: HEARTBEAT_METRICS.namespace, serviceName: HEARTBEAT_METRICS.service });
const ports = createHeartbeatPorts(config);

/**
 * EventBridge Scheduler → heartbeat (wiring only; the check is core/heartbeat/). ForwardingSilent = 1 for each
 * silent account (dimension Account), which the stack's Metrics Insights alarm groups by account, so the alarm
 * names it; nothing for a healthy one (a custom metric per account of a large organization costs, and a
 * contributor without data is not in alarm). One HeartbeatCompleted per run, whose absence raises the other
 * alarm (a heartbeat stopped is silence too).
 */
export async function handler(): Promise<HeartbeatResult> {
  const result = await runHeartbeat(ports, { ruleNames: config.FORWARD_RULE_NAMES, busArn: config.CENTRAL_BUS_ARN });
  for (const { account } of result.silent) {
    const one = metrics.singleMetric();
    one.addDimension('Account', account);
    one.addMetric(HEARTBEAT_METRICS.silent, MetricUnit.Count, 1);
  }
  for (const { account, problems } of result.silent) logger.error('account is silent to the guardrail', { account, problems });
  logger.info('heartbeat', { checked: result.accounts.length, silent: result.silent.length });
  metrics.addMetric(HEARTBEAT_METRICS.completed, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  return result;
}
