import { describe, expect, it } from 'vitest';
import { unwrapInput } from '../../../../functions/core/cloudtrail/unwrap-input.ts';
import { validateRecord } from '../../../../functions/core/cloudtrail/validate-record.ts';
import { ACCOUNT, roleSessionRecord } from '../../../helpers/records.ts';

function validate(record: unknown) {
  return validateRecord({ kind: 'record', record, origin: 'test' });
}

function envelope(detail: unknown, overrides: Record<string, unknown> = {}) {
  return { version: '0', id: 'x', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iam', account: ACCOUNT, time: '2026-11-20T09:00:00Z', region: 'us-east-1', resources: [], detail, ...overrides };
}

describe('validateRecord', () => {
  it('accepts a genuine record and keeps only the fields the engine reads', () => {
    const result = validate({ ...roleSessionRecord(), tlsDetails: { tlsVersion: 'TLSv1.3' } });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.record.eventName).toBe('PutRolePolicy');
      expect(result.record).not.toHaveProperty('tlsDetails');
    }
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a non-AWS event source', { eventSource: 'evil.example.com' }, /eventSource: must be an AWS service endpoint/],
    ['a malformed account id', { recipientAccountId: '5290XXXXXXXX' }, /recipientAccountId: must be a 12-digit/],
    ['a time that is not ISO 8601', { eventTime: '2024-06-02 20:27:12' }, /eventTime: must be an ISO 8601/],
    ['an impossible date', { eventTime: '2024-13-45T25:61:00Z' }, /eventTime/],
    ['a missing eventID', { eventID: undefined }, /eventID/],
    ['an oversized user agent', { userAgent: 'x'.repeat(5000) }, /userAgent/],
    ['an event name with injected text', { eventName: 'PutRolePolicy"}' }, /eventName: must be an API name/],
    ['a fake region', { awsRegion: 'us east 1' }, /awsRegion/],
    ['requestParameters that are not an object', { requestParameters: 'x' }, /requestParameters: must be a JSON object/],
  ])('rejects %s', (_name, overrides, reason) => {
    const result = validate(roleSessionRecord(overrides));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toMatch(reason);
      expect(result.eventName === null || typeof result.eventName === 'string').toBe(true);
    }
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a fake partition', { arn: `arn:aws-evil:sts::${ACCOUNT}:assumed-role/DevOps/x` }, /must be an ARN in an AWS partition/],
    ['an identity ARN in another account', { arn: 'arn:aws:sts::999988887777:assumed-role/DevOps/x' }, /differs from userIdentity.accountId/],
    ['a user ARN on an AssumedRole identity', { arn: `arn:aws:iam::${ACCOUNT}:user/Alice` }, /not an assumed-role ARN/],
    ['an ARN of another service', { arn: `arn:aws:s3:::${ACCOUNT}` }, /ARN/],
  ])('rejects an identity with %s', (_name, identity, reason) => {
    const base = roleSessionRecord();
    const result = validate({ ...base, userIdentity: { ...(base.userIdentity as object), ...identity } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('rejects an envelope whose account differs from its record', () => {
    const [item] = [...unwrapInput(envelope(roleSessionRecord(), { account: '999988887777' }), 'e.json')];
    const result = validateRecord(item!);
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/envelope account "999988887777" differs/) });
  });

  it('rejects an envelope from a non-AWS source', () => {
    const [item] = [...unwrapInput(envelope(roleSessionRecord(), { source: 'my.app' }), 'e.json')];
    expect(validateRecord(item!)).toMatchObject({ ok: false, reason: expect.stringMatching(/not an AWS source/) });
  });

  it('rejects EventBridge events that are not CloudTrail events', () => {
    const [item] = [...unwrapInput(envelope({}, { 'detail-type': 'EC2 Instance State-change Notification' }), 'e.json')];
    expect(validateRecord(item!)).toMatchObject({ ok: false, reason: expect.stringMatching(/not a CloudTrail event/) });
  });

  it('does not let a __proto__ key reach the parsed record', () => {
    const raw = JSON.parse(JSON.stringify(roleSessionRecord()).replace('{', '{"__proto__":{"polluted":true},'));
    const result = validate(raw);
    expect(result.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    if (result.ok) expect((result.record as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('unwrapInput', () => {
  it('reads log files, envelopes, bare records and arrays of them', () => {
    const record = roleSessionRecord();
    const kinds = [
      [...unwrapInput({ Records: [record, record] }, 'log')],
      [...unwrapInput(envelope(record), 'env')],
      [...unwrapInput(record, 'bare')],
      [...unwrapInput([record, envelope(record)], 'array')],
    ];
    expect(kinds.map((items) => items.length)).toEqual([2, 1, 1, 2]);
    expect(kinds.flat().every((item) => item.kind === 'record')).toBe(true);
  });

  it('rejects values that are not objects', () => {
    expect([...unwrapInput(42, 'n')]).toEqual([{ kind: 'rejected', reason: 'not a JSON object', origin: 'n' }]);
  });
});

describe('policy injection through names', () => {
  it.each([
    ['a quote and brace in the session name', 'arn:aws:sts::111122223333:assumed-role/DevOps/x"}],"Effect":"Allow'],
    ['a space in the role name', 'arn:aws:sts::111122223333:assumed-role/Dev Ops/s1'],
    ['a wildcard session', 'arn:aws:sts::111122223333:assumed-role/DevOps/*'],
  ])('rejects %s', (_name, arn) => {
    const base = roleSessionRecord();
    const result = validateRecord({ kind: 'record', record: { ...base, userIdentity: { ...(base.userIdentity as object), arn } }, origin: 't' });
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/IAM would not issue|must be an ARN in an AWS partition/) });
  });
});
