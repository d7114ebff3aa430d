/** The partitions the guardrail runs in. */
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

/**
 * IAM and Organizations are global services with one endpoint per partition; the SDK reaches it through
 * the region that hosts it. IAM: https://docs.aws.amazon.com/general/latest/gr/iam-service.html;
 * Organizations: https://docs.aws.amazon.com/general/latest/gr/ao.html
 */
const GLOBAL_ENDPOINT_REGIONS: Record<'iam' | 'organizations', Record<Partition, string>> = {
  iam: { aws: 'us-east-1', 'aws-cn': 'cn-north-1', 'aws-us-gov': 'us-gov-west-1' },
  organizations: { aws: 'us-east-1', 'aws-cn': 'cn-northwest-1', 'aws-us-gov': 'us-gov-west-1' },
};

export function globalEndpointRegion(service: 'iam' | 'organizations', partition: Partition): string {
  return GLOBAL_ENDPOINT_REGIONS[service][partition];
}
