import { describe, expect, it } from 'vitest';
import { actionOf, eventNamesOf } from '../../../../functions/core/cloudtrail/action-names.ts';

describe('actionOf maps eventSource and eventName to the IAM action', () => {
  it.each([
    ['iam.amazonaws.com', 'PutRolePolicy', 'iam:PutRolePolicy'],
    ['lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', 'lambda:UpdateFunctionCode'],
    ['lambda.amazonaws.com', 'AddPermission20150331', 'lambda:AddPermission'],
    ['cloudfront.amazonaws.com', 'CreateDistribution2020_05_31', 'cloudfront:CreateDistribution'],
    ['monitoring.amazonaws.com', 'DeleteAlarms', 'cloudwatch:DeleteAlarms'],
    ['s3.amazonaws.com', 'DeleteBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock'],
    ['s3.amazonaws.com', 'PutBucketLifecycle', 's3:PutLifecycleConfiguration'],
    ['aws-mcp.amazonaws.com', 'CallReadWriteTool', 'aws-mcp:CallReadWriteTool'],
  ])('%s %s → %s', (source, name, action) => {
    expect(actionOf(source, name)).toBe(action);
  });

  it('inverts to the event names a filter must match', () => {
    expect(eventNamesOf('s3:PutLifecycleConfiguration').eventNames).toEqual(
      expect.arrayContaining(['PutLifecycleConfiguration', 'PutBucketLifecycle', 'DeleteBucketLifecycle']),
    );
    expect(eventNamesOf('lambda:UpdateFunctionCode').eventNames).toEqual([{ prefix: 'UpdateFunctionCode' }]);
    expect(eventNamesOf('cloudwatch:DeleteAlarms').eventSource).toBe('monitoring.amazonaws.com');
  });
});
