import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from '../../functions/core/respond/policy-document.ts';

export const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
export const FULL_AWS_ACCESS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

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
  /** SCPs on the principal's account, beside FullAWSAccess at the root and on the account. */
  readonly scps?: readonly unknown[];
  /** The session policy passed to AssumeRole: the session holds what both it and the role's policies allow. */
  readonly sessionPolicy?: unknown;
}

/**
 * IAM's decision for one request with @cloud-copilot/iam-simulate (AGPL, test-only): the policies given,
 * the request context written out. Returns 'Allowed', 'ExplicitlyDenied', 'ImplicitlyDenied', ...;
 * throws if the simulator rejects a document.
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
      ...(request.sessionPolicy ? { sessionPolicy: request.sessionPolicy } : {}),
      serviceControlPolicies: request.scps?.length
        ? [
            { orgIdentifier: 'r-root', policies: [{ name: 'FullAWSAccess', policy: FULL_AWS_ACCESS }] },
            { orgIdentifier: 'account', policies: [{ name: 'FullAWSAccess', policy: FULL_AWS_ACCESS }, ...request.scps.map((policy, i) => ({ name: `guardrail-scp-${i}`, policy }))] },
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

export interface Request {
  readonly principal: string;
  readonly action: string;
  readonly resource?: string;
  readonly context?: Record<string, string | string[]>;
}

/**
 * A principal holding an allow-all policy plus the guardrail's `identity` documents, under `scp` documents
 * on its account when given: what the guardrail's documents leave it able to do.
 */
export async function evaluate(request: Request, identity: readonly PolicyDocument[], scp: readonly PolicyDocument[] = []): Promise<string> {
  return authorize({
    principal: request.principal,
    action: request.action,
    resource: request.resource ?? '*',
    resourceAccount: /::(\d{12}):/.exec(request.principal)![1]!,
    identityPolicies: [{ name: 'existing-allow', policy: ALLOW_ALL }, ...identity.map((policy, i) => ({ name: `guardrail-${i}`, policy }))],
    context: request.context,
    scps: scp,
  });
}
