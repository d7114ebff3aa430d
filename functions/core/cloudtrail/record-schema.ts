import * as z from 'zod';
import { ACCOUNT_ID, MAX_ARN_LENGTH, parseArn } from './arn.ts';

/**
 * The CloudTrail fields the engine reads, with the bounds a genuine record keeps. Anything else in the
 * record is dropped by parsing, so later code never sees unvalidated data (or keys like `__proto__`).
 */

// Bounds: IAM names ≤ 64 (session names, source identity), tag keys ≤ 128 and values ≤ 256, ARNs ≤ 2048.
// Free text (user agent, error codes) is capped generously; anything longer is not a CloudTrail record.
const MAX_TEXT = 1024;
const text = z.string().max(MAX_TEXT);
const accountId = z.string().regex(ACCOUNT_ID, 'must be a 12-digit AWS account id');
const arn = z
  .string()
  .max(MAX_ARN_LENGTH)
  .refine((value) => parseArn(value) !== null, 'must be an ARN in an AWS partition');
const isoTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/, 'must be an ISO 8601 UTC time')
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be a real date');
/**
 * STS responses carry live credentials (secret key, session token). Detection needs only the access key
 * id and expiry, so secrets are dropped at the edge: they can never reach state, the ledger or a log line.
 */
function withoutSecrets(response: Record<string, unknown> | null | undefined): Record<string, unknown> | null | undefined {
  const credentials = response?.credentials;
  if (typeof credentials !== 'object' || credentials === null) return response;
  const { sessionToken: _token, secretAccessKey: _secret, ...kept } = credentials as Record<string, unknown>;
  return { ...response, credentials: kept };
}

const jsonObject = z.custom<Record<string, unknown>>(
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

const sessionIssuerSchema = z.object({
  type: text.optional(),
  principalId: text.optional(),
  arn: arn.optional(),
  accountId: accountId.optional(),
  userName: text.optional(),
});

const userIdentitySchema = z.object({
  type: z.enum(IDENTITY_TYPES),
  principalId: text.optional(),
  arn: arn.optional(),
  accountId: accountId.optional(),
  accessKeyId: z.string().max(128).optional(),
  userName: text.optional(),
  invokedBy: text.optional(),
  sessionContext: z
    .object({
      sourceIdentity: z.string().max(64).optional(),
      sessionIssuer: sessionIssuerSchema.optional(),
    })
    .optional(),
});

const resourceSchema = z.object({
  ARN: text.optional(),
  arn: text.optional(),
  accountId: text.optional(),
  type: text.optional(),
});

export const cloudTrailRecordSchema = z.object({
  eventID: z.string().min(1).max(128),
  eventTime: isoTime,
  eventSource: z
    .string()
    .max(128)
    .regex(/^[a-z0-9][a-z0-9.-]*\.amazonaws\.com$/, 'must be an AWS service endpoint (*.amazonaws.com)'),
  eventName: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,127}$/, 'must be an API name'),
  awsRegion: z.string().regex(/^[a-z]{2,}(-[a-z0-9]+){1,4}$/, 'must be an AWS region name'),
  eventType: text.optional(),
  readOnly: z.boolean().optional(),
  errorCode: text.optional(),
  recipientAccountId: accountId.optional(),
  sourceIPAddress: text.optional(),
  userAgent: z.string().max(4096).optional(),
  userIdentity: userIdentitySchema,
  requestParameters: jsonObject.nullish(),
  responseElements: jsonObject.nullish().transform(withoutSecrets),
  additionalEventData: jsonObject.nullish(),
  resources: z.array(resourceSchema).max(256).optional(),
});

export type CloudTrailRecord = z.infer<typeof cloudTrailRecordSchema>;
export type UserIdentity = CloudTrailRecord['userIdentity'];
