import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, SCENARIOS } from '../helpers/run-cli.ts';
import { CreateOrganizationalUnitCommand, CreateOrganizationCommand, ListRootsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { createSecurityAccount, useMoto } from './aws-fixture.ts';

// `agent-guardrail invoke` as the README's local recipe runs it: the real handlers against moto.
const TABLE = 'InvokeCommandState';
let env: Record<string, string>;

beforeAll(async () => {
  const endpoint = useMoto();
  const { topicArn } = await createSecurityAccount(TABLE);
  env = { AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', STATE_TABLE: TABLE, TOPIC_ARN: topicArn, POWERTOOLS_LOG_LEVEL: 'ERROR' };
});

describe('agent-guardrail invoke', () => {
  it('runs the guard on an event and prints its result, with no metric lines in the output', async () => {
    const { code, stdout } = await runCli(['invoke', 'guard', join(SCENARIOS, '01-mcp-server-deletes-bucket/02-DeleteBucket.json')], { env });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'processed', findings: [{ verdict: 'violation', rule: 'no-data-destruction', outcome: 'monitored' }] });
  });

  it('keeps stdout for the result alone: the handler\'s log lines go to stderr', async () => {
    const { code, stdout, stderr } = await runCli(['invoke', 'guard', join(SCENARIOS, '01-mcp-server-deletes-bucket/01-ListBuckets.json')], { env: { ...env, POWERTOOLS_LOG_LEVEL: 'INFO' } });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'processed' });
    expect(stderr).toContain('"message":"event processed"');
  });

  it('names a variable that is not set, without the schema\'s wording', async () => {
    const { STATE_TABLE: _table, ...missing } = env;
    const { code, stderr } = await runCli(['invoke', 'guard', join(SCENARIOS, '01-mcp-server-deletes-bucket/02-DeleteBucket.json')], { env: { ...missing, STATE_TABLE: undefined } as unknown as Record<string, string> });
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('agent-guardrail: invalid environment: STATE_TABLE: not set');
  });

  it('exits 1 when the override rejects its payload', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'agent-guardrail-invoke-')), 'bad.json');
    writeFileSync(file, JSON.stringify({ command: 'nope' }));
    const { code, stdout } = await runCli(['invoke', 'override', file], { env });
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, error: { type: 'InvalidPayload' } });
  });

  it('runs the heartbeat: a management account without forwarding rules is named silent, and the exit code is 1', async () => {
    const org = new OrganizationsClient({ region: 'us-east-1' });
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' })).catch((error: Error) => {
      if (error.name !== 'AlreadyInOrganizationException') throw error;
    });
    const root = (await org.send(new ListRootsCommand({}))).Roots![0]!.Id!;
    const empty = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: root, Name: `Empty-${Date.now()}` }))).OrganizationalUnit!.Id!;
    const file = join(mkdtempSync(join(tmpdir(), 'agent-guardrail-invoke-')), 'empty.json');
    writeFileSync(file, '{}');
    const heartbeat = {
      ...env,
      CENTRAL_BUS_ARN: 'arn:aws:events:us-east-1:123456789012:event-bus/agent-guardrail',
      FORWARD_RULE_NAMES: 'AgentGuardrail-Forward-iam',
      MEMBER_REGIONS: 'us-east-1',
      DEPLOYMENT_TARGETS: empty,
      MANAGEMENT_ACCOUNT: '555555555555',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    };
    const { code, stdout } = await runCli(['invoke', 'heartbeat', file], { env: heartbeat });
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({ accounts: ['555555555555'], silent: [{ account: '555555555555', problems: ['us-east-1: rule AgentGuardrail-Forward-iam is missing', 'us-east-1: AgentGuardrail-ForwardDeadLetters cannot be read: QueueDoesNotExist'] }] });
    const broken = await runCli(['invoke', 'heartbeat', file], { env: { ...heartbeat, DEPLOYMENT_TARGETS: 'nope' } });
    expect(broken).toMatchObject({ code: 2, stderr: expect.stringContaining('DEPLOYMENT_TARGETS: each must be a root or OU id') });
  });
});
