import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { RETRY } from '../aws/clients.ts';
import { globalEndpointRegion } from '../aws/global-endpoints.ts';
import { runHeartbeat, type HeartbeatResult } from '../core/heartbeat/run-heartbeat.ts';
import { HEARTBEAT_METRICS } from './heartbeat-metrics.ts';
import { accountsInScope } from './accounts-in-scope.ts';
import { readHeartbeatConfig } from './heartbeat-config.ts';
import { probeMember } from './probe-member.ts';


const config = readHeartbeatConfig();
const logger = new Logger({ serviceName: 'agent-guardrail-heartbeat' });
const metrics = new Metrics({ namespace: HEARTBEAT_METRICS.namespace, serviceName: HEARTBEAT_METRICS.service });
const organizations = new OrganizationsClient({ ...RETRY, region: globalEndpointRegion('organizations', config.PARTITION) });
const sts = new STSClient({ ...RETRY });

/**
 * EventBridge Scheduler → heartbeat. One metric per account (dimension Account: 1 silent, 0 heard), which
 * the stack's Metrics Insights alarm groups by account, so the alarm names the silent one; and one
 * HeartbeatCompleted, whose absence raises the other alarm (a heartbeat stopped is silence too).
 */
export async function handler(): Promise<HeartbeatResult> {
  const result = await runHeartbeat(
    {
      accounts: () => accountsInScope(organizations, config.DEPLOYMENT_TARGETS, config.MANAGEMENT_ACCOUNT),
      probe: (account) =>
        probeMember(sts, {
          account,
          regions: config.MEMBER_REGIONS,
          responderRoleArn: `arn:${config.PARTITION}:iam::${account}:role/${config.RESPONDER_ROLE_NAME}`,
          ruleNames: config.FORWARD_RULE_NAMES,
        }),
    },
    { ruleNames: config.FORWARD_RULE_NAMES, busArn: config.CENTRAL_BUS_ARN },
  );
  const silent = new Map(result.silent.map((s) => [s.account, s.problems]));
  for (const account of result.accounts) {
    const one = metrics.singleMetric();
    one.addDimension('Account', account);
    one.addMetric(HEARTBEAT_METRICS.silent, MetricUnit.Count, silent.has(account) ? 1 : 0);
  }
  for (const { account, problems } of result.silent) logger.error('account is silent to the guardrail', { account, problems });
  logger.info('heartbeat', { checked: result.accounts.length, silent: result.silent.length });
  metrics.addMetric(HEARTBEAT_METRICS.completed, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  return result;
}
