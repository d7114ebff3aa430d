import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criticalPath, type CriticalPath } from '../helpers/critical-path.ts';
import { scenarioEvents } from './aws-fixture.ts';
import { guardOnMoto, type GuardHandler } from '../helpers/guard-on-moto.ts';

// Its own member account and table, beside the other integration files on the same moto server.
const ACCOUNT = '333344445555';
const TABLE = 'guard-calls';

let guard: GuardHandler;
let proxy: Awaited<ReturnType<typeof guardOnMoto>>['proxy'];

beforeAll(async () => {
  // The guard's clients go through a recording proxy: every call, with when it was sent and answered.
  ({ guard, proxy } = await guardOnMoto(TABLE, { [ACCOUNT]: ['DevOps', 'DataOps'] }));
});
afterAll(() => proxy.close());

async function measure(event: unknown): Promise<CriticalPath> {
  proxy.calls.length = 0;
  await guard(event, { getRemainingTimeInMillis: () => 60_000 });
  // Bookkeeping after the write finishes within the invocation: every call is in.
  const path = criticalPath(proxy.calls);
  console.info(path.timeline);
  return path;
}

describe('the path from event to containment (against moto, through a recording proxy)', () => {
  it('reaches the IAM write after at most 2 sequential DynamoDB round trips (3 when the rule escalates) and no IAM read', async () => {
    const [assume, put, attach, attachUser] = scenarioEvents('02-tagged-session-escalates', ACCOUNT);
    // Another role in the same account: a response of its own, through the same (warm) IAM client.
    const [listBuckets, deleteBucket] = scenarioEvents('01-mcp-server-deletes-bucket', ACCOUNT).map((e) => JSON.parse(JSON.stringify(e).replaceAll('DevOps', 'DataOps')) as unknown);
    await measure(assume);
    // Escalating rule, first containment in this container (new responder credentials), and the role's
    // tags not yet in state: read once from IAM (the role-tag signal), then kept.
    const cold = await measure(put);
    // The same agent again: the same deny is already in place (coalesced, no write); the third strike
    // escalates to a quarantine, a new response written warm.
    expect((await measure(attach)).write).toBeNull();
    const warmEscalating = await measure(attachUser);
    await measure(listBuckets); // the agent's first, allowed call: DataOps' tags are read and kept
    const warm = await measure(deleteBucket); // no escalation
    console.info(
      `before the IAM write: cold ${cold.dynamoRoundTrips} DynamoDB round trips and ${cold.iamCallsBefore} IAM read (${cold.callsBefore} calls); ` +
        `warm, escalating ${warmEscalating.dynamoRoundTrips} and ${warmEscalating.iamCallsBefore} (${warmEscalating.callsBefore} calls); ` +
        `warm ${warm.dynamoRoundTrips} and ${warm.iamCallsBefore} (${warm.callsBefore} calls)`,
    );
    for (const path of [cold, warmEscalating, warm]) expect(path.write?.action).toBe('iam:PutRolePolicy');
    expect(cold.dynamoRoundTrips).toBeLessThanOrEqual(3);
    expect(warmEscalating.dynamoRoundTrips).toBeLessThanOrEqual(3);
    expect(warm.dynamoRoundTrips).toBeLessThanOrEqual(2);
    // The one IAM read before a write: a role's tags, the first time that role is seen.
    expect(cold.iamCallsBefore).toBe(1);
    expect(cold.timeline).toMatch(/iam:ListRoleTags/);
    expect(warmEscalating.iamCallsBefore).toBe(0);
    expect(warm.iamCallsBefore).toBe(0);
    // Warm, the responder's credentials are cached: nothing but DynamoDB precedes the write.
    expect(warm.servicesBefore).toEqual(['dynamodb']);
  });
});
