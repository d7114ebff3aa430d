import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { safeParse } from 'valibot';
import { describe, expect, it } from 'vitest';
import { fastRecord } from '../../functions/core/cloudtrail/fast-record.ts';
import { cloudTrailRecordSchema } from '../../functions/core/cloudtrail/record-schema.ts';

/**
 * The fast path is the schema, only quicker: on any input, when it returns a record the schema accepts the
 * input with a deep-equal output, and when the schema accepts a JSON input the fast path does too (so it
 * is used). Inputs are genuine records with random mutations at random paths, near every bound.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const ROOT = new URL('../../', import.meta.url).pathname;
const CORPUS = join(ROOT, 'test/corpus/cloudtrail');
const GENUINE: Record<string, unknown>[] = readdirSync(CORPUS)
  .filter((file) => file.endsWith('.json'))
  .map((file) => JSON.parse(readFileSync(join(CORPUS, file), 'utf8')) as Record<string, unknown>)
  .filter((record) => safeParse(cloudTrailRecordSchema, record).success);

const PATHS = [
  ['eventID'], ['eventTime'], ['eventSource'], ['eventName'], ['awsRegion'], ['eventType'], ['readOnly'], ['errorCode'],
  ['recipientAccountId'], ['sourceIPAddress'], ['userAgent'], ['userIdentity'], ['userIdentity', 'type'],
  ['userIdentity', 'principalId'], ['userIdentity', 'arn'], ['userIdentity', 'accountId'], ['userIdentity', 'accessKeyId'],
  ['userIdentity', 'userName'], ['userIdentity', 'invokedBy'], ['userIdentity', 'sessionContext'],
  ['userIdentity', 'sessionContext', 'sourceIdentity'], ['userIdentity', 'sessionContext', 'sessionIssuer'],
  ['userIdentity', 'sessionContext', 'sessionIssuer', 'arn'], ['userIdentity', 'sessionContext', 'sessionIssuer', 'accountId'],
  ['requestParameters'], ['responseElements'], ['responseElements', 'credentials'], ['additionalEventData'], ['resources'],
];
const near = (n: number) => fc.constantFrom(n - 1, n, n + 1).map((length) => 'a'.repeat(Math.max(0, length)));
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  near(64), near(128), near(1024), near(2048), near(4096),
  fc.constantFrom('', '111122223333', '11112222333', 'arn:aws:iam::111122223333:role/R', 'arn:evil:iam::111122223333:role/R',
    '2026-11-20T09:00:00Z', '2026-13-40T99:00:00Z', '2026-11-20T09:00:00.1234567Z', 'AssumedRole', 'Robot', 'us-east-1', 'US', 's3.amazonaws.com', 'S3.example.com',
    'Get_Object', '9abc', [], [{ ARN: 'x' }], [{ ARN: 1 }], { credentials: { accessKeyId: 'ASIA', sessionToken: 's', secretAccessKey: 'k' } }),
);
const mutation = fc.record({ path: fc.constantFrom(...PATHS), remove: fc.boolean(), value });

function mutate(base: Record<string, unknown>, changes: { path: string[]; remove: boolean; value: unknown }[]): unknown {
  const record = structuredClone(base);
  for (const { path, remove, value: newValue } of changes) {
    let node: any = record;
    for (const key of path.slice(0, -1)) {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
      node = node[key];
    }
    if (remove) delete node[path.at(-1)!];
    else node[path.at(-1)!] = structuredClone(newValue);
  }
  return record;
}

describe('fastRecord against the schema', () => {
  it(`agrees on ${GENUINE.length} genuine corpus records`, () => {
    expect(GENUINE.length).toBeGreaterThan(30);
    for (const record of GENUINE) expect(fastRecord(record)).toEqual(safeParse(cloudTrailRecordSchema, record).output);
  });

  it('accepts exactly what the schema accepts, with the same output', () => {
    fc.assert(
      fc.property(fc.constantFrom(...GENUINE), fc.array(mutation, { minLength: 1, maxLength: 4 }), (base, changes) => {
        const input = mutate(base, changes);
        const schema = safeParse(cloudTrailRecordSchema, input);
        const fast = fastRecord(input);
        if (fast !== null) {
          expect(schema.success).toBe(true);
          expect(fast).toStrictEqual(schema.output);
          expect(JSON.stringify(fast)).toBe(JSON.stringify(schema.output));
        } else {
          expect(schema.success).toBe(false);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
