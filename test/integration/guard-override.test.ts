import { GetRolePolicyCommand, ListRolePoliciesCommand, ListRoleTagsCommand, DeleteRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMemberAccount, createSecurityAccount, policyFile, receiveAll, scenarioEvents, useMoto, APP_POLICY } from './aws-fixture.ts';
import { documentClient } from '../../functions/aws/clients.ts';
import { DynamoDbState } from '../../functions/aws/dynamodb-state.ts';

const ACCOUNT = '111122223333';
const TABLE = 'guard-enforce';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/DevOps`;

type Handler = (event: unknown) => Promise<Record<string, unknown>>;
let guard: Handler;
let override: Handler;
let iam: IAMClient;
let queueUrl: string;
let state: DynamoDbState;

async function inlinePolicies(role: string): Promise<Record<string, unknown>> {
  const { PolicyNames = [] } = await iam.send(new ListRolePoliciesCommand({ RoleName: role }));
  const out: Record<string, unknown> = {};
  for (const name of PolicyNames.sort()) {
    const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: name }));
    out[name] = JSON.parse(decodeURIComponent(PolicyDocument!));
  }
  return out;
}

async function roleTags(role: string): Promise<Record<string, string>> {
  const { Tags = [] } = await iam.send(new ListRoleTagsCommand({ RoleName: role }));
  return Object.fromEntries(Tags.map((t) => [t.Key!, t.Value!]));
}

beforeAll(async () => {
  useMoto();
  const security = await createSecurityAccount(TABLE);
  queueUrl = security.queueUrl;
  iam = await createMemberAccount(ACCOUNT, ['DevOps', 'Admin']);
  Object.assign(process.env, {
    STATE_TABLE: TABLE,
    TOPIC_ARN: security.topicArn,
    POLICY_FILE: policyFile('enforce'),
    RELEASE_GRACE_MINUTES: '30',
  });
  guard = ((await import('../../functions/guard/handler.ts')) as { handler: Handler }).handler;
  override = ((await import('../../functions/override/handler.ts')) as { handler: Handler }).handler;
  state = new DynamoDbState(documentClient(), TABLE);
});

describe('guard and override handlers against moto (enforce mode)', () => {
  it('denies an agent session escalating privileges, scoped to the agent, and leaves the human alone', async () => {
    const [assume, put] = scenarioEvents('02-tagged-session-escalates');
    expect(await guard(assume)).toMatchObject({ status: 'processed', findings: [{ verdict: 'allow' }] });
    expect(await guard(put)).toMatchObject({ status: 'processed', findings: [{ verdict: 'violation', outcome: 'contained', response: 'deny-action' }] });

    const policies = await inlinePolicies('DevOps');
    expect(Object.keys(policies)).toEqual(['AgentGuardrail-DenyActions', 'app']);
    const deny = policies['AgentGuardrail-DenyActions'] as { Statement: { Condition: unknown; Action: string[] }[] };
    // The agent's tag, and its own session beside it (a chained session carries no tag), bound by its issue time.
    expect(deny.Statement.map((s) => s.Condition)).toEqual([
      {
        StringEquals: { 'aws:userid': 'AROAEXAMPLEDEVOPS001:agent-run-42' },
        DateGreaterThanEquals: { 'aws:TokenIssueTime': '2026-11-20T09:09:59.000Z' },
        DateLessThan: { 'aws:TokenIssueTime': '2026-11-20T09:10:02.000Z' },
      },
      { StringEquals: { 'aws:PrincipalTag/ai-agent': 'true' } },
    ]);
    for (const statement of deny.Statement) expect(statement.Action).toContain('iam:Put*Policy');

    // The human on the same role: allowed, and nothing more is written.
    for (const event of scenarioEvents('03-human-on-same-role')) {
      expect(await guard(event)).toMatchObject({ status: 'processed', findings: [{ verdict: 'allow', outcome: null }] });
    }
    expect(await inlinePolicies('DevOps')).toEqual(policies);

    const ledger = await state.entriesFor(ROLE_ARN);
    expect(ledger.map((e) => e.outcome)).toEqual(['intent', 'contained']);
    expect(ledger[1]!.changes[0]).toMatchObject({ kind: 'inline-policy', policyName: 'AgentGuardrail-DenyActions', previous: null });
    const published = await receiveAll(queueUrl);
    expect(published).toContainEqual(expect.objectContaining({ outcome: 'contained', rule: 'no-privilege-escalation', principal: ROLE_ARN }));
  });

  it('answers a duplicate delivery once', async () => {
    const [, put] = scenarioEvents('02-tagged-session-escalates');
    expect(await guard(put)).toMatchObject({ status: 'duplicate' });
    expect((await state.entriesFor(ROLE_ARN)).length).toBe(2);
  });

  it('rejects spoofed envelopes and custom events, writing nothing', async () => {
    // Foreign accounts never reach the guard: the central bus policy refuses them (test/twin/delivery).
    const [, custom] = scenarioEvents('02-tagged-session-escalates');
    expect(await guard({ ...custom, source: 'my.app' })).toMatchObject({ status: 'rejected' });
    const [, spoofed] = scenarioEvents('02-tagged-session-escalates');
    expect(await guard({ ...spoofed, account: '444455556666' })).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/envelope account/) });
    expect(await guard({ hello: 'world' })).toMatchObject({ status: 'rejected' });
  });

  it('quarantines the agent deleting a bucket through the AWS MCP server (not the shared role), and re-applies after tampering', async () => {
    const [list, del] = scenarioEvents('01-mcp-server-deletes-bucket');
    await guard(list);
    expect(await guard(del)).toMatchObject({ findings: [{ verdict: 'violation', response: 'quarantine-role', outcome: 'contained' }] });
    const policies = await inlinePolicies('DevOps');
    // Everything denied to its MCP requests (and to the agent session recorded on the role earlier in this file).
    const statements = (policies['AgentGuardrail-Quarantine'] as { Statement: { Sid: string; Action: string; Condition?: unknown }[] }).Statement;
    expect(statements.every((s) => s.Action === '*' && s.Condition !== undefined)).toBe(true);
    expect(statements.map((s) => s.Condition)).toContainEqual({ Bool: { 'aws:ViaAWSMCPService': 'true' } });
    expect(await roleTags('DevOps')).not.toHaveProperty('agent-guardrail:quarantined');
    expect(await state.isQuarantined(ROLE_ARN)).toBe(false);

    // An administrator removes the quarantine policy by hand: a tamper violation, and the policy comes back.
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'DevOps', PolicyName: 'AgentGuardrail-Quarantine' }));
    const [tamper] = scenarioEvents('07-tampering');
    const detail = (tamper as { detail: { requestParameters: Record<string, string> } }).detail;
    detail.requestParameters.policyName = 'AgentGuardrail-Quarantine';
    expect(await guard(tamper)).toMatchObject({ findings: [{ verdict: 'violation', rule: 'guardrail-tamper', outcome: 'contained' }] });
    expect(await inlinePolicies('DevOps')).toHaveProperty('AgentGuardrail-Quarantine');
  });

  it('releases the role exactly: original policies and tags back, guardrail documents gone, grace window set', async () => {
    const result = await override({ command: 'release', target: { principalArn: ROLE_ARN }, reason: 'false positive', ticket: 'SEC-1' });
    expect(result).toMatchObject({ ok: true, command: 'release' });
    expect(await inlinePolicies('DevOps')).toEqual({ app: APP_POLICY });
    expect(await roleTags('DevOps')).toEqual({ team: 'platform' });
    expect(await state.isQuarantined(ROLE_ARN)).toBe(false);
    expect(await state.exemptionFor(ROLE_ARN, Date.now())).toMatchObject({ reason: expect.stringMatching(/grace after release/) });
    const status = await override({ command: 'status', target: { principalArn: ROLE_ARN }, reason: 'check after release' });
    expect(status).toMatchObject({ ok: true, active: [] });
  });

  it('quarantines and releases on an operator command', async () => {
    const arn = `arn:aws:iam::${ACCOUNT}:role/Admin`;
    expect(await override({ command: 'quarantine', target: { principalArn: arn }, reason: 'suspicious', operator: 'alice' })).toMatchObject({ ok: true });
    expect(await inlinePolicies('Admin')).toHaveProperty('AgentGuardrail-Quarantine');
    const status = (await override({ command: 'status', target: { principalArn: arn }, reason: 'look' })) as { active: { outcome: string }[] };
    // Admin also broke the tamper rule earlier in this file (it deleted a guardrail policy): two containments.
    expect(status.active.map((e) => e.outcome)).toEqual(['contained', 'contained']);
    expect(await override({ command: 'release', target: { principalArn: arn }, reason: 'cleared' })).toMatchObject({ ok: true });
    expect(await inlinePolicies('Admin')).toEqual({ app: APP_POLICY });
  });

  it.each([
    [{ command: 'release', target: { principalArn: ROLE_ARN } }, 'InvalidPayload'],
    [{ command: 'exempt', target: { principalArn: ROLE_ARN }, reason: 'ok then', until: '2001-01-01T00:00:00Z' }, 'UntilInPast'],
    [{ command: 'quarantine', target: { principalArn: `arn:aws:iam::${ACCOUNT}:role/Nobody` }, reason: 'x y z' }, 'UnknownPrincipal'],
    [{ command: 'quarantine', target: { principalArn: 'not-an-arn' }, reason: 'x y z' }, 'UnknownPrincipal'],
    [{ command: 'quarantine', target: { principalArn: `arn:aws:iam::${ACCOUNT}:role/OrganizationAccountAccessRole` }, reason: 'x y z' }, 'ProtectedPrincipal'],
    [{ command: 'explode', target: { principalArn: ROLE_ARN }, reason: 'x y z' }, 'InvalidPayload'],
  ])('rejects a bad operator command with a typed error: %j', async (payload, type) => {
    const before = await inlinePolicies('DevOps');
    expect(await override(payload)).toMatchObject({ ok: false, error: { type } });
    expect(await inlinePolicies('DevOps')).toEqual(before);
  });
});
