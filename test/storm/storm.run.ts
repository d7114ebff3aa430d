import { ListRolePoliciesCommand, type IAMClient } from '@aws-sdk/client-iam';
import { writeFileSync, mkdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMemberAccount, createSecurityAccount, policyFile, scenarioEvents, useMoto } from '../integration/aws-fixture.ts';
import { documentClient } from '../../functions/aws/clients.ts';
import { DynamoDbState } from '../../functions/aws/dynamodb-state.ts';

/**
 * A storm: STORM_EVENTS violating events (default 10,000) from one agent session delivered to the guard
 * handler at STORM_CONCURRENCY (default 50) in flight, sharing one state table on moto. Counts IAM writes
 * (every PutRolePolicy/TagRole request) and checks every event is accounted for in the ledger.
 */
const EVENTS = Number(process.env.STORM_EVENTS ?? 10_000);
const CONCURRENCY = Number(process.env.STORM_CONCURRENCY ?? 50);
const ACCOUNT = '555566667777';
const TABLE = 'storm';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/DevOps`;

type Handler = (event: unknown) => Promise<{ status: string }>;
let guard: Handler;
let iam: IAMClient;
let iamWrites = 0;

beforeAll(async () => {
  useMoto();
  const security = await createSecurityAccount(TABLE);
  iam = await createMemberAccount(ACCOUNT, ['DevOps']);
  Object.assign(process.env, { STATE_TABLE: TABLE, TOPIC_ARN: security.topicArn, POLICY_FILE: policyFile('enforce'), POWERTOOLS_METRICS_DISABLED: 'true' });
  guard = ((await import('../../functions/guard/handler.ts')) as { handler: Handler }).handler;
  // Count IAM writes as they leave for the emulator (query protocol: the action is in the body).
  const http = (await import('node:http')).default;
  const original = http.request;
  http.request = ((...args: Parameters<typeof http.request>) => {
    const request = original(...args);
    const count = (chunk: unknown) => {
      if (chunk && /Action=(PutRolePolicy|TagRole|PutUserPolicy|CreatePolicy|CreatePolicyVersion|AttachRolePolicy)&/.test(String(chunk))) iamWrites++;
    };
    const write = request.write.bind(request);
    const end = request.end.bind(request);
    request.write = ((chunk: unknown, ...rest: unknown[]) => (count(chunk), (write as (...a: unknown[]) => boolean)(chunk, ...rest))) as typeof request.write;
    request.end = ((chunk?: unknown, ...rest: unknown[]) => (typeof chunk !== 'function' && count(chunk), (end as (...a: unknown[]) => typeof request)(chunk, ...rest))) as typeof request.end;
    return request;
  }) as typeof http.request;
});

describe(`storm: ${EVENTS} violating events from one agent session, ${CONCURRENCY} in flight`, () => {
  it('writes IAM once per distinct response and accounts for every event in the ledger', async () => {
    const [assume, put] = scenarioEvents('02-tagged-session-escalates', ACCOUNT);
    await guard(assume);
    const events = Array.from({ length: EVENTS }, (_, i) => {
      const event = structuredClone(put) as { id: string; detail: { eventID: string; eventTime: string } };
      event.id = `storm-${i}`;
      event.detail.eventID = `5f0e0000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      event.detail.eventTime = new Date(Date.UTC(2026, 10, 20, 9, 11) + i * 10).toISOString().replace(/\.\d+Z$/, 'Z');
      return event;
    });
    // Every event twice over the storm: duplicates must not add responses either.
    const deliveries = [...events, ...events.slice(0, Math.floor(EVENTS / 10))];
    const outcomes = new Map<string, number>();
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < deliveries.length) {
          const result = await guard(deliveries[next++]);
          outcomes.set(result.status, (outcomes.get(result.status) ?? 0) + 1);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;

    const ledger = await new DynamoDbState(documentClient(), TABLE).entriesFor(ROLE_ARN);
    const count = (outcome: string) => ledger.filter((e) => e.outcome === outcome).length;
    const byOutcome = { intent: count('intent'), contained: count('contained'), coalesced: count('coalesced'), failed: count('failed') };
    const eventsInLedger = new Set(ledger.filter((e) => e.outcome !== 'intent').map((e) => e.eventID));
    // Calls answered from the environment's memory of applied responses (applied-responses.ts) are noted on
    // their own event records instead of the principal's ledger.
    const noted = new Set<string>();
    const client = documentClient();
    const { BatchGetCommand } = await import('@aws-sdk/lib-dynamodb');
    const ids = events.map((e) => e.detail.eventID).filter((id) => !eventsInLedger.has(id));
    for (let i = 0; i < ids.length; i += 100) {
      const page = await client.send(new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: ids.slice(i, i + 100).map((id) => ({ pk: `EVENT#${id}`, sk: '_' })) } } }));
      for (const item of page.Responses?.[TABLE] ?? []) if (typeof item.note === 'string' && item.note.includes('"coalesced"')) noted.add(String(item.pk).slice('EVENT#'.length));
    }
    const { PolicyNames } = await iam.send(new ListRolePoliciesCommand({ RoleName: 'DevOps' }));
    const report = {
      benchmark: 'storm',
      events: EVENTS,
      duplicateDeliveries: deliveries.length - EVENTS,
      concurrency: CONCURRENCY,
      seconds: Number(seconds.toFixed(1)),
      eventsPerSecond: Math.round(deliveries.length / seconds),
      iamWrites,
      distinctResponses: byOutcome.contained,
      ledger: byOutcome,
      notedOnTheirEvent: noted.size,
      containedBy: ledger.filter((e) => e.outcome === 'contained').map((e) => `${e.eventID} ${e.response}: ${e.changes.map((c) => c.kind).join('+')}`),
      deliveries: Object.fromEntries(outcomes),
      policiesOnRole: PolicyNames,
    };
    mkdirSync('bench/.data', { recursive: true });
    writeFileSync('bench/.data/storm.json', `${JSON.stringify(report, null, 2)}\n`);
    console.info(JSON.stringify(report, null, 2));

    expect(outcomes.get('processed')).toBe(EVENTS);
    expect(outcomes.get('duplicate')).toBe(deliveries.length - EVENTS);
    expect(eventsInLedger.size + noted.size).toBe(EVENTS);
    expect(byOutcome.failed).toBe(0);
    expect(byOutcome.contained + byOutcome.coalesced + noted.size).toBe(EVENTS);
    // Every response claim came with its intent entry; most calls after the first containments claimed nothing.
    expect(byOutcome.intent).toBe(byOutcome.contained + byOutcome.coalesced);
    expect(noted.size).toBeGreaterThan(EVENTS / 2);
    // deny-action, then quarantine-role once the strikes escalate, then (the agent writing to its own,
    // now quarantined, role) the tamper rule's deny: at most one write of each (plus the quarantine tag).
    expect(byOutcome.contained).toBeLessThanOrEqual(3);
    expect(iamWrites).toBeGreaterThan(0);
    expect(iamWrites).toBeLessThanOrEqual(byOutcome.contained * 2);
    expect(PolicyNames).toEqual(expect.arrayContaining(['AgentGuardrail-DenyActions', 'AgentGuardrail-Quarantine', 'app']));
  });
});
