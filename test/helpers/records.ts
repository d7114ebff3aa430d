import type { CloudTrailRecord } from '../../functions/core/cloudtrail/record-schema.ts';
import { validateRecord } from '../../functions/core/cloudtrail/validate-record.ts';

export const ACCOUNT = '111122223333';

/** A valid AssumedRole session call; override any field. */
export function roleSessionRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.11',
    eventID: 'e0000000-0000-4000-8000-000000000001',
    eventTime: '2026-11-20T09:00:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'PutRolePolicy',
    awsRegion: 'us-east-1',
    recipientAccountId: ACCOUNT,
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.15.0',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLEDEVOPS001:agent-run',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/DevOps/agent-run`,
      accountId: ACCOUNT,
      accessKeyId: 'ASIAEXAMPLEAGENT0001',
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEDEVOPS001', arn: `arn:aws:iam::${ACCOUNT}:role/DevOps`, accountId: ACCOUNT, userName: 'DevOps' },
      },
    },
    requestParameters: { roleName: 'DevOps', policyName: 'admin' },
    responseElements: null,
    readOnly: false,
    eventType: 'AwsApiCall',
    ...overrides,
  };
}

/** Validates a raw record, failing the test when it is not valid. */
export function valid(raw: unknown): CloudTrailRecord {
  const result = validateRecord({ kind: 'record', record: raw, origin: 'test' });
  if (!result.ok) throw new Error(`test record invalid: ${result.reason}`);
  return result.record;
}
