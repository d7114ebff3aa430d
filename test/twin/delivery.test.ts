import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { useMoto, scenarioEvents } from '../integration/aws-fixture.ts';
import { authorize } from '../helpers/simulate.ts';
import { deliver, emittedRegion, forwardDecision, memberTemplateAt, stateReceives, type EventBridgeEvent, type Organization } from './delivery-model.ts';
import { loadCloudAssembly, resolve, resolveString, resourcesOfType, roleLogicalIdByName, rolePolicies, type CloudAssembly, type Placement } from './templates.ts';
import { MAX_TEMPLATE_BODY_BYTES } from '../../infra/stacks/security-account-stack.ts';
import { compileEventPatterns } from '../../functions/core/policy/compile-event-patterns.ts';
import { loadDefaultPolicy } from '../helpers/policy.ts';
import { patternForwards } from '../../cli/volume/pattern-match.ts';
import { AWS_TECHNIQUES } from '../../functions/config/attack-techniques.ts';
import { techniqueRecords } from '../../functions/config/technique-records.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const CONFIG = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context.agentGuardrail as { organizationId: string; securityAccount: string; managementAccount: string; region: string };
const ORG: Organization = { id: CONFIG.organizationId, managementAccount: CONFIG.managementAccount, securityAccount: CONFIG.securityAccount, homeRegion: CONFIG.region, partition: 'aws' };
const MEMBER = '111122223333';
/** An account that joined the organization after the stacks were deployed. */
const JOINED_LATER = '444455556666';

let assembly: CloudAssembly;
beforeAll(() => {
  useMoto();
  assembly = loadCloudAssembly(inject('twinCdkOut'));
});

const event = (folder: string, index: number, account = MEMBER) => scenarioEvents(folder, account)[index] as unknown as EventBridgeEvent;
const security = () => assembly.stacks.get('AgentGuardrail-Security')!;
const home: Placement = { account: CONFIG.securityAccount, region: CONFIG.region, partition: 'aws' };

