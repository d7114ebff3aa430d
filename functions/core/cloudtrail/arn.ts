/** Partitions AWS operates; an ARN in any other partition cannot come from a genuine CloudTrail record. */
export const PARTITIONS = [
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
] as const;
export type Partition = (typeof PARTITIONS)[number];

export interface Arn {
  readonly partition: Partition;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

const PARTITION_SET: ReadonlySet<string> = new Set(PARTITIONS);
// ARNs are at most 2048 characters (IAM quota for ARN-typed fields); resource text is printable ASCII.
const ARN_SHAPE = /^arn:([a-z-]+):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|aws|):([\x21-\x7e]+)$/;
export const ACCOUNT_ID = /^\d{12}$/;
export const MAX_ARN_LENGTH = 2048;

/**
 * Parses an ARN, returning null when it is not one AWS could have issued.
 * @example parseArn('arn:aws:iam::111122223333:role/Dev') // { partition: 'aws', service: 'iam', ... }
 */
export function parseArn(text: string): Arn | null {
  if (text.length > MAX_ARN_LENGTH) return null;
  const m = ARN_SHAPE.exec(text);
  if (!m) return null;
  const partition = m[1]!;
  if (!PARTITION_SET.has(partition)) return null;
  return { partition: partition as Partition, service: m[2]!, region: m[3]!, account: m[4]!, resource: m[5]! };
}

export function isAccountId(text: string): boolean {
  return ACCOUNT_ID.test(text);
}
