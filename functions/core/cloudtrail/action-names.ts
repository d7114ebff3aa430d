/**
 * CloudTrail names a call by `eventSource` and `eventName`; IAM names the permission it needs as
 * `prefix:Action`. They agree for most services. The exceptions live here and only here.
 */

/** eventSource host prefixes whose IAM service prefix differs. */
const SERVICE_PREFIX_EXCEPTIONS: Readonly<Record<string, string>> = {
  monitoring: 'cloudwatch',
  email: 'ses',
  tagging: 'tag',
  'api.ecr': 'ecr',
  'api.mediatailor': 'mediatailor',
  'data.iot': 'iot',
  'models.lex': 'lex',
  'runtime.lex': 'lex',
  'runtime.sagemaker': 'sagemaker',
  'bedrock-runtime': 'bedrock',
  'bedrock-agent': 'bedrock',
};

/** Calls whose IAM action has another name than the API (service prefix, event name → action name). */
const EVENT_NAME_EXCEPTIONS: Readonly<Record<string, string>> = {
  's3:DeleteBucketPublicAccessBlock': 'PutBucketPublicAccessBlock',
  's3:PutBucketLifecycle': 'PutLifecycleConfiguration',
  's3:PutBucketLifecycleConfiguration': 'PutLifecycleConfiguration',
  's3:DeleteBucketLifecycle': 'PutLifecycleConfiguration',
  's3:PutBucketEncryption': 'PutEncryptionConfiguration',
  's3:DeleteBucketEncryption': 'PutEncryptionConfiguration',
  's3:PutBucketReplication': 'PutReplicationConfiguration',
  's3:DeleteBucketReplication': 'PutReplicationConfiguration',
  's3:DeleteBucketCors': 'PutBucketCORS',
  's3:PutBucketCors': 'PutBucketCORS',
  's3:DeleteBucketTagging': 'PutBucketTagging',
  's3:HeadBucket': 'ListBucket',
  's3:ListObjects': 'ListBucket',
  's3:ListObjectsV2': 'ListBucket',
  's3:PutObjectLockConfiguration': 'PutBucketObjectLockConfiguration',
  // Multi-object delete is one event; each key needs s3:DeleteObject.
  's3:DeleteObjects': 'DeleteObject',
  'kms:ReEncrypt': 'ReEncryptFrom',
};

// Lambda and CloudFront append an API version to the event name ("UpdateFunctionCode20150331v2",
// "CreateDistribution2020_05_31"); the IAM action has no suffix.
const VERSION_SUFFIX = /(?:20\d{6}(?:v\d+)?|20\d{2}_\d{2}_\d{2})$/;
const HOST_SUFFIX = '.amazonaws.com';

/** IAM service prefix for a CloudTrail eventSource ("iam.amazonaws.com" → "iam"). */
export function servicePrefixOf(eventSource: string): string {
  const host = eventSource.endsWith(HOST_SUFFIX) ? eventSource.slice(0, -HOST_SUFFIX.length) : eventSource;
  return SERVICE_PREFIX_EXCEPTIONS[host] ?? host;
}

/**
 * The IAM action a CloudTrail record stands for.
 * @example actionOf('lambda.amazonaws.com', 'UpdateFunctionCode20150331v2') // 'lambda:UpdateFunctionCode'
 */
export function actionOf(eventSource: string, eventName: string): string {
  // Memoised per source and name: a replay sees few distinct pairs, many times each.
  let byName = ACTION_CACHE.get(eventSource);
  const cached = byName?.get(eventName);
  if (cached !== undefined) return cached;
  const action = deriveAction(eventSource, eventName);
  if (ACTION_CACHE.size < CACHE_LIMIT) {
    if (!byName) ACTION_CACHE.set(eventSource, (byName = new Map()));
    if (byName.size < CACHE_LIMIT) byName.set(eventName, action);
  }
  return action;
}

const ACTION_CACHE = new Map<string, Map<string, string>>();
// Bounds the memo against hostile input with endless distinct names.
const CACHE_LIMIT = 4096;

function deriveAction(eventSource: string, eventName: string): string {
  const prefix = servicePrefixOf(eventSource);
  const name = prefix === 'lambda' || prefix === 'cloudfront' ? eventName.replace(VERSION_SUFFIX, '') : eventName;
  return `${prefix}:${EVENT_NAME_EXCEPTIONS[`${prefix}:${name}`] ?? name}`;
}

const EVENT_SOURCE_OF_SERVICE: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(SERVICE_PREFIX_EXCEPTIONS)
    // SES records carry eventSource ses.amazonaws.com, whatever host the call went to.
    .filter(([host]) => !host.includes('.') && !host.includes('runtime') && !host.endsWith('-agent') && host !== 'email')
    .map(([host, prefix]) => [prefix, host]),
);

export interface EventNameMatch {
  readonly eventSource: string;
  /** Exact event names, or a prefix where the API appends a version to the name. */
  readonly eventNames: readonly (string | { readonly prefix: string })[];
}

/**
 * The inverse of actionOf, for building event filters: the eventSource and event names an IAM action
 * appears under in CloudTrail.
 * @example eventNamesOf('s3:PutLifecycleConfiguration').eventNames // ['PutLifecycleConfiguration', 'PutBucketLifecycle', ...]
 */
export function eventNamesOf(action: string): EventNameMatch {
  const [prefix, name] = action.split(':') as [string, string];
  const eventSource = `${EVENT_SOURCE_OF_SERVICE[prefix] ?? prefix}${HOST_SUFFIX}`;
  if (prefix === 'lambda' || prefix === 'cloudfront') return { eventSource, eventNames: [{ prefix: name }] };
  const aliases = Object.entries(EVENT_NAME_EXCEPTIONS)
    .filter(([key, target]) => target === name && key.startsWith(`${prefix}:`))
    .map(([key]) => key.slice(prefix.length + 1));
  return { eventSource, eventNames: [name, ...aliases.filter((alias) => alias !== name)] };
}
