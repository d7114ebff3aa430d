import { createServer, type Server } from 'node:http';
import { spawnSync } from 'node:child_process';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromAgentSession, REFRESH_BEFORE_EXPIRY_MS } from '../../credentials/index.ts';
import { useMoto } from './aws-fixture.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const POLICY = `${ROOT}guardrail.yaml`;
const ROLE = 'arn:aws:iam::111122223333:role/DevOps';
const base = { region: 'us-east-1', credentials: { accessKeyId: 'AKIAEXAMPLERUNNER001', secretAccessKey: 'secret' } };

/** An STS endpoint that records each request's parameters and answers with credentials expiring when told. */
function recordingSts(expiresInMs: () => number): Promise<{ endpoint: string; requests: URLSearchParams[]; server: Server }> {
  const requests: URLSearchParams[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const params = new URLSearchParams(body);
      requests.push(params);
      const n = requests.length;
      res.setHeader('content-type', 'text/xml');
      res.end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
        <Credentials><AccessKeyId>ASIAEXAMPLEAGENT000${n}</AccessKeyId><SecretAccessKey>s${n}</SecretAccessKey><SessionToken>t${n}</SessionToken>
        <Expiration>${new Date(Date.now() + expiresInMs()).toISOString()}</Expiration></Credentials>
        <AssumedRoleUser><AssumedRoleId>AROAEXAMPLEDEVOPS001:${params.get('RoleSessionName')}</AssumedRoleId><Arn>arn:aws:sts::111122223333:assumed-role/DevOps/${params.get('RoleSessionName')}</Arn></AssumedRoleUser>
        <SourceIdentity>${params.get('SourceIdentity') ?? ''}</SourceIdentity></AssumeRoleResult></AssumeRoleResponse>`);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests, server })));
}

describe('fromAgentSession against a recording STS endpoint', () => {
  let expiresIn = 3_600_000;
  let sts: Awaited<ReturnType<typeof recordingSts>>;
  beforeAll(async () => {
    sts = await recordingSts(() => expiresIn);
  });
  afterAll(() => new Promise<void>((resolve) => sts.server.close(() => resolve())));

  it('assumes the role with every signal of the policy: tags (all transitive), source identity, session policy', async () => {
    const provider = fromAgentSession({ roleArn: ROLE, agentName: 'coder', policyFile: POLICY, clientConfig: { ...base, endpoint: sts.endpoint } });
    const credentials = await provider();
    expect(credentials.accessKeyId).toMatch(/^ASIAEXAMPLEAGENT/);
    const sent = sts.requests.at(-1)!;
    expect(sent.get('Action')).toBe('AssumeRole');
    expect(sent.get('RoleArn')).toBe(ROLE);
    expect(sent.get('RoleSessionName')).toBe('agent-coder');
    expect(sent.get('SourceIdentity')).toBe('agent-coder');
    expect([sent.get('Tags.member.1.Key'), sent.get('Tags.member.1.Value')]).toEqual(['ai-agent', 'true']);
    expect(sent.get('TransitiveTagKeys.member.1')).toBe('ai-agent');
    const sessionPolicy = JSON.parse(sent.get('Policy')!) as { Statement: { Sid: string }[] };
    expect(sessionPolicy).toEqual((await provider.plan()).sessionPolicy.document);
    expect(sent.get('Policy')!.length).toBeLessThanOrEqual(2048);
  });

  it('serves cached credentials, shares one AssumeRole between concurrent callers, and renews before expiry', async () => {
    expiresIn = 3_600_000;
    const provider = fromAgentSession({ roleArn: ROLE, agentName: 'coder', policyFile: POLICY, clientConfig: { ...base, endpoint: sts.endpoint } });
    const before = sts.requests.length;
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(a).toEqual(b);
    expect(await provider()).toEqual(a);
    expect(sts.requests.length - before).toBe(1);

    // Credentials that expire inside the renewal margin are renewed on the next call.
    expiresIn = REFRESH_BEFORE_EXPIRY_MS - 1_000;
    const short = fromAgentSession({ roleArn: ROLE, agentName: 'coder', policyFile: POLICY, clientConfig: { ...base, endpoint: sts.endpoint } });
    const first = await short();
    const second = await short();
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
  });

  it('refuses an agent name STS would refuse, before any call', async () => {
    const before = sts.requests.length;
    await expect(fromAgentSession({ roleArn: ROLE, agentName: 'no spaces allowed', policyFile: POLICY, clientConfig: { ...base, endpoint: sts.endpoint } })()).rejects.toThrow(/2-64 of letters/);
    expect(sts.requests.length).toBe(before);
  });
});

describe('fromAgentSession against moto STS', () => {
  it('yields credentials of the agent session, usable with any client', async () => {
    const endpoint = useMoto();
    const provider = fromAgentSession({ roleArn: ROLE, agentName: 'coder', policyFile: POLICY, clientConfig: { region: 'us-east-1', endpoint } });
    const identity = await new STSClient({ region: 'us-east-1', endpoint, credentials: provider }).send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe('arn:aws:sts::111122223333:assumed-role/DevOps/agent-coder');
  });
});

describe('the package export', () => {
  it('resolves agent-guardrail/credentials to the built module', () => {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', "const m = await import('agent-guardrail/credentials'); console.log(typeof m.fromAgentSession)"], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('function');
  });
});
