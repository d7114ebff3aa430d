import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { GuardrailError } from '../core/errors.ts';
import { RETRY } from './clients.ts';

export class ResponderRoleError extends GuardrailError {
  constructor(readonly roleArn: string, options?: { cause?: unknown }) {
    super(`cannot assume ${roleArn}: ${(options?.cause as Error | undefined)?.message ?? 'unknown error'}`, options);
    this.name = 'ResponderRoleError';
  }
}

// Refresh five minutes before expiry so a containment never starts with credentials about to lapse.
const REFRESH_MARGIN_MS = 5 * 60_000;
interface Cached {
  readonly credentials: Promise<AwsCredentialIdentity>;
  expiresAt: number;
}
const cache = new Map<string, Cached>();
let sts: STSClient | undefined;

async function assumeRole(roleArn: string, now: number): Promise<AwsCredentialIdentity> {
  let response;
  try {
    // STS is loaded on first use: most events never need it.
    const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
    sts ??= new STSClient({ ...RETRY });
    response = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'agent-guardrail', DurationSeconds: 3600 }));
  } catch (cause) {
    throw new ResponderRoleError(roleArn, { cause });
  }
  const c = response.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new ResponderRoleError(roleArn, { cause: new Error('no credentials returned') });
  const expiration = c.Expiration ?? new Date(now + 15 * 60_000);
  // `expiration` lets the SDK's credential memoization ask again before these lapse.
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration };
}

/**
 * Credentials of a role in another account, cached per container until shortly before they expire, so
 * a warm guard goes straight to the IAM write. Concurrent callers share one AssumeRole in flight (the
 * guard starts it as soon as an action matches a rule); a failed one is forgotten so the next call retries.
 */
export function assumeRoleCached(roleArn: string, now: number = Date.now()): Promise<AwsCredentialIdentity> {
  const cached = cache.get(roleArn);
  if (cached && cached.expiresAt - REFRESH_MARGIN_MS > now) return cached.credentials;
  const entry: Cached = { credentials: assumeRole(roleArn, now), expiresAt: Number.POSITIVE_INFINITY };
  cache.set(roleArn, entry);
  entry.credentials.then(
    (credentials) => (entry.expiresAt = credentials.expiration!.getTime()),
    () => cache.get(roleArn) === entry && cache.delete(roleArn),
  );
  return entry.credentials;
}

/** For tests: forget cached credentials. */
export function clearCredentialCache(): void {
  cache.clear();
}
