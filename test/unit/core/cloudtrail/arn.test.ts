import { describe, expect, it } from 'vitest';
import { parseArn } from '../../../../functions/core/cloudtrail/arn.ts';

describe('parseArn', () => {
  it.each([
    ['arn:aws:iam::111122223333:role/DevOps', { partition: 'aws', service: 'iam', account: '111122223333', resource: 'role/DevOps' }],
    ['arn:aws-us-gov:sts::111122223333:assumed-role/R/s', { partition: 'aws-us-gov', service: 'sts' }],
    ['arn:aws-cn:s3:::bucket', { partition: 'aws-cn', account: '', resource: 'bucket' }],
    ['arn:aws:iam::aws:policy/AdministratorAccess', { account: 'aws' }],
  ])('reads %s', (text, expected) => {
    expect(parseArn(text)).toMatchObject(expected);
  });

  it.each([
    ['arn:aws-fake:iam::111122223333:role/x', 'unknown partition'],
    ['arn:aws:iam::1111:role/x', 'short account id'],
    ['arn:aws:iam::11112222333X:role/x', 'non-digit account id'],
    ['arn:aws:iam::111122223333:', 'empty resource'],
    ['arn:aws:iam::111122223333:role/with space', 'space in resource'],
    ['role/DevOps', 'not an ARN'],
    [`arn:aws:iam::111122223333:role/${'a'.repeat(2100)}`, 'longer than 2048'],
  ])('rejects %s (%s)', (text) => {
    expect(parseArn(text)).toBeNull();
  });
});
