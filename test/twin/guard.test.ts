import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, GetPolicyCommand, GetPolicyVersionCommand, GetRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand, PutRolePolicyCommand, TagRoleCommand } from '@aws-sdk/client-iam';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateAccountCommand, CreateOrganizationCommand, DescribeOrganizationCommand, ListPoliciesForTargetCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { scenarioEvents } from '../integration/aws-fixture.ts';
import { authorize } from '../helpers/simulate.ts';
import { deliver, type EventBridgeEvent, type Organization } from './delivery-model.ts';
import { startRecordingProxy, type RecordedCall } from '../helpers/recording-proxy.ts';
import { loadCloudAssembly, resolve, resolveString, resourcesOfType, roleLogicalIdByName, rolePolicies, type CloudAssembly, type Placement, type Template } from './templates.ts';

/**
 * The guard as deployed: the bundled handler from the cdk.out asset, with the template's Handler and
 * Environment (references resolved to moto resources), invoked with each event the delivery model lets
 * through, against moto behind a recording proxy. Every AWS call it makes is then authorized with
 * iam-simulate against the policies the templates give the calling role.
 */
const ROOT = new URL('../../', import.meta.url).pathname;
const CONFIG = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context.agentGuardrail as { organizationId: string; securityAccount: string; managementAccount: string; region: string };
const ORG: Organization = { id: CONFIG.organizationId, managementAccount: CONFIG.managementAccount, securityAccount: CONFIG.securityAccount, homeRegion: CONFIG.region, partition: 'aws' };
const HOME: Placement = { account: CONFIG.securityAccount, region: CONFIG.region, partition: 'aws' };
const APP_POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 'iam:*', 'cloudtrail:*', 'sts:*'], Resource: '*' }] };

type Handler = (event: unknown) => Promise<{ status: string; findings?: { verdict: string; rule: string | null; response: string | null; outcome: string | null; late: boolean }[] }>;

let assembly: CloudAssembly;
let security: Template;
let member: Template;
let management: Template;
let handler: Handler;
let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
let moto: string;
const guardRoleArn = `arn:aws:iam::${CONFIG.securityAccount}:role/AgentGuardrail-GuardFunction`;

/**
 * Credentials in another moto account (moto places a session in the account of the role it assumed);
 * set-up and inspection go straight to moto, not through the proxy.
 */
async function credentialsIn(roleArn: string) {
  const sts = new STSClient({ region: 'us-east-1', endpoint: moto, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'twin' }));
  return { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken };
}
async function iamIn(account: string): Promise<IAMClient> {
  return new IAMClient({ region: 'us-east-1', endpoint: moto, credentials: await credentialsIn(`arn:aws:iam::${account}:role/fixture`) });
}
let guardKey: string;

/** A member account as the StackSet leaves it: the responder role from the member template, plus application roles. */
async function memberAccount(account: string, roles: Record<string, Record<string, string>>): Promise<IAMClient> {
  const iam = await iamIn(account);
  const at: Placement = { account, region: CONFIG.region, partition: 'aws' };
  const responder = member.Resources[roleLogicalIdByName(member, 'AgentGuardrailResponder', at)!]!.Properties!;
  await iam.send(new CreateRoleCommand({ RoleName: 'AgentGuardrailResponder', AssumeRolePolicyDocument: JSON.stringify(resolve(member, responder.AssumeRolePolicyDocument, at)) }));
  for (const p of responder.Policies as { PolicyName: string; PolicyDocument: unknown }[]) {
    await iam.send(new PutRolePolicyCommand({ RoleName: 'AgentGuardrailResponder', PolicyName: p.PolicyName, PolicyDocument: JSON.stringify(resolve(member, p.PolicyDocument, at)) }));
  }
  for (const [role, tags] of Object.entries(roles)) {
    await iam.send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] }) }));
    await iam.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: 'app', PolicyDocument: JSON.stringify(APP_POLICY) }));
    if (Object.keys(tags).length) await iam.send(new TagRoleCommand({ RoleName: role, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
  }
  return iam;
}

/**
 * An account of the organization, which moto's Organizations knows (scp-deny attaches the SCP to it):
 * the organization is created in the management account, as the SCP role sees it.
 */
async function organizationAccount(): Promise<{ account: string; organizations: OrganizationsClient }> {
  const organizations = new OrganizationsClient({ region: 'us-east-1', endpoint: moto, credentials: await credentialsIn(`arn:aws:iam::${CONFIG.managementAccount}:role/fixture`) });
  await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' })).catch((error: Error) => {
    if (error.name !== 'AlreadyInOrganizationException') throw error;
  });
  const created = await organizations.send(new CreateAccountCommand({ AccountName: 'protected-role', Email: 'protected-role@example.com' }));
  return { account: created.CreateAccountStatus!.AccountId!, organizations };
}

