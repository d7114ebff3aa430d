import { iamClient } from './clients.ts';
import { createIamPort } from './iam-port.ts';
import { createScpPort } from './organizations-scp-port.ts';
import { assumeRoleCached } from './responder-credentials.ts';
import { ContainmentError, type ApplyPorts } from '../core/respond/apply-response.ts';
import type { IamPort } from '../core/respond/ports.ts';
import type { RuntimeConfig } from './runtime-config.ts';

/** The responder role in each member account, and the SCP role in the management account. */
export function createContainmentPorts(config: RuntimeConfig): ApplyPorts {
  const ports = new Map<string, { port: IamPort; credentials: unknown }>();
  return {
    async iamFor(account) {
      const credentials = await assumeRoleCached(`arn:${config.PARTITION}:iam::${account}:role/${config.RESPONDER_ROLE_NAME}`);
      const cached = ports.get(account);
      if (cached && cached.credentials === credentials) return cached.port;
      const port = createIamPort(iamClient(credentials, config.PARTITION), account, config.PARTITION);
      ports.set(account, { port, credentials });
      return port;
    },
    async scp() {
      if (!config.SCP_ROLE_ARN) throw new ContainmentError('scp-deny needs SCP_ROLE_ARN (the management-account role); none is configured');
      return createScpPort(await assumeRoleCached(config.SCP_ROLE_ARN), config.PARTITION);
    },
  };
}
