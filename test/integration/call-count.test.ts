import http from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMemberAccount, createSecurityAccount, policyFile, scenarioEvents, useMoto } from './aws-fixture.ts';

// Its own member account and table, beside the other integration files on the same moto server.
const ACCOUNT = '333344445555';
const TABLE = 'guard-calls';

type Handler = (event: unknown) => Promise<Record<string, unknown>>;
let guard: Handler;
const calls: string[] = [];

beforeAll(async () => {
  useMoto();
  const security = await createSecurityAccount(TABLE);
  await createMemberAccount(ACCOUNT, ['DevOps']);
  Object.assign(process.env, { STATE_TABLE: TABLE, TOPIC_ARN: security.topicArn, POLICY_FILE: policyFile('enforce') });
  guard = ((await import('../../functions/guard/handler.ts')) as { handler: Handler }).handler;
  // Every AWS call leaves through http.request (the SDK's node handler): record the target of each.
  const original = http.request;
  http.request = ((...args: Parameters<typeof http.request>) => {
    const options = args[0] as { headers?: Record<string, string> };
    calls.push(String(options.headers?.['x-amz-target'] ?? options.headers?.['X-Amz-Target'] ?? 'query'));
    return original(...args);
  }) as typeof http.request;
});

async function count(event: unknown): Promise<number> {
  calls.length = 0;
  await guard(event);
  console.info(calls.join(' → '));
  return calls.length;
}

describe('AWS calls from event to containment (sequential, counted against moto)', () => {
  it('stays within a small, fixed number of calls, cold and warm', async () => {
    const [assume, put] = scenarioEvents('02-tagged-session-escalates', ACCOUNT);
    const [, deleteBucket] = scenarioEvents('01-mcp-server-deletes-bucket', ACCOUNT);
    await count(assume);
    const cold = await count(put); // first containment in this container: assumes the responder role
    const warm = await count(deleteBucket); // cached credentials; writes a new (quarantine) policy and a tag
    console.info(`AWS calls per contained event: cold ${cold}, warm ${warm}`);
    expect(cold).toBeLessThanOrEqual(20);
    expect(warm).toBeLessThanOrEqual(20);
  });
});
