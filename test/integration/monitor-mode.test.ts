import { ListRolePoliciesCommand, type IAMClient } from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMemberAccount, createSecurityAccount, policyFile, receiveAll, scenarioEvents, useMoto } from './aws-fixture.ts';
import { documentClient } from '../../functions/aws/clients.ts';
import { DynamoDbState } from '../../functions/aws/dynamodb-state.ts';

// Its own member account and table, so it runs beside the enforce-mode file on the same moto server.
const ACCOUNT = '222233334444';
const TABLE = 'guard-monitor';

type Handler = (event: unknown) => Promise<Record<string, unknown>>;
let guard: Handler;
let iam: IAMClient;
let queueUrl: string;

beforeAll(async () => {
  useMoto();
  const security = await createSecurityAccount(TABLE);
  queueUrl = security.queueUrl;
  iam = await createMemberAccount(ACCOUNT, ['DevOps']);
  Object.assign(process.env, { STATE_TABLE: TABLE, TOPIC_ARN: security.topicArn, POLICY_FILE: policyFile('monitor') });
  guard = ((await import('../../functions/guard/handler.ts')) as { handler: Handler }).handler;
});

describe('guard in monitor mode', () => {
  it('finds, ledgers and notifies violations but writes nothing to IAM', async () => {
    for (const event of [...scenarioEvents('02-tagged-session-escalates', ACCOUNT), ...scenarioEvents('01-mcp-server-deletes-bucket', ACCOUNT)]) {
      await guard(event);
    }
    const { PolicyNames } = await iam.send(new ListRolePoliciesCommand({ RoleName: 'DevOps' }));
    expect(PolicyNames).toEqual(['app']);
    const ledger = await new DynamoDbState(documentClient(), TABLE).entriesFor(`arn:aws:iam::${ACCOUNT}:role/DevOps`);
    expect(ledger.map((e) => e.outcome)).toEqual(['monitored', 'monitored', 'monitored', 'monitored']);
    expect(ledger.every((e) => e.changes.length === 0)).toBe(true);
    expect((await receiveAll(queueUrl)).filter((m) => m.outcome === 'monitored')).toHaveLength(4);
  });
});
