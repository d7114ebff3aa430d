import type { CloudTrailRecord } from '../cloudtrail/record-schema.ts';
import { servicePrefixOf } from '../cloudtrail/action-names.ts';

interface Where {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly eventName: string;
}
type ArnBuilder = (value: string, where: Where) => string;

const asArnOr = (build: ArnBuilder): ArnBuilder => (value, where) => (value.startsWith('arn:') ? value : build(value, where));

/**
 * Request parameters that name the resource a call acts on, per service. CloudTrail's `resources` array
 * is filled for few services, so the common ones are derived here (one table, one place).
 */
const REQUEST_RESOURCE_BUILDERS: Readonly<Record<string, Readonly<Record<string, ArnBuilder>>>> = {
  iam: {
    roleName: (v, w) => `arn:${w.partition}:iam::${w.account}:role/${v}`,
    userName: (v, w) => `arn:${w.partition}:iam::${w.account}:user/${v}`,
    groupName: (v, w) => `arn:${w.partition}:iam::${w.account}:group/${v}`,
    policyArn: (v) => v,
  },
  s3: { bucketName: (v, w) => `arn:${w.partition}:s3:::${v}` },
  lambda: { functionName: asArnOr((v, w) => `arn:${w.partition}:lambda:${w.region}:${w.account}:function:${v}`) },
  events: {
    name: asArnOr((v, w) =>
      w.eventName.endsWith('EventBus')
        ? `arn:${w.partition}:events:${w.region}:${w.account}:event-bus/${v}`
        : `arn:${w.partition}:events:${w.region}:${w.account}:rule/${v}`,
    ),
    rule: asArnOr((v, w) => `arn:${w.partition}:events:${w.region}:${w.account}:rule/${v}`),
    eventBusName: asArnOr((v, w) => `arn:${w.partition}:events:${w.region}:${w.account}:event-bus/${v}`),
  },
  cloudformation: {
    stackName: asArnOr((v, w) => `arn:${w.partition}:cloudformation:${w.region}:${w.account}:stack/${v}/*`),
    stackSetName: asArnOr((v, w) => `arn:${w.partition}:cloudformation:${w.region}:${w.account}:stackset/${v}:*`),
  },
  // SQS names a queue by URL: https://sqs.REGION.amazonaws.com/ACCOUNT/NAME (docs: sqs-queue-message-identifiers).
  sqs: {
    queueUrl: (v, w) => {
      const match = /\/(\d{12})\/([\w-]{1,80}(?:\.fifo)?)$/.exec(v);
      return match ? `arn:${w.partition}:sqs:${w.region}:${match[1]}:${match[2]}` : `arn:${w.partition}:sqs:${w.region}:${w.account}:?`;
    },
  },
  kms: { keyId: asArnOr((v, w) => `arn:${w.partition}:kms:${w.region}:${w.account}:key/${v}`) },
  cloudtrail: { name: asArnOr((v, w) => `arn:${w.partition}:cloudtrail:${w.region}:${w.account}:trail/${v}`) },
};

/**
 * ARNs of the resources a call acts on: CloudTrail's `resources` plus those derived from its request.
 * @example resourceArnsOf(deleteBucketRecord, 'aws') // ['arn:aws:s3:::my-bucket']
 */
export function resourceArnsOf(record: CloudTrailRecord, partition: string): string[] {
  const arns = new Set<string>();
  for (const resource of record.resources ?? []) {
    const arn = resource.ARN ?? resource.arn;
    if (arn?.startsWith('arn:')) arns.add(arn);
  }
  const builders = REQUEST_RESOURCE_BUILDERS[servicePrefixOf(record.eventSource)];
  const request = record.requestParameters;
  if (builders && request) {
    const where: Where = {
      partition,
      region: record.awsRegion,
      account: record.recipientAccountId ?? record.userIdentity.accountId!,
      eventName: record.eventName,
    };
    for (const [parameter, build] of Object.entries(builders)) {
      const value = request[parameter];
      if (typeof value === 'string' && value.length > 0 && value.length <= 2048) arns.add(build(value, where));
    }
  }
  return [...arns];
}
