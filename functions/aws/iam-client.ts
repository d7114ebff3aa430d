import { IAMClient } from '@aws-sdk/client-iam';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { RETRY } from './clients.ts';
import { globalEndpointRegion, type Partition } from './global-endpoints.ts';

/**
 * IAM is global: one client per account at the partition's IAM endpoint, over a credential provider that
 * the SDK calls again when the credentials near their `expiration`, so the client (and its TLS
 * connection) outlives each set of responder credentials. Loaded on first use (dynamic import).
 */
export function iamClient(credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider, partition: Partition = 'aws'): IAMClient {
  return new IAMClient({ ...RETRY, region: globalEndpointRegion('iam', partition), credentials });
}
