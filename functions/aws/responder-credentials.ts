import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { GuardrailError } from '../core/errors.ts';
import { stsClient } from './clients.ts';

export class ResponderRoleError extends GuardrailError {
  constructor(readonly roleArn: string, options?: { cause?: unknown }) {
    super(`cannot assume ${roleArn}: ${(options?.cause as Error | undefined)?.message ?? 'unknown error'}`, options);
    this.name = 'ResponderRoleError';
  }
}

// Refresh five minutes before expiry so a containment never starts with credentials about to lapse.
const REFRESH_MARGIN_MS = 5 * 60_000;
const cache = new Map<string, { credentials: AwsCredentialIdentity; expiresAt: number }>();

/**
 * Credentials of a role in another account, cached per container until shortly before they expire, so
 * a warm guard goes straight to the IAM write.
 */
export async function assumeRoleCached(roleArn: string, now: number = Date.now()): Promise<AwsCredentialIdentity> {
  const cached = cache.get(roleArn);
  if (cached && cached.expiresAt - REFRESH_MARGIN_MS > now) return cached.credentials;
  let response;
  try {
    response = await stsClient().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'agent-guardrail', DurationSeconds: 3600 }));
  } catch (cause) {
    throw new ResponderRoleError(roleArn, { cause });
  }
  const c = response.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new ResponderRoleError(roleArn, { cause: new Error('no credentials returned') });
  const credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  cache.set(roleArn, { credentials, expiresAt: c.Expiration?.getTime() ?? now + 15 * 60_000 });
  return credentials;
}

/** For tests: forget cached credentials. */
export function clearCredentialCache(): void {
  cache.clear();
}
