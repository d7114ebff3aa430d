import { describe, expect, it } from 'vitest';
import { document, mergeDocuments, policySize } from '../../../../functions/core/respond/policy-document.ts';

const deny = (sid: string, action: string | string[], condition?: Record<string, Record<string, string>>) => ({
  Sid: sid,
  Effect: 'Deny' as const,
  Action: action,
  Resource: '*',
  ...(condition ? { Condition: condition } : {}),
});

describe('mergeDocuments', () => {
  it('is idempotent: applying the same response twice leaves the same document', () => {
    const doc = document([deny('A', ['iam:Put*Policy', 'iam:CreateUser'])]);
    const once = mergeDocuments(null, doc);
    expect(mergeDocuments(once, doc)).toEqual(mergeDocuments(once, mergeDocuments(once, doc)));
    expect(policySize(mergeDocuments(once, doc))).toBe(policySize(mergeDocuments(mergeDocuments(once, doc), doc)));
  });

  it('unions actions of the same statement and keeps other statements', () => {
    const merged = mergeDocuments(document([deny('A', 'iam:CreateUser'), deny('B', 's3:DeleteBucket')]), document([deny('A', 'iam:Put*Policy')]));
    expect(merged.Statement).toEqual([deny('A', ['iam:CreateUser', 'iam:Put*Policy']), deny('B', 's3:DeleteBucket')]);
  });

  it('takes the newer condition (a later revocation time covers earlier ones)', () => {
    const earlier = document([deny('R', '*', { DateLessThan: { 'aws:TokenIssueTime': '2026-01-01T00:00:00.000Z' } })]);
    const later = document([deny('R', '*', { DateLessThan: { 'aws:TokenIssueTime': '2026-02-01T00:00:00.000Z' } })]);
    expect(mergeDocuments(earlier, later).Statement[0]!.Condition).toEqual({ DateLessThan: { 'aws:TokenIssueTime': '2026-02-01T00:00:00.000Z' } });
  });
});
