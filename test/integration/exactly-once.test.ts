import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { GetRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbState } from '../../functions/aws/dynamodb-state.ts';
import { startRecordingProxy } from '../helpers/recording-proxy.ts';
import { createMemberAccount, createSecurityAccount, policyFile, scenarioEvents, useMoto } from './aws-fixture.ts';

// The deployed handler against moto's DynamoDB and IAM, through a proxy that can hold a call forever
// (a process killed while it waits). Its own account and table beside the other integration files.
const ACCOUNT = '333344446666';
const TABLE = 'guard-once';

type Handler = (event: unknown, context: { getRemainingTimeInMillis(): number }) => Promise<{ status: string; findings?: { outcome: string }[] }>;
let guard: Handler;
let iam: IAMClient;
let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
let holdIamWrites = false;

const withRemaining = (ms: number) => ({ getRemainingTimeInMillis: () => ms });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const renamed = (event: unknown, from: string, to: string) => JSON.parse(JSON.stringify(event).replaceAll(from, to)) as unknown;
const iamWrites = () => proxy.calls.filter((c) => c.action === 'iam:PutRolePolicy').length;

beforeAll(async () => {
  const moto = useMoto();
  const security = await createSecurityAccount(TABLE);
  iam = await createMemberAccount(ACCOUNT, ['DevOps', 'Builder', 'Batch']);
  proxy = await startRecordingProxy(moto, (_service, action) => (holdIamWrites && action === 'iam:PutRolePolicy' ? Number.POSITIVE_INFINITY : 0));
  Object.assign(process.env, { AWS_ENDPOINT_URL: proxy.endpoint, STATE_TABLE: TABLE, TOPIC_ARN: security.topicArn, POLICY_FILE: policyFile('enforce') });
  guard = ((await import('../../functions/guard/handler.ts')) as { handler: Handler }).handler;
});
afterAll(() => proxy.close());

describe('the deployed guard, exactly once (moto)', () => {
  it('a guard killed before the IAM write is retried after its lease ran out, and contains', async () => {
    const [, del] = scenarioEvents('01-mcp-server-deletes-bucket', ACCOUNT);
    holdIamWrites = true;
    // Lambda gives this invocation 400 ms; its IAM write never leaves (the process is killed at the timeout).
    void guard(del, withRemaining(400)).catch(() => undefined);
    await sleep(200);
    expect(iamWrites()).toBe(0);
    // A redelivery inside the lease is a duplicate, not an error: Lambda retries the timed-out holder.
    expect(await guard(del, withRemaining(60_000))).toMatchObject({ status: 'duplicate', inProgress: true });
    await sleep(300);
    holdIamWrites = false;
    // Lambda's retry, after the timeout: both claims have lapsed with the dead invocation.
    expect(await guard(del, withRemaining(60_000))).toMatchObject({ status: 'processed', findings: [{ outcome: 'contained' }] });
    const policy = await iam.send(new GetRolePolicyCommand({ RoleName: 'DevOps', PolicyName: 'AgentGuardrail-Quarantine' }));
    expect(policy.PolicyDocument).toBeTruthy();
  });

  it('a redelivery after success writes nothing and counts no second strike', async () => {
    const [assume, put] = scenarioEvents('02-tagged-session-escalates', ACCOUNT).map((e) => renamed(e, 'DevOps', 'Builder'));
    await guard(assume, withRemaining(60_000));
    expect(await guard(put, withRemaining(60_000))).toMatchObject({ status: 'processed', findings: [{ outcome: 'contained' }] });
    const writes = iamWrites();
    const calls = proxy.calls.length;
    expect(await guard(put, withRemaining(60_000))).toMatchObject({ status: 'duplicate' });
    expect(iamWrites()).toBe(writes);
    expect(proxy.calls.slice(calls).map((c) => c.service)).not.toContain('iam');
    const strikes = await DynamoDBDocumentClient.from(new DynamoDBClient({})).send(
      // Strikes count against the agent: its lineage's first session, by name and issue time.
      new GetCommand({ TableName: TABLE, Key: { pk: 'STRIKE#AROAEXAMPLEDEVOPS001:agent-run-42|2026-11-20T09:10:00.000Z|no-privilege-escalation', sk: '_' } }),
    );
    expect((strikes.Item?.strikes as Set<string>).size).toBe(1);
  });

  it('concurrent duplicate deliveries write once', async () => {
    const [, del] = scenarioEvents('01-mcp-server-deletes-bucket', ACCOUNT).map((e) => renamed(renamed(e, 'DevOps', 'Batch'), 'a4efcfc5-c242', 'a4efcfc5-c243'));
    const before = iamWrites();
    const results = await Promise.all(Array.from({ length: 6 }, () => guard(del, withRemaining(60_000))));
    expect(results.filter((r) => r.status === 'processed')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(5);
    expect(iamWrites() - before).toBe(1);
  });
});

describe('strikes in the state table (moto)', () => {
  const state = () => new DynamoDbState(DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: inject('motoEndpoint') })), TABLE);
  const MINUTE = 60_000;

  it('counts an event once, however often it is counted, within the sliding window', async () => {
    const s = state();
    expect(await s.countStrike('p|once', 'e1', 0, 10 * MINUTE, 3)).toBe(1);
    expect(await s.countStrike('p|once', 'e1', 0, 10 * MINUTE, 3)).toBe(1);
    expect(await s.countStrike('p|once', 'e2', 5 * MINUTE, 10 * MINUTE, 3)).toBe(2);
    expect(await s.countStrike('p|once', 'e3', 12 * MINUTE, 10 * MINUTE, 3)).toBe(2);
  });

  it('keeps at most the threshold in the window, and makes room when old strikes fill it', async () => {
    const s = state();
    for (const [i, at] of [0, 1, 2].entries()) await s.countStrike('p|full', `old${i}`, at * MINUTE, 10 * MINUTE, 3);
    expect(await s.countStrike('p|full', 'e4', 3 * MINUTE, 10 * MINUTE, 3)).toBeGreaterThanOrEqual(3);
    // An hour later the three are stale: the new strike is the first of a new window, not "the threshold".
    expect(await s.countStrike('p|full', 'e5', 70 * MINUTE, 10 * MINUTE, 3)).toBe(1);
    const item = await DynamoDBDocumentClient.from(new DynamoDBClient({})).send(new GetCommand({ TableName: TABLE, Key: { pk: 'STRIKE#p|full', sk: '_' } }));
    expect([...(item.Item?.strikes as Set<string>)]).toHaveLength(1);
  });
});