/** The role's policies as they now stand in moto: inline and attached managed documents. */
async function policiesOf(iam: IAMClient, role: string): Promise<{ name: string; policy: unknown }[]> {
  const out: { name: string; policy: unknown }[] = [];
  for (const name of (await iam.send(new ListRolePoliciesCommand({ RoleName: role }))).PolicyNames ?? []) {
    const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: name }));
    out.push({ name, policy: JSON.parse(decodeURIComponent(PolicyDocument!)) });
  }
  for (const attached of (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role }))).AttachedPolicies ?? []) {
    const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: attached.PolicyArn }));
    const { PolicyVersion } = await iam.send(new GetPolicyVersionCommand({ PolicyArn: attached.PolicyArn, VersionId: Policy!.DefaultVersionId }));
    out.push({ name: attached.PolicyName!, policy: JSON.parse(decodeURIComponent(PolicyVersion!.Document!)) });
  }
  return out;
}

beforeAll(async () => {
  moto = inject('motoEndpoint');
  assembly = loadCloudAssembly(inject('twinCdkOut'));
  security = assembly.stacks.get('AgentGuardrail-Security')!;
  member = assembly.memberStackSet.template;
  management = assembly.stacks.get('AgentGuardrail-Management')!;
  proxy = await startRecordingProxy(moto);
  const [, guardFn] = resourcesOfType(security, 'AWS::Lambda::Function').find(([, r]) => r.Properties!.FunctionName === 'AgentGuardrail-Guard')!;
  const environment = resolve(security, (guardFn.Properties!.Environment as { Variables: unknown }).Variables, HOME) as Record<string, string>;
  // The function runs as its role in the security account.
  const guardCredentials = await credentialsIn(guardRoleArn);
  guardKey = guardCredentials.accessKeyId;
  const direct = { region: CONFIG.region, endpoint: moto, credentials: guardCredentials };
  await new DynamoDBClient(direct).send(
    new CreateTableCommand({
      TableName: environment.STATE_TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    }),
  );
  const { TopicArn } = await new SNSClient(direct).send(new CreateTopicCommand({ Name: 'agent-guardrail-findings' }));
  expect(TopicArn).toBe(environment.TOPIC_ARN);
  // The function's environment as deployed: nothing in it changes how Node starts.
  expect(environment.NODE_OPTIONS).toBeUndefined();
  Object.assign(process.env, environment, {
    AWS_ENDPOINT_URL: proxy.endpoint,
    AWS_REGION: CONFIG.region,
    AWS_ACCESS_KEY_ID: guardCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: guardCredentials.secretAccessKey,
    AWS_SESSION_TOKEN: guardCredentials.sessionToken,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  const code = guardFn.Properties!.Code as { S3Key: string };
  const asset = join(assembly.dir, `asset.${code.S3Key.replace('.zip', '')}`);
  const [file, exportName] = (guardFn.Properties!.Handler as string).split('.') as [string, string];
  handler = ((await import(pathToFileURL(join(asset, `${file}.mjs`)).href)) as Record<string, Handler>)[exportName]!;
}, 120_000);

afterAll(async () => proxy?.close());

/** Delivers each event of a scenario and invokes the guard with those the templates let through. */
async function runScenario(folder: string, account: string, afterEach?: (index: number) => Promise<void>) {
  const results = [];
  // Each account's copy of a scenario has its own event ids: the same id twice is one event to the guard.
  const events = scenarioEvents(folder, account).map((e) => JSON.parse(JSON.stringify(e).replace(/("(?:eventID|id)": ?"[0-9a-f-]{24})[0-9a-f]{12}"/g, `$1${account}"`)) as EventBridgeEvent);
  for (const [index, event] of events.entries()) {
    const delivery = await deliver(assembly, ORG, event);
    if (delivery.delivered) {
      expect(delivery.guardArn).toBe(`arn:aws:lambda:${CONFIG.region}:${CONFIG.securityAccount}:function:AgentGuardrail-Guard`);
      results.push(await handler(event));
    }
    await afterEach?.(index);
  }
  return results.flatMap((r) => r.findings ?? []);
}

/** Who made a call: the function's own role, or a role it assumed (from the AssumeRole responses seen). */
function principalOf(call: RecordedCall, calls: readonly RecordedCall[]): string {
  if (call.accessKeyId === guardKey) return guardRoleArn;
  const assume = calls.find((c) => c.action === 'sts:AssumeRole' && c.response.includes(`<AccessKeyId>${call.accessKeyId}</AccessKeyId>`));
  if (!assume) throw new Error(`call ${call.action} signed with an unknown key`);
  return String(assume.params.RoleArn);
}

let organizationId = '';
const scpRoleArn = `arn:aws:iam::${CONFIG.managementAccount}:role/AgentGuardrailScpResponder`;

/**
 * The resources and request context Organizations authorizes an SCP call on: CreatePolicy on * with its
 * request tags; a policy's changes on the policy, with its resource tag (the guardrail's SCPs carry it);
 * AttachPolicy on both the policy and the target account.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html
 */
function organizationsRequests(call: RecordedCall, context: Record<string, string | string[]>): { resource: string; account: string; context: Record<string, string | string[]> }[] {
  const p = call.params;
  const at = (resource: string, extra: Record<string, string | string[]> = {}) => ({ resource, account: CONFIG.managementAccount, context: { ...context, ...extra } });
  const policy = (id: unknown) => at(`arn:aws:organizations::${CONFIG.managementAccount}:policy/${organizationId}/service_control_policy/${String(id)}`, { 'aws:ResourceTag/agent-guardrail:scp': 'true' });
  switch (call.action) {
    case 'organizations:ListPolicies':
      return [at('*')];
    case 'organizations:CreatePolicy': {
      // Authorized on the policy it creates (its ARN, from the response), with the request's tags.
      const tags = (p.Tags as { Key: string; Value: string }[] | undefined) ?? [];
      const created = String((JSON.parse(call.response) as { Policy: { PolicySummary: { Arn: string } } }).Policy.PolicySummary.Arn);
      return [at(created, { 'aws:TagKeys': tags.map((t) => t.Key), ...Object.fromEntries(tags.map((t) => [`aws:RequestTag/${t.Key}`, t.Value])) })];
    }
    case 'organizations:AttachPolicy':
      return [policy(p.PolicyId), at(`arn:aws:organizations::${CONFIG.managementAccount}:account/${organizationId}/${String(p.TargetId)}`)];
    default:
      return [policy(p.PolicyId)];
  }
}

/** The resource and request context IAM evaluates for a recorded call. */
function requestOf(call: RecordedCall, principal: string): { resource: string; account: string; context: Record<string, string | string[]> } {
  const account = /::(\d{12}):/.exec(principal)![1]!;
  const p = call.params;
  const context: Record<string, string | string[]> = { 'aws:SecureTransport': 'true', 'aws:PrincipalArn': principal, 'aws:PrincipalAccount': account };
  const listOf = (prefix: string) => Object.entries(p).filter(([k]) => new RegExp(`^${prefix}\\.member\\.\\d+(\\.Key)?$`).test(k)).map(([, v]) => String(v));
  switch (call.service) {
    case 'dynamodb': {
      const tables = [p.TableName, ...Object.keys((p.RequestItems as object | undefined) ?? {})].filter(Boolean);
      return { resource: `arn:aws:dynamodb:${CONFIG.region}:${CONFIG.securityAccount}:table/${String(tables[0])}`, account: CONFIG.securityAccount, context };
    }
    case 'sns':
      return { resource: String(p.TopicArn), account: CONFIG.securityAccount, context };
    case 'sts':
      return { resource: String(p.RoleArn), account: /::(\d{12}):/.exec(String(p.RoleArn))![1]!, context };
    case 'iam': {
      if (p.PolicyArn) context['iam:PolicyARN'] = String(p.PolicyArn);
      const tagKeys = [...listOf('Tags'), ...listOf('TagKeys')];
      if (tagKeys.length) context['aws:TagKeys'] = tagKeys;
      const resource = p.RoleName
        ? `arn:aws:iam::${account}:role/${String(p.RoleName)}`
        : p.UserName
          ? `arn:aws:iam::${account}:user/${String(p.UserName)}`
          : p.PolicyArn
            ? String(p.PolicyArn)
            : p.PolicyName
              ? `arn:aws:iam::${account}:policy/${String(p.PolicyName)}`
              : '*';
      return { resource, account, context };
    }
    default:
      throw new Error(`no resource model for ${call.action}`);
  }
}

/** Every recorded call, evaluated against the templates' policies for the role that made it. */
async function unauthorizedCalls(): Promise<string[]> {
  const denied: string[] = [];
  const guardPolicies = rolePolicies(security, roleLogicalIdByName(security, 'AgentGuardrail-GuardFunction', HOME)!, HOME);
  for (const call of proxy.calls) {
    const principal = principalOf(call, proxy.calls);
    if (call.service === 'organizations') {
      const at: Placement = { account: CONFIG.managementAccount, region: CONFIG.region, partition: 'aws' };
      const scpPolicies = rolePolicies(management, roleLogicalIdByName(management, 'AgentGuardrailScpResponder', at)!, at);
      const base = { 'aws:SecureTransport': 'true', 'aws:PrincipalArn': principal, 'aws:PrincipalAccount': CONFIG.managementAccount };
      for (const { resource, account, context } of organizationsRequests(call, base)) {
        const decision = principal === scpRoleArn ? await authorize({ principal, action: call.action, resource, resourceAccount: account, identityPolicies: scpPolicies, context }) : 'not the SCP role';
        if (decision !== 'Allowed') denied.push(`${principal} ${call.action} ${resource}: ${decision}`);
      }
      continue;
    }
    const { resource, account, context } = requestOf(call, principal);
    let identityPolicies = guardPolicies;
    if (principal !== guardRoleArn) {
      const at: Placement = { account, region: CONFIG.region, partition: 'aws' };
      identityPolicies = rolePolicies(member, roleLogicalIdByName(member, principal.split('/').at(-1)!, at)!, at);
    }
    if (call.action !== 'sts:AssumeRole') {
      const decision = await authorize({ principal, action: call.action, resource, resourceAccount: account, identityPolicies, context });
      if (decision !== 'Allowed') denied.push(`${principal} ${call.action} ${resource}: ${decision}`);
    } else {
      // Cross-account: the guard role's own policy and the responder's trust policy, as the member template
      // writes it, must both allow it.
      const at: Placement = { account, region: CONFIG.region, partition: 'aws' };
      const template = String(call.params.RoleArn) === scpRoleArn ? management : member;
      const roleId = roleLogicalIdByName(template, String(call.params.RoleArn).split('/').at(-1)!, at);
      const trust = roleId ? resolve(template, template.Resources[roleId]!.Properties!.AssumeRolePolicyDocument, at) : undefined;
      const trusted = trust ? await authorize({ principal, action: 'sts:AssumeRole', resource, resourceAccount: account, identityPolicies: guardPolicies, resourcePolicy: trust, context }) : 'NoSuchRole';
      if (trusted !== 'Allowed') denied.push(`${principal} is not trusted by ${resource}: ${trusted}`);
    }
  }
  return denied;
}

const agentContext = (account: string, extra: Record<string, string>) => ({
  'aws:PrincipalArn': `arn:aws:iam::${account}:role/DevOps`,
  'aws:PrincipalAccount': account,
  'aws:userid': 'AROAEXAMPLEDEVOPS001:agent-run-43',
  'aws:TokenIssueTime': new Date().toISOString(),
  ...extra,
});

describe('the synthesized guard, end to end through the deployment twin (enforce mode)', () => {
  it('contains the tagged agent agent-scoped, the human on the same role keeps working, then quarantines the agent (not the role) on the third strike', async () => {
    const account = '200000000002';
    const iam = await memberAccount(account, { DevOps: {} });
    const next = { principal: `arn:aws:sts::${account}:assumed-role/DevOps/agent-run-43`, action: 'iam:PutRolePolicy', resource: `arn:aws:iam::${account}:role/DevOps`, resourceAccount: account };
    const findings = await runScenario('02-tagged-session-escalates', account, async (index) => {
      if (index !== 1) return;
      // After the first violation: the agent's next session (tag carried) is denied, a human's is not.
      const policies = await policiesOf(iam, 'DevOps');
      expect(await authorize({ ...next, identityPolicies: policies, context: agentContext(account, { 'aws:PrincipalTag/ai-agent': 'true' }) })).toBe('ExplicitlyDenied');
      expect(await authorize({ ...next, principal: `arn:aws:sts::${account}:assumed-role/DevOps/bob`, identityPolicies: policies, context: agentContext(account, { 'aws:userid': 'AROAEXAMPLEDEVOPS001:bob' }) })).toBe('Allowed');
    });
    expect(findings.filter((f) => f.verdict === 'violation').map((f) => [f.rule, f.response, f.outcome]), JSON.stringify(findings)).toEqual([
      ['no-privilege-escalation', 'deny-action', 'contained'],
      // The same response again within the coalescing window: nothing new to write.
      ['no-privilege-escalation', 'deny-action', 'coalesced'],
      ['no-privilege-escalation', 'quarantine-role', 'contained'],
    ]);
    // Quarantined: everything denied to the agent's sessions; bob, on the same role, keeps working.
    const quarantined = await policiesOf(iam, 'DevOps');
    const anything = { ...next, action: 's3:ListAllMyBuckets', resource: '*' };
    expect(await authorize({ ...anything, identityPolicies: quarantined, context: agentContext(account, { 'aws:PrincipalTag/ai-agent': 'true' }) })).toBe('ExplicitlyDenied');
    expect(await authorize({ ...anything, principal: `arn:aws:sts::${account}:assumed-role/DevOps/bob`, identityPolicies: quarantined, context: agentContext(account, { 'aws:userid': 'AROAEXAMPLEDEVOPS001:bob' }) })).toBe('Allowed');
  });

  it('answers every other demo scenario as the detection cases expect', async () => {
    const expectations: Record<string, { rule: string | null; verdict: string; outcome: string | null }[]> = {
      '01-mcp-server-deletes-bucket': [{ rule: 'no-data-destruction', verdict: 'violation', outcome: 'contained' }],
      '03-human-on-same-role': [],
      '04-source-identity-stops-cloudtrail': [{ rule: 'no-audit-evasion', verdict: 'violation', outcome: 'contained' }],
      '05-out-of-order-delivery': [{ rule: 'no-credential-minting', verdict: 'violation', outcome: 'contained' }],
      // The role is protected: the agent on it is contained by an agent-scoped SCP, through the SCP role.
      '06-protected-role': [{ rule: 'no-audit-evasion', verdict: 'violation', outcome: 'contained' }],
      '07-tampering': [{ rule: 'guardrail-tamper', verdict: 'violation', outcome: 'contained' }],
    };
    const inOrganization = await organizationAccount();
    organizationId = (await inOrganization.organizations.send(new DescribeOrganizationCommand({}))).Organization!.Id!;
    for (const [index, [folder, expected]] of Object.entries(expectations).entries()) {
      const account = folder === '06-protected-role' ? inOrganization.account : `20000000001${index}`;
      // Organizations creates OrganizationAccountAccessRole in the accounts it creates (moto too).
      await memberAccount(account, { DevOps: {}, Platform: {}, Admin: {} });
      const findings = await runScenario(folder, account);
      const notable = findings.filter((f) => f.verdict !== 'allow').map((f) => ({ rule: f.rule, verdict: f.verdict, outcome: f.outcome }));
      expect(notable, folder).toEqual(expected);
    }
    // The protected role was never written; the SCP that contains its agent is attached to the account.
    const attached = await inOrganization.organizations.send(new ListPoliciesForTargetCommand({ TargetId: inOrganization.account, Filter: 'SERVICE_CONTROL_POLICY' }));
    expect(attached.Policies?.map((policy) => policy.Name)).toContain(`AgentGuardrail-Scp-${inOrganization.account}`);
    const protectedRole = await policiesOf(await iamIn(inOrganization.account), 'OrganizationAccountAccessRole');
    expect(protectedRole.filter((policy) => policy.name.startsWith('AgentGuardrail'))).toEqual([]);
  });

  it('reads tags set before deployment through the responder (defect 10): an untagged session on an agent role is the agent', async () => {
    const account = '200000000003';
    await memberAccount(account, { DevOps: { 'ai-agent': 'true' } });
    const findings = await runScenario('03-human-on-same-role', account);
    expect(findings.filter((f) => f.verdict === 'violation').map((f) => [f.rule, f.outcome])).toEqual([['no-privilege-escalation', 'contained']]);
    expect(proxy.calls.some((c) => c.action === 'iam:ListRoleTags' && c.params.RoleName === 'DevOps')).toBe(true);
  });

  it('makes only calls the templates authorize: guard role for DynamoDB, SNS and STS; the responder (which trusts it) for IAM; the SCP role for Organizations', async () => {
    expect(proxy.calls.length).toBeGreaterThan(50);
    expect(new Set(proxy.calls.map((c) => c.service))).toEqual(new Set(['dynamodb', 'sts', 'iam', 'sns', 'organizations']));
    expect(await unauthorizedCalls()).toEqual([]);
  });
});

describe('partitions (defect 9)', () => {
  it('passes the partition the stack is deployed in to the functions', () => {
    const [, guardFn] = resourcesOfType(security, 'AWS::Lambda::Function').find(([, r]) => r.Properties!.FunctionName === 'AgentGuardrail-Guard')!;
    const variables = (guardFn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    if (typeof variables.PARTITION === 'string') {
      // The security stack names its region, so CDK writes the region's partition literally
      // (@aws-cdk/core:enablePartitionLiterals): us-east-1 is in aws.
      expect(HOME.region).toBe('us-east-1');
      expect(variables.PARTITION).toBe('aws');
      return;
    }
    for (const partition of ['aws', 'aws-cn', 'aws-us-gov']) {
      expect(resolveString(security, (resolve(security, variables, { ...HOME, partition }) as Record<string, unknown>).PARTITION, HOME)).toBe(partition);
    }
  });
});

describe('records written by others, through the deployed path', () => {
  it('answers every corpus record the templates deliver, without a crash and without containing anyone who shows no agent signal', async () => {
    const dir = join(ROOT, 'test/corpus/cloudtrail');
    let delivered = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const record = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown> & { eventSource?: string; detail?: unknown };
      if (record.detail || typeof record.eventSource !== 'string' || !/^\d{12}$/.test(String(record.recipientAccountId))) continue;
      const event = {
        version: '0',
        id: `corpus-${file}`,
        'detail-type': 'AWS API Call via CloudTrail',
        source: `aws.${record.eventSource.replace('.amazonaws.com', '')}`,
        account: String(record.recipientAccountId),
        time: String(record.eventTime),
        region: String(record.awsRegion),
        resources: [],
        detail: record,
      } as unknown as EventBridgeEvent;
      const delivery = await deliver(assembly, ORG, event);
      if (!delivery.delivered) continue;
      delivered++;
      const result = await handler(event);
      expect(['processed', 'rejected', 'duplicate'], file).toContain(result.status);
      for (const finding of result.findings ?? []) expect(finding.outcome === 'contained' && finding.verdict === 'violation', file).toBe(false);
    }
    expect(delivered).toBeGreaterThanOrEqual(10);
  });
});
