import { describe, expect, it } from 'vitest';
import { globalEndpointRegion } from '../../../functions/aws/global-endpoints.ts';
import { iamClient } from '../../../functions/aws/iam-client.ts';

describe('global endpoints per partition', () => {
  it('calls IAM and Organizations in the region that hosts the partition\'s global endpoint', async () => {
    expect(['aws', 'aws-cn', 'aws-us-gov'].map((p) => globalEndpointRegion('iam', p as 'aws'))).toEqual(['us-east-1', 'cn-north-1', 'us-gov-west-1']);
    expect(['aws', 'aws-cn', 'aws-us-gov'].map((p) => globalEndpointRegion('organizations', p as 'aws'))).toEqual(['us-east-1', 'cn-northwest-1', 'us-gov-west-1']);
    const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
    expect(await iamClient(credentials, 'aws-cn').config.region()).toBe('cn-north-1');
    expect(await iamClient(credentials, 'aws-us-gov').config.region()).toBe('us-gov-west-1');
  });
});