describe('revocations in the state table (moto)', () => {
  const state = () => new DynamoDbState(DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: inject('motoEndpoint') })), TABLE);
  const HOUR = 3_600_000;
  const role = 'arn:aws:iam::111122223333:role/Revoked';

  it('remembers the latest revocation of a role for the longest session, and never moves it back', async () => {
    const s = state();
    expect(await s.revokedSince(role, 10 * HOUR)).toBeNull();
    await s.rememberRevocation(role, 10 * HOUR);
    await s.rememberRevocation(role, 9 * HOUR); // a redelivered older revocation
    expect(await s.revokedSince(role, 11 * HOUR)).toBe(10 * HOUR);
    expect(await s.revokedSince(role, 9 * HOUR)).toBeNull();
    expect(await s.revokedSince(role, 23 * HOUR)).toBeNull();
  });
});

describe("a role's agent sessions in the state table (moto)", () => {
  const state = () => new DynamoDbState(DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: inject('motoEndpoint') })), TABLE);
  const role = 'arn:aws:iam::111122223333:role/Listed';
  const session = (userId: string, expiresAt: number) => ({ accessKeyId: null, roleSessionKey: userId, roleArn: role, signals: ['session-tag' as const], evidence: 'test', expiresAt });

  it('lists every live agent session of a role, in one item the event batch reads', async () => {
    const s = state();
    await Promise.all([s.putSession(session('AROAEXAMPLELISTED001:a', 2_000)), s.putSession(session('AROAEXAMPLELISTED001:b', 5_000))]);
    await s.putSession(session('AROAEXAMPLELISTED001:c', 9_000));
    expect((await s.agentSessionsOn(role, 3_000)).sort()).toEqual(['AROAEXAMPLELISTED001:b', 'AROAEXAMPLELISTED001:c']);
    const batch = await s.prefetch({ sessionKeys: [], roleTagKey: null, quarantineArn: null, exemptionArn: null, identityKey: null, sessionRoleArn: role }, 3_000);
    expect([...(batch.roleSessions ?? new Map()).keys()].sort()).toEqual(['AROAEXAMPLELISTED001:a', 'AROAEXAMPLELISTED001:b', 'AROAEXAMPLELISTED001:c']);
  });
});

