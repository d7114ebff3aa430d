import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, SCENARIOS } from '../helpers/run-cli.ts';
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

  it('exits 1 when the override rejects its payload', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'agent-guardrail-invoke-')), 'bad.json');
    writeFileSync(file, JSON.stringify({ command: 'nope' }));
    const { code, stdout } = await runCli(['invoke', 'override', file], { env });
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, error: { type: 'InvalidPayload' } });
  });
});
