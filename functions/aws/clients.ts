import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { globalEndpointRegion, type Partition } from './global-endpoints.ts';

/**
 * Throttling and transient errors are retried by the SDK's adaptive retry strategy (exponential backoff
 * with full jitter, plus client-side rate limiting when AWS throttles): the library made for the job.
 */
export const RETRY = { retryMode: 'adaptive', maxAttempts: 6 } as const;

let sts: STSClient | undefined;
let documents: DynamoDBDocumentClient | undefined;

/** One STS client per container, in the function's own account. */
export function stsClient(): STSClient {
  sts ??= new STSClient({ ...RETRY });
  return sts;
}

/** One DynamoDB document client per container. */
export function documentClient(): DynamoDBDocumentClient {
  documents ??= DynamoDBDocumentClient.from(new DynamoDBClient({ ...RETRY }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documents;
}

/** IAM is global: one client per set of responder credentials, at the partition's IAM endpoint. */
export function iamClient(credentials: AwsCredentialIdentity, partition: Partition = 'aws'): IAMClient {
  return new IAMClient({ ...RETRY, region: globalEndpointRegion('iam', partition), credentials });
}
