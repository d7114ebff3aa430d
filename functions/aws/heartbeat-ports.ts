import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import type { HeartbeatPorts } from '../core/heartbeat/run-heartbeat.ts';
import type { HeartbeatConfig } from '../heartbeat/heartbeat-config.ts';
import { accountsInScope } from './accounts-in-scope.ts';
import { RETRY } from './clients.ts';
import { globalEndpointRegion } from './global-endpoints.ts';
import { probeMember } from './member-forwarding-probe.ts';

/** The heartbeat's view of the organization: Organizations in this account, each member through its responder. */
export function createHeartbeatPorts(config: HeartbeatConfig): HeartbeatPorts {
  const organizations = new OrganizationsClient({ ...RETRY, region: globalEndpointRegion('organizations', config.PARTITION) });
  const sts = new STSClient({ ...RETRY });
  return {
    // The management account has the member stack too (as plain stacks: a StackSet never deploys there).
    accounts: async () => [...(await accountsInScope(organizations, config.DEPLOYMENT_TARGETS, config.MANAGEMENT_ACCOUNT)), config.MANAGEMENT_ACCOUNT].sort(),
    probe: (account) =>
      probeMember(sts, {
        account,
        regions: config.MEMBER_REGIONS,
        responderRoleArn: `arn:${config.PARTITION}:iam::${account}:role/${config.RESPONDER_ROLE_NAME}`,
        ruleNames: config.FORWARD_RULE_NAMES,
        partition: config.PARTITION,
      }),
  };
}
