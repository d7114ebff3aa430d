import { describe, expect, it } from 'vitest';
import { validateRecord } from '../../../../functions/core/cloudtrail/validate-record.ts';
import { roleSessionRecord } from '../../../helpers/records.ts';

describe('credentials in STS responses', () => {
  it('are dropped at validation, keeping what detection needs', () => {
    const raw = roleSessionRecord({
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRole',
      responseElements: { credentials: { accessKeyId: 'ASIAEXAMPLE000000001', secretAccessKey: 'SECRET-VALUE', sessionToken: 'TOKEN-VALUE', expiration: 'Oct 2, 2019, 11:12:29 PM' } },
    });
    const result = validateRecord({ kind: 'record', record: raw, origin: 't' });
    expect(result.ok).toBe(true);
    const text = JSON.stringify(result);
    expect(text).not.toContain('SECRET-VALUE');
    expect(text).not.toContain('TOKEN-VALUE');
    if (result.ok) expect(result.record.responseElements).toEqual({ credentials: { accessKeyId: 'ASIAEXAMPLE000000001', expiration: 'Oct 2, 2019, 11:12:29 PM' } });
  });
});
