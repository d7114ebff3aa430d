import { describe, expect, it } from 'vitest';
import { compileEventPatterns, MAX_PATTERN_CHARS } from '../../../../functions/core/policy/compile-event-patterns.ts';
import { loadDefaultPolicy } from '../../../helpers/policy.ts';

describe('compileEventPatterns', () => {
  it('covers every rule action, AssumeRole events and guardrail tamper events, within the size quota', async () => {
    const policy = await loadDefaultPolicy();
    const patterns = compileEventPatterns(policy);
    const names = (source: string) =>
      patterns.filter((p) => p.pattern.detail.eventSource[0] === source).flatMap((p) => p.pattern.detail.eventName);
    expect(names('sts.amazonaws.com')).toEqual(expect.arrayContaining(['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity']));
    expect(names('iam.amazonaws.com')).toEqual(expect.arrayContaining(['PutRolePolicy', 'DeleteRolePolicy', 'UntagRole', 'TagRole']));
    expect(names('s3.amazonaws.com')).toContain('DeleteBucket');
    expect(names('lambda.amazonaws.com')).toContainEqual({ prefix: 'UpdateFunctionCode' });
    for (const pattern of patterns) {
      expect(JSON.stringify(pattern.pattern).length).toBeLessThanOrEqual(MAX_PATTERN_CHARS);
      // Console sign-in events come under their own detail-type (both spellings in use are matched).
      expect(pattern.pattern['detail-type']).toEqual(
        pattern.pattern.detail.eventSource[0] === 'signin.amazonaws.com' ? ['AWS Console Sign In via CloudTrail', 'AWS Console Signin via CloudTrail'] : ['AWS API Call via CloudTrail'],
      );
    }
    expect(new Set(patterns.map((p) => p.name)).size).toBe(patterns.length);
  });

  it('matches the snapshot of the default policy', async () => {
    expect(compileEventPatterns(await loadDefaultPolicy())).toMatchSnapshot();
  });
});
