import { assumeRoleCached } from './responder-credentials.ts';
import { ContainmentError, type ApplyPorts } from '../core/respond/apply-response.ts';
import type { IamPort } from '../core/respond/ports.ts';
import type { RuntimeConfig } from './runtime-config.ts';

/**
 * The responder role in each member account, and the SCP role in the management account. One IAM port
 * (one client, one connection) per account for the life of the container; its credentials refresh
 * through the provider. The IAM and Organizations clients load on first use.
 */
export function createContainmentPorts(config: RuntimeConfig): ApplyPorts & { warm(account: string): void } {
  const ports = new Map<string, Promise<IamPort>>();
  const responderArn = (account: string) => `arn:${config.PARTITION}:iam::${account}:role/${config.RESPONDER_ROLE_NAME}`;
  async function build(account: string): Promise<IamPort> {
    const [{ iamClient }, { createIamPort }] = await Promise.all([import('./iam-client.ts'), import('./iam-port.ts')]);
    const client = iamClient(() => assumeRoleCached(responderArn(account)), config.PARTITION);
    return createIamPort(client, account, config.PARTITION);
  }
  function iamFor(account: string): Promise<IamPort> {
    let port = ports.get(account);
    if (!port) {
      port = build(account);
      ports.set(account, port);
      port.catch(() => ports.delete(account));
    }
    return port;
  }
  return {
    async iamFor(account) {
      // The responder's credentials first, so that a role that cannot be assumed fails here, named.
      await assumeRoleCached(responderArn(account));
      return iamFor(account);
    },
    /** Starts the AssumeRole and the IAM client's loading before the response is known. */
    warm(account) {
      assumeRoleCached(responderArn(account)).catch(() => undefined);
      iamFor(account).catch(() => undefined);
    },
    async scp() {
      if (!config.SCP_ROLE_ARN) throw new ContainmentError('scp-deny needs SCP_ROLE_ARN (the management-account role); none is configured');
      const { createScpPort } = await import('./organizations-scp-port.ts');
      return createScpPort(await assumeRoleCached(config.SCP_ROLE_ARN), config.PARTITION);
    },
  };
}
