import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { compilePolicyText } from '../../functions/config/load-policy-file.ts';
import { unwrapInput } from '../../functions/core/cloudtrail/unwrap-input.ts';
import { validateRecord } from '../../functions/core/cloudtrail/validate-record.ts';
import { invalidFinding } from '../../functions/core/detect/detector.ts';
import { InMemoryState } from '../../functions/core/state/in-memory-state.ts';
import { processEvent } from '../../functions/core/pipeline/process-event.ts';
import type { PipelineDependencies } from '../../functions/core/pipeline/ports.ts';

/**
 * Hostile and malformed EventBridge events through the guard and through replay's reader. Each case takes
 * a genuine violating event, applies one mutation that no genuine event can have, and adds noise (hostile
 * text in harmless fields, prototype-pollution keys). Expected: a typed rejection, never a crash, never an
 * IAM write, and a log line with hostile text escaped. FUZZ_RUNS=100000 for the long run (npm run fuzz).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const ROOT = new URL('../../', import.meta.url).pathname;
const BASE = JSON.parse(readFileSync(join(ROOT, 'events/scenarios/01-mcp-server-deletes-bucket/02-DeleteBucket.json'), 'utf8')) as Record<string, unknown>;
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;

const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('\u202eevil', 'a\u0000b', '"}],"Effect":"Allow","Action":"*","Resource":"*"}]}', '${aws:username}', '*', '\r\nINJECTED', 'arn:aws:iam::*:role/*'),
  fc.nat({ max: 200_000 }).map((n) => 'x'.repeat(n)),
);
const junk = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }));

type Mutation = (event: any) => void;
const at = (path: readonly string[]) => (event: any) => path.slice(0, -1).reduce((o, k) => o[k], event);
const setAt = (path: readonly string[], value: unknown): Mutation => (event) => void (at(path)(event)[path.at(-1)!] = value);
const deleteAt = (path: readonly string[]): Mutation => (event) => void delete at(path)(event)[path.at(-1)!];

const REQUIRED = [['detail', 'eventID'], ['detail', 'eventTime'], ['detail', 'eventSource'], ['detail', 'eventName'], ['detail', 'awsRegion'], ['detail', 'userIdentity']];
const STRICT_TEXT = [['detail', 'eventSource'], ['detail', 'eventName'], ['detail', 'awsRegion'], ['detail', 'recipientAccountId'], ['detail', 'eventTime'], ['detail', 'userIdentity', 'accountId'], ['detail', 'userIdentity', 'arn']];

const breaking: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom(...REQUIRED).map(deleteAt),
  fc.tuple(fc.constantFrom(...REQUIRED), junk).map(([p, v]) => setAt(p, v)),
  fc.tuple(fc.constantFrom(...STRICT_TEXT), fc.constantFrom('\u202e', '\u0000', ' ', '"', '}', '\n')).map(([p, c]) => (e: any) => {
    const holder = at(p)(e);
    holder[p.at(-1)!] = `${String(holder[p.at(-1)!])}${c}`;
  }),
  fc.nat({ max: 10 }).map((n) => setAt(['detail', 'eventName'], 'A'.repeat(129 + n))),
  fc.constant(setAt(['detail', 'userAgent'], 'u'.repeat(5000))),
  fc.constantFrom('aws-fake', 'aws-cn-evil', 'AWS', 'azure').map((p) => setAt(['detail', 'userIdentity', 'arn'], `arn:${p}:sts::111122223333:assumed-role/DevOps/alice`)),
  fc.constantFrom('x"}],"Effect":"Allow', 's p a c e', '*', '$' + '{aws:userid}').map((s) => setAt(['detail', 'userIdentity', 'arn'], `arn:aws:sts::111122223333:assumed-role/DevOps/${s}`)),
  fc.constant(setAt(['detail', 'userIdentity', 'accountId'], '999988887777')),
  fc.constantFrom('evil.example.com', 's3.amazonaws.com.evil.com', 'S3.AMAZONAWS.COM').map((s) => setAt(['detail', 'eventSource'], s)),
  fc.constantFrom('my.app', 'partner.evil', '').map((s) => setAt(['source'], s)),
  fc.constantFrom('999988887777', '11112222333', 'x').map((a) => setAt(['account'], a)),
  fc.constantFrom('2026-13-01T00:00:00Z', '2026-11-20 09:00:00', 'yesterday', '').map((t) => setAt(['detail', 'eventTime'], t)),
  fc.constant(setAt(['detail-type'], 'EC2 Instance State-change Notification')),
  fc.constant((e: any) => void (e.detail = 'not an object')),
);

const noise: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.constantFrom(['detail', 'userAgent'], ['detail', 'sourceIPAddress'], ['detail', 'requestParameters', 'bucketName']), hostile).map(([p, v]) => setAt(p, v)),
  fc.constantFrom('__proto__', 'constructor', 'prototype').map((key) => (e: any) => {
    Object.defineProperty(e.detail, key, { value: { polluted: true, isAdmin: true }, enumerable: true, configurable: true, writable: true });
  }),
);

async function setup() {
  const policy = await compilePolicyText(readFileSync(join(ROOT, 'guardrail.yaml'), 'utf8').replace(/^mode: \w+/m, 'mode: enforce'), 'guardrail.yaml');
  const state = new InMemoryState();
  const portCalls = vi.fn();
  const logger = new Logger({ serviceName: 'fuzz', logLevel: 'SILENT' });
  const logged: unknown[] = [];
  for (const level of ['warn', 'info', 'error'] as const) vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => void logged.push(args));
  const deps: PipelineDependencies = {
    policy,
    state,
    ports: {
      iamFor: async () => (portCalls('iam'), Promise.reject(new Error('no IAM write may happen'))),
      scp: async () => (portCalls('scp'), Promise.reject(new Error('no SCP write may happen'))),
    },
    notifier: { notify: async () => void portCalls('notify') },
    logger,
    newId: () => 'id',
    now: Date.now,
  };
  return { deps, state, portCalls, logged };
}

describe(`hostile events (${RUNS} cases)`, () => {
  it('are rejected by the guard with an escaped log line, and answered invalid by replay, never written', async () => {
    const { deps, state, portCalls, logged } = await setup();
    await fc.assert(
      fc.asyncProperty(breaking, fc.array(noise, { maxLength: 3 }), async (mutation, noises) => {
        const event = structuredClone(BASE);
        for (const n of noises) n(event);
        mutation(event);
        logged.length = 0;
        const result = await processEvent(event, deps, { deadline: Date.now() + 60_000 });
        expect(result.status).toBe('rejected');
        expect(logged).toHaveLength(1);
        expect(JSON.stringify(logged)).not.toMatch(UNSAFE);
        for (const item of unwrapInput(event, 'fuzz')) {
          const validation = validateRecord(item);
          expect(validation.ok).toBe(false);
          if (!validation.ok) expect(invalidFinding(validation).verdict).toBe('invalid');
        }
      }),
      { numRuns: RUNS },
    );
    expect(portCalls).not.toHaveBeenCalled();
    expect(state.ledger).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  }, 600_000);
});
