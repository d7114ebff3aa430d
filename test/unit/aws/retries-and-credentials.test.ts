import { IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createContainmentPorts } from '../../../functions/aws/containment-ports.ts';
import { readRuntimeConfig } from '../../../functions/aws/runtime-config.ts';
import { RETRY } from '../../../functions/aws/clients.ts';
import { createIamPort } from '../../../functions/aws/iam-port.ts';
import { assumeRoleCached, clearCredentialCache, ResponderRoleError } from '../../../functions/aws/responder-credentials.ts';
import { document } from '../../../functions/core/respond/policy-document.ts';

beforeAll(() => {
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
});

function xml(status: number, body: string) {
  // A plain object in the shape of an HTTP response: the SDK's deserializer reads status, headers, body.
  return { response: { statusCode: status, headers: { 'content-type': 'text/xml' }, body: Readable.from([Buffer.from(body)]) } };
}

describe('IAM writes under a throttling storm', () => {
  it('are retried with backoff by the SDK until IAM accepts them', async () => {
    const requests: unknown[] = [];
    const throttled = 2;
    const iam = new IAMClient({
      ...RETRY,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'secret' },
      requestHandler: {
        async handle(request: unknown) {
          requests.push(request);
          return requests.length <= throttled
            ? xml(400, '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>')
            : xml(200, '<PutRolePolicyResponse><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PutRolePolicyResponse>');
        },
      } as never,
    });
    const port = createIamPort(iam, '111122223333');
    await port.putInlinePolicy({ target: 'role', name: 'DevOps' }, 'AgentGuardrail-DenyActions', document([{ Sid: 'A', Effect: 'Deny', Action: '*', Resource: '*' }]));
    expect(requests).toHaveLength(throttled + 1);
  });
});

// One STS mock for the file: a second mockClient of the same class would undo the first.
const sts = mockClient(STSClient);

describe('responder credentials', () => {
  afterEach(() => {
    sts.reset();
    clearCredentialCache();
  });

  it('are cached until shortly before they expire', async () => {
    const now = Date.UTC(2026, 10, 20, 9);
    sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'ASIA1', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(now + 3_600_000) } });
    const role = 'arn:aws:iam::111122223333:role/AgentGuardrailResponder';
    await assumeRoleCached(role, now);
    await assumeRoleCached(role, now + 50 * 60_000);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    await assumeRoleCached(role, now + 56 * 60_000);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('fail with a typed error naming the role when the responder role cannot be assumed', async () => {
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' }));
    const error = await assumeRoleCached('arn:aws:iam::444455556666:role/AgentGuardrailResponder').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponderRoleError);
    expect((error as Error).message).toMatch(/cannot assume arn:aws:iam::444455556666:role\/AgentGuardrailResponder: not authorized/);
  });
});

describe('responder credentials in flight and IAM clients per account', () => {
  afterEach(() => {
    sts.reset();
    clearCredentialCache();
  });

  it('share one AssumeRole among concurrent callers, and forget a failed one', async () => {
    const now = Date.UTC(2026, 10, 20, 9);
    sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'ASIA1', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(now + 3_600_000) } });
    const role = 'arn:aws:iam::111122223333:role/AgentGuardrailResponder';
    const [a, b] = await Promise.all([assumeRoleCached(role, now), assumeRoleCached(role, now)]);
    expect(a).toBe(b);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(a.expiration?.getTime()).toBe(now + 3_600_000);

    const other = 'arn:aws:iam::444455556666:role/AgentGuardrailResponder';
    sts
      .on(AssumeRoleCommand, { RoleArn: other })
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }))
      .resolves({ Credentials: { AccessKeyId: 'ASIA1', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(now + 3_600_000) } });
    await expect(assumeRoleCached(other, now)).rejects.toBeInstanceOf(ResponderRoleError);
    await expect(assumeRoleCached(other, now)).resolves.toMatchObject({ accessKeyId: 'ASIA1' });
  });

  it('keep one IAM client per account while its credentials are refreshed', async () => {
    let now = Date.UTC(2026, 10, 20, 9);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(now);
    let issued = 0;
    sts.on(AssumeRoleCommand).callsFake(() => ({
      Credentials: { AccessKeyId: `ASIA${++issued}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(now + 15 * 60_000) },
    }));
    const ports = createContainmentPorts(readRuntimeConfig({ STATE_TABLE: 't', TOPIC_ARN: 'arn:aws:sns:us-east-1:1:t' }));
    const first = await ports.iamFor('111122223333');
    const again = await ports.iamFor('111122223333');
    expect(again).toBe(first);
    expect(issued).toBe(1);
    // Past the refresh margin the credentials are assumed anew; the port (its client and connection) stays.
    now += 11 * 60_000;
    vi.setSystemTime(now);
    const later = await ports.iamFor('111122223333');
    expect(later).toBe(first);
    expect(issued).toBe(2);
    expect(await ports.iamFor('444455556666')).not.toBe(first);
    vi.useRealTimers();
  });
});
