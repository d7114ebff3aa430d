import { runSimulation } from '@cloud-copilot/iam-simulate';

export interface AuthorizationRequest {
  /** An IAM principal ARN, or a service principal such as events.amazonaws.com. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** The account that owns the resource. */
  readonly resourceAccount: string;
  readonly identityPolicies?: readonly { name: string; policy: unknown }[];
  readonly resourcePolicy?: unknown;
  readonly context?: Record<string, string | string[]>;
  readonly scps?: readonly unknown[];
}

/**
 * IAM's decision for one request with @cloud-copilot/iam-simulate (test-only, AGPL): the policies given,
 * the request context written out. Returns 'Allowed', 'ExplicitlyDenied', 'ImplicitlyDenied', ...
 */
export async function authorize(request: AuthorizationRequest): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: request.context ?? {},
      },
      identityPolicies: [...(request.identityPolicies ?? [])],
      resourcePolicy: request.resourcePolicy,
      serviceControlPolicies: request.scps?.length
        ? [
            { orgIdentifier: 'r-root', policies: [{ name: 'FullAWSAccess', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }] },
            { orgIdentifier: 'account', policies: request.scps.map((policy, i) => ({ name: `scp-${i}`, policy })) },
          ]
        : [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`simulation rejected the input: ${JSON.stringify(result.errors).slice(0, 500)}`);
  if (result.resultType !== 'single') throw new Error(`unexpected simulation result ${result.resultType}`);
  return result.result.analysis.result;
}
