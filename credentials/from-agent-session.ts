import { AssumeRoleCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { loadActionCatalogue } from '../functions/config/iam-data-catalogue.ts';
import { loadPolicyFile } from '../functions/config/load-policy-file.ts';
import { servicesOf } from '../functions/core/policy/schema.ts';
import { agentSessionPlan, AgentSessionError, type AgentSessionPlan } from './agent-session-plan.ts';

export interface AgentSessionOptions {
  /** The role the agent works in. */
  readonly roleArn: string;
  /** The agent's name: its session name and source identity (after the policy's first prefix). */
  readonly agentName: string;
  /** The guardrail policy; default ./guardrail.yaml. */
  readonly policyFile?: string;
  /** For the STS client that assumes the role (region, the base credentials, an endpoint). */
  readonly clientConfig?: STSClientConfig;
  /** Default 3600. */
  readonly durationSeconds?: number;
}

/** Credentials are renewed this long before they expire, so no call starts with credentials about to lapse. */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

export type AgentSessionProvider = AwsCredentialIdentityProvider & {
  /** What the AssumeRole carries, once the policy is read: tags, source identity, session policy, what it left out. */
  readonly plan: () => Promise<AgentSessionPlan>;
};

/**
 * An AWS SDK v3 credential provider for self-managed MCP servers and agent runners: it assumes `roleArn` with
 * every signal of the guardrail policy (session tags, all transitive; a source identity; a session policy that
 * denies the rules' actions), so the agent is recognised, and prevented where IAM can, by construction.
 * Credentials are cached and renewed five minutes before they expire; concurrent callers share one AssumeRole.
 * @example new S3Client({ credentials: fromAgentSession({ roleArn, agentName: 'coder' }) })
 */
export function fromAgentSession(options: AgentSessionOptions): AgentSessionProvider {
  let planned: Promise<AgentSessionPlan> | undefined;
  const plan = () => {
    planned ??= (async () => {
      const policy = await loadPolicyFile(options.policyFile ?? 'guardrail.yaml');
      return agentSessionPlan(policy, await loadActionCatalogue(servicesOf(policy.policy)), options.agentName);
    })();
    return planned;
  };
  const sts = new STSClient({ ...options.clientConfig });
  let current: { credentials: Promise<AwsCredentialIdentity>; renewAt: number } | undefined;

  async function assume(): Promise<AwsCredentialIdentity> {
    const p = await plan();
    const response = await sts.send(
      new AssumeRoleCommand({
        RoleArn: options.roleArn,
        RoleSessionName: p.roleSessionName,
        DurationSeconds: options.durationSeconds ?? 3600,
        ...(p.sourceIdentity ? { SourceIdentity: p.sourceIdentity } : {}),
        ...(p.tags.length > 0 ? { Tags: [...p.tags], TransitiveTagKeys: [...p.transitiveTagKeys] } : {}),
        Policy: JSON.stringify(p.sessionPolicy.document),
      }),
    );
    const c = response.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw new AgentSessionError(`AssumeRole of ${options.roleArn} returned no credentials`);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  }

  const provider = (async () => {
    if (current && Date.now() < current.renewAt) return current.credentials;
    const entry = { credentials: assume(), renewAt: Number.POSITIVE_INFINITY };
    current = entry;
    entry.credentials.then(
      (credentials) => (entry.renewAt = credentials.expiration!.getTime() - REFRESH_BEFORE_EXPIRY_MS),
      () => {
        if (current === entry) current = undefined;
      },
    );
    return entry.credentials;
  }) as AgentSessionProvider;
  return Object.assign(provider, { plan });
}
