import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Throttling and transient errors are retried by the SDK's adaptive retry strategy (exponential backoff
 * with full jitter, plus client-side rate limiting when AWS throttles): the library made for the job.
 */
export const RETRY = { retryMode: 'adaptive', maxAttempts: 6 } as const;

let documents: DynamoDBDocumentClient | undefined;

/**
 * One DynamoDB document client per container: the only client every event needs, so the only one loaded
 * at init. IAM, STS, SNS and Organizations are imported on first use (see iam-client.ts).
 */
export function documentClient(): DynamoDBDocumentClient {
  documents ??= DynamoDBDocumentClient.from(new DynamoDBClient({ ...RETRY }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documents;
}
