import { readFileSync, writeFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand, TagRoleCommand } from '@aws-sdk/client-iam';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { inject } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
export const SECURITY_ACCOUNT = '123456789012'; // moto's default account plays the security account
export const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${SECURITY_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }],
});
export const APP_POLICY = { Version: '2012-10-17', Statement: [{ Sid: 'App', Effect: 'Allow', Action: ['s3:*', 'iam:*'], Resource: '*' }] };

/** Points the SDK at the moto server for this test file. */
export function useMoto(): string {
  const endpoint = inject('motoEndpoint');
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    // Raw EMF metric lines would fill the test output (they are read only by CloudWatch Logs).
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  return endpoint;
}

/** IAM in a member account, through an assumed role as the guard reaches it. */
export async function memberIam(account: string): Promise<IAMClient> {
  const sts = new STSClient({});
  const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/AgentGuardrailResponder`, RoleSessionName: 'fixture' }));
  return new IAMClient({ region: 'us-east-1', credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken } });
}

/** A member account with the responder role and an application role that already has a policy and a tag. */
export async function createMemberAccount(account: string, roles: readonly string[]): Promise<IAMClient> {
  const iam = await memberIam(account);
  await iam.send(new CreateRoleCommand({ RoleName: 'AgentGuardrailResponder', AssumeRolePolicyDocument: TRUST }));
  for (const role of roles) {
    await iam.send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: TRUST }));
    await iam.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: 'app', PolicyDocument: JSON.stringify(APP_POLICY) }));
    await iam.send(new TagRoleCommand({ RoleName: role, Tags: [{ Key: 'team', Value: 'platform' }] }));
  }
  return iam;
}

/** The state table, and a topic with a queue subscribed so tests can read what was published. */
export async function createSecurityAccount(table: string): Promise<{ topicArn: string; queueUrl: string }> {
  await new DynamoDBClient({}).send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    }),
  );
  const sns = new SNSClient({});
  const sqs = new SQSClient({});
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `${table}-findings` }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${table}-inbox` }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn, Attributes: { RawMessageDelivery: 'true' } }));
  return { topicArn: TopicArn!, queueUrl: QueueUrl! };
}

export async function receiveAll(queueUrl: string): Promise<Record<string, unknown>[]> {
  const sqs = new SQSClient({});
  const messages: Record<string, unknown>[] = [];
  for (;;) {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!Messages?.length) return messages;
    messages.push(...Messages.map((m) => JSON.parse(m.Body!) as Record<string, unknown>));
  }
}

/** The shipped policy with another mode, written to a temporary file for POLICY_FILE. */
export function policyFile(mode: 'enforce' | 'monitor'): string {
  const text = readFileSync(join(ROOT, 'guardrail.yaml'), 'utf8').replace(/^mode: \w+/m, `mode: ${mode}`);
  const file = join(mkdtempSync(join(tmpdir(), 'agent-guardrail-policy-')), 'guardrail.yaml');
  writeFileSync(file, text);
  return file;
}

/** The EventBridge events of a scenario, with the member account swapped when asked. */
export function scenarioEvents(folder: string, account = '111122223333'): Record<string, unknown>[] {
  const dir = join(ROOT, 'events/scenarios', folder);
  return readdirSync(dir)
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8').replaceAll('111122223333', account)) as Record<string, unknown>);
}
