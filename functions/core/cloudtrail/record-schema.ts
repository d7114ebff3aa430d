import * as v from 'valibot';
import { ACCOUNT_ID, MAX_ARN_LENGTH, parseArn } from './arn.ts';

/**
 * The CloudTrail fields the engine reads, with the bounds a genuine record keeps. Anything else in the
 * record is dropped by parsing, so later code never sees unvalidated data (or keys like `__proto__`).
 * Valibot, not zod: this runs on every event and its modules load at the guard's cold start, where
 * valibot's per-function modules cost a fraction of zod's (bench/guard-bundle.mjs).
 */

// Bounds: IAM names ≤ 64 (session names, source identity), tag keys ≤ 128 and values ≤ 256, ARNs ≤ 2048.
// Free text (user agent, error codes) is capped generously; anything longer is not a CloudTrail record.
const MAX_TEXT = 1024;
const text = v.pipe(v.string(), v.maxLength(MAX_TEXT));
const accountId = v.pipe(v.string(), v.regex(ACCOUNT_ID, 'must be a 12-digit AWS account id'));
const arn = v.pipe(
  v.string(),
  v.maxLength(MAX_ARN_LENGTH),
  v.check((value) => parseArn(value) !== null, 'must be an ARN in an AWS partition'),
);
const isoTime = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/, 'must be an ISO 8601 UTC time'),
  v.check((value) => !Number.isNaN(Date.parse(value)), 'must be a real date'),
);
/**
 * STS responses carry live credentials (secret key, session token). Detection needs only the access key
 * id and expiry, so secrets are dropped at the edge: they can never reach state, the ledger or a log line.
 */
export function withoutSecrets(response: Record<string, unknown> | null | undefined): Record<string, unknown> | null | undefined {
  const credentials = response?.credentials;
  if (typeof credentials !== 'object' || credentials === null) return response;
  const { sessionToken: _token, secretAccessKey: _secret, ...kept } = credentials as Record<string, unknown>;
  return { ...response, credentials: kept };
}

const jsonObject = v.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  'must be a JSON object',
);

export const IDENTITY_TYPES = [
  'Root',
  'IAMUser',
  'AssumedRole',
  'Role',
  'FederatedUser',
  'Directory',
  'AWSAccount',
  'AWSService',
  'IdentityCenterUser',
  'SAMLUser',
  'WebIdentityUser',
  'Unknown',
] as const;

const sessionIssuerSchema = v.object({
  type: v.optional(text),
  principalId: v.optional(text),
  arn: v.optional(arn),
  accountId: v.optional(accountId),
  userName: v.optional(text),
});

const userIdentitySchema = v.object({
  type: v.picklist(IDENTITY_TYPES),
  principalId: v.optional(text),
  arn: v.optional(arn),
  accountId: v.optional(accountId),
  accessKeyId: v.optional(v.pipe(v.string(), v.maxLength(128))),
  userName: v.optional(text),
  invokedBy: v.optional(text),
  sessionContext: v.optional(
    v.object({
      sourceIdentity: v.optional(v.pipe(v.string(), v.maxLength(64))),
      sessionIssuer: v.optional(sessionIssuerSchema),
      // When the session's credentials were issued: IAM's aws:TokenIssueTime for the same session, which tells
      // two sessions apart that share a caller-chosen name.
      // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
      attributes: v.optional(v.object({ creationDate: v.optional(v.pipe(v.string(), v.maxLength(64))) })),
    }),
  ),
});

const resourceSchema = v.object({
  ARN: v.optional(text),
  arn: v.optional(text),
  accountId: v.optional(text),
  type: v.optional(text),
});

export const cloudTrailRecordSchema = v.object({
  eventID: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  eventTime: isoTime,
  eventSource: v.pipe(
    v.string(),
    v.maxLength(128),
    v.regex(/^[a-z0-9][a-z0-9.-]*\.amazonaws\.com$/, 'must be an AWS service endpoint (*.amazonaws.com)'),
  ),
  eventName: v.pipe(v.string(), v.regex(/^[A-Za-z][A-Za-z0-9_]{0,127}$/, 'must be an API name')),
  awsRegion: v.pipe(v.string(), v.regex(/^[a-z]{2,}(-[a-z0-9]+){1,4}$/, 'must be an AWS region name')),
  eventType: v.optional(text),
  readOnly: v.optional(v.boolean()),
  errorCode: v.optional(text),
  recipientAccountId: v.optional(accountId),
  sourceIPAddress: v.optional(text),
  userAgent: v.optional(v.pipe(v.string(), v.maxLength(4096))),
  userIdentity: userIdentitySchema,
  requestParameters: v.nullish(jsonObject),
  responseElements: v.pipe(v.nullish(jsonObject), v.transform(withoutSecrets)),
  additionalEventData: v.nullish(jsonObject),
  resources: v.optional(v.pipe(v.array(resourceSchema), v.maxLength(256))),
});

export type CloudTrailRecord = v.InferOutput<typeof cloudTrailRecordSchema>;
export type UserIdentity = CloudTrailRecord['userIdentity'];
