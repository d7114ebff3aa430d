import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseArn, PARTITIONS } from '../../functions/core/cloudtrail/arn.ts';
import { unwrapInput } from '../../functions/core/cloudtrail/unwrap-input.ts';
import { validateRecord } from '../../functions/core/cloudtrail/validate-record.ts';
import { createDetector, invalidFinding } from '../../functions/core/detect/detector.ts';
import { identifyPrincipal } from '../../functions/core/detect/principal.ts';
import { wildcardToRegExp } from '../../functions/core/policy/wildcard.ts';
import { InMemoryState } from '../../functions/core/state/in-memory-state.ts';
import { loadDefaultPolicy } from '../helpers/policy.ts';
import { roleSessionRecord } from '../helpers/records.ts';

const RUNS = 500;

/** Mutations of a genuine record: a field replaced by arbitrary JSON, removed, or set to hostile text. */
const hostileText = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.constantFrom('\u202e', '\u0000', '"}{', '__proto__', 'arn:aws:iam::*:role/*', '*', 'A'.repeat(70_000)),
);
const fieldPath = fc.constantFrom(
  ['eventID'], ['eventTime'], ['eventSource'], ['eventName'], ['awsRegion'], ['recipientAccountId'], ['userAgent'],
  ['userIdentity'], ['userIdentity', 'arn'], ['userIdentity', 'accountId'], ['userIdentity', 'type'],
  ['userIdentity', 'accessKeyId'], ['userIdentity', 'principalId'], ['userIdentity', 'sessionContext'],
  ['requestParameters'], ['requestParameters', 'roleName'], ['requestParameters', 'policyName'], ['resources'],
);
const mutation = fc.record({ path: fieldPath, value: fc.oneof(fc.jsonValue(), hostileText, fc.constant(undefined)) });

function mutate(record: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(record);
  let target: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  target[path.at(-1)!] = value;
  return copy;
}

describe('reader and detector under arbitrary input', () => {
  it('never throw, and answer each record with one finding (plus late ones)', async () => {
    const policy = await loadDefaultPolicy();
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { maxLength: 4 }), fc.jsonValue(), async (mutations, junk) => {
        const detector = createDetector(policy, new InMemoryState());
        let record: unknown = roleSessionRecord({ userIdentity: { ...(roleSessionRecord().userIdentity as object), invokedBy: 'aws-mcp.amazonaws.com' } });
        for (const { path, value } of mutations) record = mutate(record as Record<string, unknown>, path, value);
        for (const value of [record, junk, { Records: [record, junk] }]) {
          for (const item of unwrapInput(value, 'fuzz')) {
            const result = validateRecord(item);
            const findings = result.ok ? await detector.evaluate(result.record) : [invalidFinding(result)];
            expect(findings.length).toBeGreaterThanOrEqual(1);
            if (!result.ok) expect(findings[0]!.verdict).toBe('invalid');
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('parseArn', () => {
  const segment = fc.stringMatching(/^[a-z0-9-]{1,12}$/);
  const resource = fc.stringMatching(/^[\x21-\x7e]{1,60}$/);
  it('reads back every ARN built from valid parts', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PARTITIONS), segment, fc.stringMatching(/^[a-z0-9-]{0,12}$/), fc.stringMatching(/^\d{12}$/), resource, (partition, service, region, account, res) => {
        expect(parseArn(`arn:${partition}:${service}:${region}:${account}:${res}`)).toEqual({ partition, service, region, account, resource: res });
      }),
      { numRuns: RUNS },
    );
  });

  it('rejects any partition AWS does not operate', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z-]{1,12}$/).filter((p) => !(PARTITIONS as readonly string[]).includes(p)), (partition) => {
        expect(parseArn(`arn:${partition}:iam::111122223333:role/x`)).toBeNull();
      }),
      { numRuns: RUNS },
    );
  });

  it('identifies the role of any assumed-role session ARN', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[\w+=,.@-]{1,64}$/), fc.stringMatching(/^[\w+=,.@-]{2,64}$/), (role, session) => {
        const record = validateOk(
          roleSessionRecord({
            userIdentity: { type: 'AssumedRole', principalId: `AROAEXAMPLE:${session}`, arn: `arn:aws:sts::111122223333:assumed-role/${role}/${session}`, accountId: '111122223333' },
          }),
        );
        const principal = identifyPrincipal(record);
        expect(principal).toMatchObject({ kind: 'role-session', roleName: role, sessionName: session, arn: `arn:aws:iam::111122223333:role/${role}` });
      }),
      { numRuns: RUNS },
    );
  });
});

function validateOk(raw: unknown) {
  const result = validateRecord({ kind: 'record', record: raw, origin: 'p' });
  if (!result.ok) throw new Error(result.reason);
  return result.record;
}

describe('wildcard matcher', () => {
  // Reference semantics: dynamic programming over the pattern, independent of the RegExp compiler.
  function reference(pattern: string, text: string): boolean {
    const memo = new Map<string, boolean>();
    const go = (p: number, t: number): boolean => {
      const key = `${p},${t}`;
      if (memo.has(key)) return memo.get(key)!;
      let result: boolean;
      if (p === pattern.length) result = t === text.length;
      else if (pattern[p] === '*') result = go(p + 1, t) || (t < text.length && go(p, t + 1));
      else result = t < text.length && (pattern[p] === '?' || pattern[p] === text[t]) && go(p + 1, t + 1);
      memo.set(key, result);
      return result;
    };
    return go(0, 0);
  }
  const alphabet = fc.constantFrom('a', 'b', ':', '/', '.', '*', '?', '(', '+', '$');
  it('agrees with a reference matcher on arbitrary patterns and text', () => {
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 8 }).map((a) => a.join('')), fc.array(fc.constantFrom('a', 'b', ':', '/', '.', '(', '+', '$'), { maxLength: 10 }).map((a) => a.join('')), (pattern, text) => {
        expect(wildcardToRegExp(pattern).test(text)).toBe(reference(pattern, text));
      }),
      { numRuns: 2000 },
    );
  });
});
