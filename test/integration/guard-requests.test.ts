import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUARD_REQUESTS } from '../../cli/volume/guard-requests.ts';
import { scenarioEvents } from './aws-fixture.ts';
import { guardOnMoto, type GuardHandler } from '../helpers/guard-on-moto.ts';

// The DynamoDB requests behind the volume model's figures, measured on the guard handler against moto.
const ACCOUNT = '555566667777';
const TABLE = 'guard-requests';

let guard: GuardHandler;
let proxy: Awaited<ReturnType<typeof guardOnMoto>>['proxy'];

beforeAll(async () => {
  ({ guard, proxy } = await guardOnMoto(TABLE, { [ACCOUNT]: ['DevOps'] }));
});
afterAll(() => proxy.close());

async function dynamoRequests(event: unknown) {
  proxy.calls.length = 0;
  const result = await guard(event, { getRemainingTimeInMillis: () => 60_000 });
  const dynamo = proxy.calls.filter((c) => c.service === 'dynamodb');
  const reads = dynamo.filter((c) => /GetItem|BatchGetItem|Query/.test(c.action));
  const readKeys = reads.reduce((n, c) => n + (c.action === 'dynamodb:BatchGetItem' ? Object.values((c.params.RequestItems ?? {}) as Record<string, { Keys: unknown[] }>).reduce((k, t) => k + t.Keys.length, 0) : 1), 0);
  if (process.env.SHOW_CALLS) console.log(JSON.stringify(result), dynamo.map((c) => `${c.action} ${JSON.stringify(c.params).slice(0, 300)}`).join("\n"));
  return { result, reads: reads.length, writes: dynamo.length - reads.length, readKeys, actions: dynamo.map((c) => c.action) };
}

const withId = (event: Record<string, unknown>, id: string, patch: Record<string, unknown> = {}) => {
  const detail = event.detail as Record<string, unknown>;
  return { ...event, id, detail: { ...detail, eventID: id, ...patch } };
};

describe('DynamoDB requests per forwarded event (the volume model\'s figures)', () => {
  it('a session minted, then a person\'s watched call in it that breaks no rule', async () => {
    const [assume, put] = scenarioEvents('03-human-on-same-role', ACCOUNT);
    // The role's first session also learns the role's tags (once per role); the figure is a known role's.
    await dynamoRequests(withId(assume!, 'req-assume-0'));
    const session = await dynamoRequests(withId(assume!, 'req-assume-1'));
    expect(session.result).toMatchObject({ status: 'processed' });
    expect({ reads: session.reads, writes: session.writes, readKeys: session.readKeys }, session.actions.join(', ')).toEqual(GUARD_REQUESTS.session);
    // bob reads a decrypted parameter in that session: watched (a rule for agents), bob is no agent.
    const read = withId(put!, 'req-read-1', { eventSource: 'ssm.amazonaws.com', eventName: 'GetParameter', readOnly: true, requestParameters: { name: '/prod/db', withDecryption: true }, responseElements: null });
    await dynamoRequests(read);
    // The first such call also learnt the role's tags; the figure is the next one's.
    const benign = await dynamoRequests(withId(read, 'req-read-2'));
    expect(benign.result).toMatchObject({ status: 'processed', findings: [{ verdict: 'allow' }] });
    expect({ reads: benign.reads, writes: benign.writes, readKeys: benign.readKeys }, benign.actions.join(', ')).toEqual(GUARD_REQUESTS.benign);
  });
});