describe('delivery: which events reach the guard through the synthesized templates', () => {
  it('delivers read-only AssumeRole events (defect 1: rule state on member and central rules)', async () => {
    const assume = event('02-tagged-session-escalates', 0);
    expect(assume.detail.readOnly).toBe(true);
    expect(stateReceives('ENABLED', assume)).toBe(false);
    const delivery = await deliver(assembly, ORG, assume);
    expect(delivery).toMatchObject({ delivered: true, region: 'us-east-1', guardArn: expect.stringMatching(/function:AgentGuardrail-Guard$/) });
    if (delivery.delivered) {
      expect(delivery.forwardingRules.map((r) => r.state)).toEqual(['ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS']);
      expect(delivery.centralRules.map((r) => r.state)).toEqual(['ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS']);
    }
  });

  it('forwards a parameter-filtered call only with the parameters its rule matches on, and the detector agrees', async () => {
    // The shipped policy watches ssm:GetParameter* only when decrypting and DescribeInstanceAttribute only for
    // userData: the patterns say so, and EventBridge (moto's matcher) forwards no more and no less.
    const base = event('01-mcp-server-deletes-bucket', 1);
    const call = (eventSource: string, eventName: string, requestParameters: Record<string, unknown>, readOnly = true) =>
      ({ ...base, detail: { ...base.detail, eventSource, eventName, requestParameters, readOnly, eventID: `${eventName}-${JSON.stringify(requestParameters)}` } }) as EventBridgeEvent;
    const policy = await loadDefaultPolicy();
    const patterns = compileEventPatterns(policy);
    const cases: [EventBridgeEvent, boolean][] = [
      [call('ssm.amazonaws.com', 'GetParameter', { name: '/prod/db', withDecryption: true }), true],
      [call('ssm.amazonaws.com', 'GetParameters', { names: ['/a', '/b'], withDecryption: true }), true],
      [call('ssm.amazonaws.com', 'GetParameter', { name: '/prod/db', withDecryption: false }), false],
      [call('ssm.amazonaws.com', 'GetParameter', { name: '/prod/db' }), false],
      [call('ec2.amazonaws.com', 'DescribeInstanceAttribute', { instanceId: 'i-0abc', attribute: 'userData' }), true],
      [call('ec2.amazonaws.com', 'DescribeInstanceAttribute', { instanceId: 'i-0abc', attribute: 'instanceType' }), false],
      // Unfiltered names of the same services are still forwarded whatever their parameters.
      [call('ssm.amazonaws.com', 'SendCommand', { documentName: 'AWS-RunShellScript' }, false), true],
    ];
    for (const [e, forwarded] of cases) {
      const label = `${e.detail.eventName as string} ${JSON.stringify(e.detail.requestParameters)}`;
      expect((await deliver(assembly, ORG, e)).delivered, label).toBe(forwarded);
      // The volume model's own evaluation of the patterns agrees with moto's matcher.
      const input = { eventSource: e.detail.eventSource, eventName: e.detail.eventName as string, requestParameters: e.detail.requestParameters as Record<string, unknown> };
      expect(patterns.some((p) => patternForwards(p.pattern, input)), label).toBe(forwarded);
      // Soundness: whatever the detector's rules match on is forwarded.
      const rules = policy.rulesFor(`${e.detail.eventSource.replace('.amazonaws.com', '')}:${e.detail.eventName as string}`);
      const matched = rules.some((rule) => !rule.parameters || rule.parameters(e.detail as never));
      if (matched) expect(forwarded, label).toBe(true);
    }
  });

  it('delivers every demo scenario event the policy watches, from a member account and from one that joined later (defect 2)', async () => {
    // The compiled patterns are what the policy asks to see; the twin proves the deployed rules (pattern,
    // state, forwarding role, bus policy, central rule) deliver exactly those, and nothing else.
    const watched = new Set(compileEventPatterns(await loadDefaultPolicy()).flatMap((p) => p.pattern.detail.eventName.map((n) => `${p.pattern.detail.eventSource[0]}:${String(n)}`)));
    const folders = readFileSync(join(ROOT, 'events/scenarios.json'), 'utf8');
    let delivered = 0;
    for (const { folder } of JSON.parse(folders) as { folder: string }[]) {
      for (const account of [MEMBER, JOINED_LATER]) {
        for (const e of scenarioEvents(folder, account) as unknown as EventBridgeEvent[]) {
          const isWatched = watched.has(`${e.detail.eventSource}:${e.detail.eventName as string}`);
          const result = await deliver(assembly, ORG, e);
          expect(result.delivered, `${folder} ${e.detail.eventName as string} from ${account}: ${'reason' in result ? result.reason : ''}`).toBe(isWatched);
          if (result.delivered) delivered++;
        }
      }
    }
    expect(delivered).toBeGreaterThanOrEqual(24);
  });

  it('delivers every call of every covered AWS technique of the Stratus Red Team catalogue, console sign-in included', async () => {
    const { expected } = JSON.parse(readFileSync(join(ROOT, 'test/cases/techniques.json'), 'utf8')) as { expected: Record<string, string | null> };
    let delivered = 0;
    for (const technique of AWS_TECHNIQUES.filter((t) => expected[t.id])) {
      for (const record of techniqueRecords(technique, 'agent')) {
        const source = String(record.eventSource).replace('.amazonaws.com', '');
        const envelope = {
          version: '0',
          id: `twin-${String(record.eventID)}`,
          'detail-type': source === 'signin' ? 'AWS Console Sign In via CloudTrail' : 'AWS API Call via CloudTrail',
          source: `aws.${source}`,
          account: MEMBER,
          time: record.eventTime,
          region: record.awsRegion,
          resources: [],
          detail: record,
        } as unknown as EventBridgeEvent;
        const result = await deliver(assembly, ORG, envelope);
        expect(result.delivered, `${technique.id} ${String(record.eventName)}: ${'reason' in result ? result.reason : ''}`).toBe(true);
        delivered++;
      }
    }
    expect(delivered).toBeGreaterThanOrEqual(43);
  });

  it('deploys each function with its own bundle (a bundle cache keyed without the entry once gave every function the guard\'s code)', () => {
    const services: Record<string, string> = { 'AgentGuardrail-Guard': 'agent-guardrail-guard', 'AgentGuardrail-Override': 'agent-guardrail-override', 'AgentGuardrail-Heartbeat': 'agent-guardrail-heartbeat' };
    const functions = resourcesOfType(security(), 'AWS::Lambda::Function').map(([, fn]) => fn.Properties as { FunctionName: string; Code: { S3Key: string } });
    expect(functions.map((fn) => fn.FunctionName).sort()).toEqual(Object.keys(services).sort());
    expect(new Set(functions.map((fn) => fn.Code.S3Key)).size).toBe(functions.length);
    for (const fn of functions) {
      const code = readFileSync(join(assembly.dir, `asset.${fn.Code.S3Key.replace('.zip', '')}`, 'index.mjs'), 'utf8');
      const named = Object.values(services).filter((service) => code.includes(`"${service}"`));
      expect(named, fn.FunctionName).toEqual([services[fn.FunctionName]]);
    }
  });

  it('bakes no account list into the functions (defect 2: accounts that join later, Lambda\'s 4 KB environment)', () => {
    for (const [, fn] of resourcesOfType(security(), 'AWS::Lambda::Function')) {
      const variables = (fn.Properties!.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {};
      expect(Object.keys(variables)).not.toContain('ORGANIZATION_ACCOUNTS');
      // No variable lists accounts (the heartbeat's name one bus and the management account, each on its own).
      for (const value of Object.values(variables)) expect(JSON.stringify(value)).not.toMatch(/\d{12}[^,]*,[^,]*\d{12}/);
    }
  });

  it('admits the organization\'s forwarding roles to the central bus and refuses everyone else (defect 5)', async () => {
    const busPolicy = { Version: '2012-10-17', Statement: resourcesOfType(security(), 'AWS::Events::EventBusPolicy').map(([, r]) => resolve(security(), r.Properties!.Statement, home)) };
    const bus = `arn:aws:events:${CONFIG.region}:${CONFIG.securityAccount}:event-bus/agent-guardrail`;
    const put = (principal: string, org: string) =>
      authorize({
        principal,
        action: 'events:PutEvents',
        resource: bus,
        resourceAccount: CONFIG.securityAccount,
        identityPolicies: [{ name: 'admin', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }],
        resourcePolicy: busPolicy,
        context: { 'aws:PrincipalOrgID': org, 'aws:PrincipalArn': principal.replace(/:sts::(\d+):assumed-role\/([^/]+)\/.*/, ':iam::$1:role/$2') },
      });
    expect(await put(`arn:aws:iam::${JOINED_LATER}:role/AgentGuardrail-EventForwarder-eu-west-1`, ORG.id)).toBe('Allowed');
    // Any other principal of a member account, even an administrator, cannot inject events.
    expect(await put(`arn:aws:sts::${MEMBER}:assumed-role/Admin/mallory`, ORG.id)).not.toBe('Allowed');
    // A forwarding role of the same name in another organization is refused.
    expect(await put('arn:aws:iam::999988887777:role/AgentGuardrail-EventForwarder-us-east-1', 'o-otherorg123')).not.toBe('Allowed');
  });

  it('keeps custom events with a CloudTrail look-alike detail-type off every rule (defect 5)', async () => {
    const forged = { ...event('01-mcp-server-deletes-bucket', 1), source: 'my.app' };
    expect(await deliver(assembly, ORG, forged)).toMatchObject({ delivered: false, reason: 'no forwarding rule receives it' });
  });

  it('sees IAM events in us-east-1 only, STS where it serves the call, sign-ins where they are recorded (defect 6)', async () => {
    const assume = event('02-tagged-session-escalates', 0);
    const regional = { ...assume, region: 'eu-west-1', detail: { ...assume.detail, awsRegion: 'eu-west-1', tlsDetails: { clientProvidedHostName: 'sts.eu-west-1.amazonaws.com' } } };
    expect(emittedRegion(regional)).toBe('eu-west-1');
    expect(await deliver(assembly, ORG, regional)).toMatchObject({ delivered: true, region: 'eu-west-1' });
    const put = event('02-tagged-session-escalates', 1);
    expect(emittedRegion({ ...put, detail: { ...put.detail, awsRegion: 'eu-west-1' } })).toBe('us-east-1');
    // The global STS endpoint is served in a default-enabled caller's Region, and its AssumeRole (with the
    // session tags the guard correlates) reaches the guard from there: the shipped member regions cover all 17.
    const global = { ...assume, region: 'ap-southeast-2', detail: { ...assume.detail, awsRegion: 'ap-southeast-2', tlsDetails: { clientProvidedHostName: 'sts.amazonaws.com' } } };
    expect(emittedRegion(global)).toBe('ap-southeast-2');
    expect(await deliver(assembly, ORG, global)).toMatchObject({ delivered: true, region: 'ap-southeast-2' });
    // From an opt-in Region the global endpoint is still served in us-east-1.
    expect(emittedRegion({ ...global, detail: { ...global.detail, awsRegion: 'ap-east-1' } })).toBe('us-east-1');
    // An IAM user's console sign-in recorded in eu-north-1 is seen there.
    const signIn = { ...assume, region: 'eu-north-1', detail: { ...assume.detail, eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', awsRegion: 'eu-north-1' } };
    expect(emittedRegion(signIn)).toBe('eu-north-1');
    // A region without a stack instance sees nothing: synth refuses to leave a default-enabled one out.
    const elsewhere = { ...regional, region: 'ap-east-1', detail: { ...regional.detail, awsRegion: 'ap-east-1', tlsDetails: { clientProvidedHostName: 'sts.ap-east-1.amazonaws.com' } } };
    expect(await deliver(assembly, ORG, elsewhere)).toMatchObject({ delivered: false });
  });

  it('covers the management account with plain stacks, responder in the home region only (defect 6)', async () => {
    for (const region of assembly.memberStackSet.regions) {
      const template = memberTemplateAt(assembly, ORG, CONFIG.managementAccount, region);
      expect(template, region).not.toBeNull();
      const responders = resourcesOfType(template!, 'AWS::IAM::Role').filter(([, r]) => r.Properties!.RoleName === 'AgentGuardrailResponder');
      expect(responders.length, region).toBe(region === CONFIG.region ? 1 : 0);
    }
    expect(await deliver(assembly, ORG, event('04-source-identity-stops-cloudtrail', 1, CONFIG.managementAccount))).toMatchObject({ delivered: true });
  });

  it('uses one named forwarding role per stack instance, with fixed AgentGuardrail names (defects 4 and 7)', () => {
    const member = assembly.memberStackSet.template;
    const at: Placement = { account: MEMBER, region: 'eu-west-1', partition: 'aws' };
    const roles = resourcesOfType(member, 'AWS::IAM::Role').map(([, r]) => resolveString(member, r.Properties!.RoleName, at));
    expect(roles.sort()).toEqual(['AgentGuardrail-EventForwarder-eu-west-1', 'AgentGuardrailResponder']);
    const rules = resourcesOfType(member, 'AWS::Events::Rule');
    expect(rules.length).toBeGreaterThan(5);
    for (const [, rule] of rules) {
      expect(resolveString(member, rule.Properties!.Name, at)).toMatch(/^AgentGuardrail-Forward-/);
      const targets = resolve(member, rule.Properties!.Targets, at) as { RoleArn: string }[];
      expect(targets.map((t) => t.RoleArn)).toEqual([`arn:aws:iam::${MEMBER}:role/AgentGuardrail-EventForwarder-eu-west-1`]);
    }
    const responder = resourcesOfType(member, 'AWS::IAM::Role').find(([, r]) => r.Properties!.RoleName === 'AgentGuardrailResponder')![1];
    expect((responder.Properties!.Policies as { PolicyName: string }[]).map((p) => p.PolicyName)).toEqual(['AgentGuardrail-Responder']);
  });

  it('keeps the inlined member template under CloudFormation\'s TemplateBody limit, and deploys it after the roles it trusts (defect 8)', () => {
    const stackSet = resourcesOfType(security(), 'AWS::CloudFormation::StackSet')[0]![1];
    expect(Buffer.byteLength(stackSet.Properties!.TemplateBody as string)).toBeLessThanOrEqual(MAX_TEMPLATE_BODY_BYTES);
    const roleIds = resourcesOfType(security(), 'AWS::IAM::Role')
      .filter(([, r]) => ['AgentGuardrail-GuardFunction', 'AgentGuardrail-OverrideFunction'].includes(r.Properties!.RoleName as string))
      .map(([id]) => id);
    expect(roleIds).toHaveLength(2);
    for (const id of roleIds) expect(assembly.memberStackSet.dependsOn).toContain(id);
  });

  it('gives every forwarding target a dead-letter queue that admits exactly its rules, its depth read by the heartbeat (defect 11)', async () => {
    const member = assembly.memberStackSet.template;
    const at: Placement = { account: MEMBER, region: 'us-east-1', partition: 'aws' };
    const [, queuePolicy] = resourcesOfType(member, 'AWS::SQS::QueuePolicy')[0]!;
    const document = resolve(member, queuePolicy.Properties!.PolicyDocument, at);
    const queueArn = `arn:aws:sqs:us-east-1:${MEMBER}:AgentGuardrail-ForwardDeadLetters`;
    for (const [id, rule] of resourcesOfType(member, 'AWS::Events::Rule')) {
      const targets = resolve(member, rule.Properties!.Targets, at) as { DeadLetterConfig?: { Arn: string } }[];
      expect(targets[0]!.DeadLetterConfig?.Arn, id).toBe(queueArn);
      const ruleArn = `arn:aws:events:us-east-1:${MEMBER}:rule/${resolveString(member, rule.Properties!.Name, at)}`;
      expect(await authorize({ principal: 'events.amazonaws.com', action: 'sqs:SendMessage', resource: queueArn, resourceAccount: MEMBER, resourcePolicy: document, context: { 'aws:SourceArn': ruleArn, 'aws:SecureTransport': 'true' } }), id).toBe('Allowed');
    }
    expect(await authorize({ principal: 'events.amazonaws.com', action: 'sqs:SendMessage', resource: queueArn, resourceAccount: MEMBER, resourcePolicy: document, context: { 'aws:SourceArn': `arn:aws:events:us-east-1:${MEMBER}:rule/other`, 'aws:SecureTransport': 'true' } })).not.toBe('Allowed');
    // No alarm per account and region (nowhere to send it): the heartbeat's session of the responder reads the
    // queue's depth in every member region and names the account on the central topic.
    expect(resourcesOfType(member, 'AWS::CloudWatch::Alarm')).toEqual([]);
    const responder = roleLogicalIdByName(member, 'AgentGuardrailResponder', at)!;
    const policies = rolePolicies(member, responder, at).map(({ name, policy }) => ({ name, policy }));
    for (const region of ['us-east-1', 'ap-southeast-2']) {
      const queue = `arn:aws:sqs:${region}:${MEMBER}:AgentGuardrail-ForwardDeadLetters`;
      expect(await authorize({ principal: `arn:aws:iam::${MEMBER}:role/AgentGuardrailResponder`, action: 'sqs:GetQueueAttributes', resource: queue, resourceAccount: MEMBER, identityPolicies: policies })).toBe('Allowed');
    }
  });

  it('never forwards through a role the template does not create in that region', async () => {
    const member = assembly.memberStackSet.template;
    const at: Placement = { account: MEMBER, region: 'us-east-1', partition: 'aws' };
    expect(await forwardDecision(member, at, { Arn: 'arn:aws:events:us-east-1:111111111111:event-bus/agent-guardrail', RoleArn: `arn:aws:iam::${MEMBER}:role/AgentGuardrail-EventForwarder-ap-east-1` }, {}, ORG)).toBe('RoleMissing');
  });
});

describe('service principals: the AWS services that must use the keys, queues and topics can (defect 3)', () => {
  const keyPolicy = () => resolve(security(), resourcesOfType(security(), 'AWS::KMS::Key')[0]![1].Properties!.KeyPolicy, home);
  const topicArn = `arn:aws:sns:${CONFIG.region}:${CONFIG.securityAccount}:agent-guardrail-findings`;
  const alarmArn = (name: string) => `arn:aws:cloudwatch:${CONFIG.region}:${CONFIG.securityAccount}:alarm:${name}`;

  it('lets CloudWatch publish the guardrail alarms to the encrypted topic: topic policy and key policy', async () => {
    const alarms = resourcesOfType(security(), 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThanOrEqual(2);
    const [, topicPolicy] = resourcesOfType(security(), 'AWS::SNS::TopicPolicy')[0]!;
    const topicDocument = resolve(security(), topicPolicy.Properties!.PolicyDocument, home);
    for (const [id, alarm] of alarms) {
      const actions = resolve(security(), alarm.Properties!.AlarmActions, home) as string[];
      expect(actions, id).toEqual([topicArn]);
      const context = { 'aws:SourceArn': alarmArn(alarm.Properties!.AlarmName as string), 'aws:SourceAccount': CONFIG.securityAccount, 'aws:SecureTransport': 'true' };
      expect(await authorize({ principal: 'cloudwatch.amazonaws.com', action: 'sns:Publish', resource: topicArn, resourceAccount: CONFIG.securityAccount, resourcePolicy: topicDocument, context }), id).toBe('Allowed');
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
        expect(await authorize({ principal: 'cloudwatch.amazonaws.com', action, resource: `arn:aws:kms:${CONFIG.region}:${CONFIG.securityAccount}:key/k`, resourceAccount: CONFIG.securityAccount, resourcePolicy: keyPolicy(), context }), `${id} ${action}`).toBe('Allowed');
      }
    }
    // Another account's alarms cannot use the key.
    expect(await authorize({ principal: 'cloudwatch.amazonaws.com', action: 'kms:Decrypt', resource: `arn:aws:kms:${CONFIG.region}:${CONFIG.securityAccount}:key/k`, resourceAccount: CONFIG.securityAccount, resourcePolicy: keyPolicy(), context: { 'aws:SourceArn': 'arn:aws:cloudwatch:us-east-1:999988887777:alarm:AgentGuardrail-X', 'aws:SourceAccount': '999988887777' } })).not.toBe('Allowed');
  });

  it('lets EventBridge write undeliverable events of every central rule to the guard\'s dead-letter queue', async () => {
    const [, queuePolicy] = resourcesOfType(security(), 'AWS::SQS::QueuePolicy')[0]!;
    const document = resolve(security(), queuePolicy.Properties!.PolicyDocument, home);
    const queue = resourcesOfType(security(), 'AWS::SQS::Queue')[0]![1];
    // Encrypted at rest with SQS-managed keys: no key policy stands between EventBridge and the queue.
    expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true });
    expect(queue.Properties!.KmsMasterKeyId).toBeUndefined();
    const queueArn = `arn:aws:sqs:${CONFIG.region}:${CONFIG.securityAccount}:AgentGuardrail-DeadLetters`;
    for (const [id, rule] of resourcesOfType(security(), 'AWS::Events::Rule')) {
      const targets = resolve(security(), rule.Properties!.Targets, home) as { DeadLetterConfig: { Arn: string } }[];
      expect(targets[0]!.DeadLetterConfig.Arn, id).toBe(queueArn);
      const ruleArn = `arn:aws:events:${CONFIG.region}:${CONFIG.securityAccount}:rule/agent-guardrail/${rule.Properties!.Name as string}`;
      expect(await authorize({ principal: 'events.amazonaws.com', action: 'sqs:SendMessage', resource: queueArn, resourceAccount: CONFIG.securityAccount, resourcePolicy: document, context: { 'aws:SourceArn': ruleArn, 'aws:SecureTransport': 'true' } }), id).toBe('Allowed');
    }
  });

  it('reserves concurrency for the guard and the override (defect 5)', () => {
    const functions = Object.fromEntries(resourcesOfType(security(), 'AWS::Lambda::Function').map(([, r]) => [r.Properties!.FunctionName, r.Properties!.ReservedConcurrentExecutions]));
    expect(functions['AgentGuardrail-Guard']).toBeGreaterThan(0);
    expect(functions['AgentGuardrail-Override']).toBeGreaterThan(0);
  });
});
