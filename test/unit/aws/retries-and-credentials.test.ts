import { IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
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

describe('responder credentials', () => {
  const sts = mockClient(STSClient);
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
