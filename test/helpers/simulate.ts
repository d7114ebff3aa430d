import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from '../../functions/core/respond/policy-document.ts';

export const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
export const FULL_AWS_ACCESS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

export interface Request {
  readonly principal: string;
  readonly action: string;
  readonly resource?: string;
  readonly context?: Record<string, string | string[]>;
}

/**
 * Evaluates a request with @cloud-copilot/iam-simulate (AGPL, test-only): the principal holds an
 * allow-all policy plus `identity` documents, under `scp` documents on its account when given.
 * Returns the outcome ('Allowed', 'ExplicitlyDenied', ...); throws if the simulator rejects a document.
 */
export async function evaluate(request: Request, identity: readonly PolicyDocument[], scp: readonly PolicyDocument[] = []): Promise<string> {
  const account = /::(\d{12}):/.exec(request.principal)![1]!;
  const result = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource ?? '*', accountId: account },
        contextVariables: request.context ?? {},
      },
      identityPolicies: [{ name: 'existing-allow', policy: ALLOW_ALL }, ...identity.map((policy, i) => ({ name: `guardrail-${i}`, policy }))],
      serviceControlPolicies: scp.length
        ? [
            { orgIdentifier: 'r-root', policies: [{ name: 'FullAWSAccess', policy: FULL_AWS_ACCESS }] },
            { orgIdentifier: account, policies: [{ name: 'FullAWSAccess', policy: FULL_AWS_ACCESS }, ...scp.map((policy, i) => ({ name: `guardrail-scp-${i}`, policy }))] },
          ]
        : [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`simulation rejected the input: ${JSON.stringify(result.errors)}`);
  if (result.resultType === 'single') return result.result.analysis.result;
  throw new Error(`unexpected simulation result ${result.resultType}`);
}