describe("an agent's lineage, what a containment took and a contained lineage, in the state table (moto)", () => {
  const state = () => new DynamoDbState(DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: inject('motoEndpoint') })), TABLE);
  const origin = 'AROAEXAMPLELINEAGE01:agent|2026-11-20T09:00:00.000Z';
  const at = Date.parse('2026-11-20T09:00:00Z');

  it('indexes every session of a lineage across roles, by name and issue time, and reads it in the event batch', async () => {
    const s = state();
    const session = (role: string, name: string, issuedAt: number) => ({
      accessKeyId: null, roleSessionKey: `AROAEXAMPLELINEAGE01:${name}`, roleArn: `arn:aws:iam::111122223333:role/${role}`, signals: ['session-tag' as const], evidence: 'test', expiresAt: at + 3_600_000, issuedAt, origin,
    });
    await Promise.all([s.putSession(session('DevOps', 'agent', at)), s.putSession(session('Build', 'hop', at + 60_000))]);
    const expected = ['arn:aws:iam::111122223333:role/Build AROAEXAMPLELINEAGE01:hop|2026-11-20T09:01:00.000Z', 'arn:aws:iam::111122223333:role/DevOps AROAEXAMPLELINEAGE01:agent|2026-11-20T09:00:00.000Z'];
    expect((await s.lineageSessions(origin, at + 120_000)).sort()).toEqual(expected);
    const batch = await s.prefetch({ sessionKeys: [], roleTagKey: null, quarantineArn: null, exemptionArn: null, identityKey: null, lineageOrigin: origin }, at);
    expect([...(batch.lineage ?? new Map()).keys()].sort()).toEqual(expected);
    expect(await s.lineageSessions(origin, at + 7_200_000)).toEqual([]);
  });

  it('remembers a contained lineage for 12 hours, each rule once, and what a containment took for 30 days', async () => {
    const s = state();
    await Promise.all([s.rememberContainedLineage(origin, 'no-privilege-escalation', at), s.rememberContainedLineage(origin, 'no-audit-evasion', at + 1_000)]);
    expect((await s.containedLineage(origin, at + 3_600_000)).sort()).toEqual(['no-audit-evasion', 'no-privilege-escalation']);
    expect(await s.containedLineage(origin, at + 13 * 3_600_000)).toEqual([]);
    await s.rememberTaken('access-key#AKIAEXAMPLETAKEN0001', at);
    expect(await s.wasTaken('access-key#AKIAEXAMPLETAKEN0001', at + 29 * 86_400_000)).toBe(true);
    expect(await s.wasTaken('access-key#AKIAEXAMPLETAKEN0001', at + 31 * 86_400_000)).toBe(false);
    expect(await s.wasTaken('access-key#AKIAEXAMPLEOTHER00001', at)).toBe(false);
  });
});

describe("a session index at DynamoDB's 400 KB item edge (moto)", () => {
  const client = () => DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: inject('motoEndpoint') }));

  it('an index written before it was bounded (about 390 KB) is pruned by the next session it records: ended entries gone, within the limits, the latest kept', async () => {
    const s = new DynamoDbState(client(), TABLE);
    const origin = 'AROAEXAMPLEBUSYAGENT:origin|2026-11-20T09:00:00.000Z';
    const now = Date.parse('2026-11-20T09:00:00Z');
    // Roles with IAM's longest path (512 characters): each lineage entry is about 600 bytes.
    const role = (i: number) => `arn:aws:iam::111122223333:role/${'p'.repeat(510)}/r${i}`;
    const legacy = Object.fromEntries(Array.from({ length: 640 }, (_, i) => [`${role(i)} AROAEXAMPLEBUSYAGENT:s${i}|2026-11-20T08:00:00.000Z`, i < 100 ? now - 60_000 : now + 3_600_000 + i * 1_000]));
    await client().send(new PutCommand({ TableName: TABLE, Item: { pk: `LINEAGE#${origin}`, sk: '_', sessions: legacy, expiresAt: Math.ceil(now / 1000) } }));
    await s.putSession({ accessKeyId: null, roleSessionKey: 'AROAEXAMPLEBUSYAGENT:new', roleArn: role(999), signals: ['session-tag' as const], evidence: 'test', expiresAt: now + 7_200_000, issuedAt: now, origin });
    const item = (await client().send(new GetCommand({ TableName: TABLE, Key: { pk: `LINEAGE#${origin}`, sk: '_' } }))).Item!;
    const names = Object.keys(item.sessions as Record<string, number>);
    expect(JSON.stringify(item).length).toBeLessThanOrEqual(310_000);
    expect(names.some((n) => /:s(\d|[1-9]\d)\|/.test(n) && Number(/:s(\d+)\|/.exec(n)![1]) < 100)).toBe(false);
    expect(names).toContain(`${role(999)} AROAEXAMPLEBUSYAGENT:new|2026-11-20T09:00:00.000Z`);
    expect(names).toContain(`${role(639)} AROAEXAMPLEBUSYAGENT:s639|2026-11-20T08:00:00.000Z`);
    // The item lives as long as its latest-living session.
    expect(item.expiresAt).toBe(Math.ceil((now + 7_200_000) / 1000));
  });
});
