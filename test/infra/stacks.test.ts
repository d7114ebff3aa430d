import { LAST_RETRY_AFTER, SEQUENTIAL_CALLS, worstRetryWaitMs } from '../../infra/constructs/function-timeout.ts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { parseDeploymentConfig } from '../../infra/config.ts';
import { RESPONSE_IAM_ACTIONS, responderActions, SCP_ACTIONS } from '../../functions/core/respond/required-permissions.ts';
import { HEARTBEAT_READ_ACTIONS } from '../../functions/heartbeat/heartbeat-names.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const CONTEXT = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const config = CONTEXT.agentGuardrail as { organizationId: string; securityAccount: string; operatorPrincipals: string[]; region: string; memberRegions: string[] };

let security: Template;
let member: Template;
let management: Template;
let outdir: string;

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'agent-guardrail-synth-'));
  // Bundling skipped: the templates are what is tested here; `npm run synth` bundles for real.
  const app = new App({ outdir, context: { ...CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const stacks = await buildApp(app);
  security = Template.fromStack(stacks.security);
  member = Template.fromStack(stacks.member);
  management = Template.fromStack(stacks.management);
  app.synth();
}, 120_000);

type ArnValue = string | { 'Fn::Join': [string, unknown[]] };
type TrustingRole = { AssumeRolePolicyDocument: { Statement: { Effect: string; Action: string; Principal: { AWS: ArnValue | ArnValue[] } }[] } };

/**
 * The principals a role's trust policy admits, as the ARN after its partition. A stack with a known region
 * writes the partition literally (the enablePartitionLiterals flag); a region-agnostic one joins the token;
 * statements alike are merged into one with several principals (the minimizePolicies flag).
 */
function trustedPrincipals(role: TrustingRole): string[] {
  return role.AssumeRolePolicyDocument.Statement.flatMap((s) => {
    expect(s).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRole' });
    return [s.Principal.AWS].flat().map((principal) => (typeof principal === 'string' ? principal.replace(/^arn:aws:/, ':') : String(principal['Fn::Join'][1].at(-1))));
  });
}


describe('security account stack', () => {
  it('admits only the organization to the central bus, and archives it', () => {
    security.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: Match.objectLike({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'events:PutEvents', Condition: { StringEquals: { 'aws:PrincipalOrgID': config.organizationId } } }),
    });
    security.resourceCountIs('AWS::Events::EventBusPolicy', 1);
    security.hasResourceProperties('AWS::Events::Archive', { RetentionDays: 90 });
  });

  it('runs the functions on Node.js 24, arm64, with the guard fed by rules compiled from the policy', () => {
    security.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'AgentGuardrail-Guard', Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    security.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'AgentGuardrail-Override', Runtime: 'nodejs24.x' });
    const rules = security.findResources('AWS::Events::Rule');
    const patterns = Object.values(rules).map((r) => (r.Properties as { EventPattern: unknown }).EventPattern);
    expect(patterns).toMatchSnapshot();
    const sources = patterns.flatMap((p) => (p as { detail: { eventSource: string[] } }).detail.eventSource);
    expect(sources).toEqual(expect.arrayContaining(['sts.amazonaws.com', 'iam.amazonaws.com', 's3.amazonaws.com']));
  });

  it('retries and keeps what fails in an encrypted dead-letter queue with an alarm', () => {
    security.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
    security.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'AgentGuardrail-DeadLetters', SqsManagedSseEnabled: true });
    security.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'AgentGuardrail-DeadLetters', Threshold: 0 });
    security.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'AgentGuardrail-Guard', DeadLetterConfig: { TargetArn: Match.anyValue() } });
  });

  it('bounds concurrency and gives every containment room for IAM retries within a lease that Lambda retries outlive', () => {
    // Events beyond the reserved concurrency are throttled; Lambda keeps them in its asynchronous queue and
    // retries for up to MaximumEventAgeInSeconds, then sends them to the dead-letter queue (never dropped).
    // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
    const functions = Object.values(security.findResources('AWS::Lambda::Function')).map((r) => r.Properties as Record<string, unknown>);
    const guard = functions.find((f) => f.FunctionName === 'AgentGuardrail-Guard')!;
    const override = functions.find((f) => f.FunctionName === 'AgentGuardrail-Override')!;
    const deployed = parseDeploymentConfig(config);
    expect(guard.ReservedConcurrentExecutions).toBe(deployed.guardReservedConcurrency);
    expect(override.ReservedConcurrentExecutions).toBe(deployed.overrideReservedConcurrency);
    expect(guard.DeadLetterConfig).toBeDefined();
    security.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumEventAgeInSeconds: 6 * 3600, MaximumRetryAttempts: 2 });
    for (const fn of [guard, override]) {
      const timeoutMs = (fn.Timeout as number) * 1000;
      // Six sequential calls, each throttled to the SDK's last attempt (15.5 s of backoff apiece)...
      expect(worstRetryWaitMs()).toBe(15_500);
      expect(timeoutMs).toBeGreaterThanOrEqual(SEQUENTIAL_CALLS * worstRetryWaitMs());
      // ...and a lease (which ends with the invocation) over before Lambda's last retry of a crash.
      expect(timeoutMs).toBeLessThan(LAST_RETRY_AFTER.toMilliseconds());
    }
  });

  it('keeps state in an encrypted, point-in-time-recoverable, deletion-protected table with TTL', () => {
    security.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: Match.objectLike({ SSEEnabled: true, SSEType: 'KMS' }),
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })],
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('lets only the named operators invoke the override function', () => {
    const permissions = Object.values(security.findResources('AWS::Lambda::Permission')).map((r) => r.Properties as Record<string, unknown>);
    const override = permissions.filter((p) => p.Action === 'lambda:InvokeFunction' && typeof p.Principal === 'string' && String(p.Principal).startsWith('arn:'));
    expect(override.map((p) => p.Principal)).toEqual(config.operatorPrincipals);
  });

  it('encrypts the findings topic with the guardrail key', () => {
    security.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  it('rolls the member stack out with a service-managed, auto-deploying StackSet', () => {
    security.hasResourceProperties('AWS::CloudFormation::StackSet', {
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
    });
  });
  it('checks every member on a schedule against the very rules the member stack deploys, and alarms naming a silent account', () => {
    security.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'AgentGuardrail-Heartbeat',
      ScheduleExpression: 'rate(15 minutes)',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HeartbeatFunction'), 'Arn'] } }),
    });
    const fn = Object.values(security.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'AgentGuardrail-Heartbeat' } }))[0]!;
    const env = (fn.Properties as { Environment: { Variables: Record<string, string> } }).Environment.Variables;
    const memberRules = Object.values(member.findResources('AWS::Events::Rule')).map((r) => (r.Properties as { Name: string }).Name).sort();
    expect(env.FORWARD_RULE_NAMES!.split(',').sort()).toEqual(memberRules);
    expect(env.CENTRAL_BUS_ARN).toBe(`arn:aws:events:${config.region}:${config.securityAccount}:event-bus/agent-guardrail`);
    expect(env.MEMBER_REGIONS).toBe(config.memberRegions.join(','));
    const busTargets = Object.values(member.findResources('AWS::Events::Rule')).map((r) => JSON.stringify((r.Properties as { Targets: unknown[] }).Targets[0]));
    for (const target of busTargets) expect(target).toContain(`:events:${config.region}:${config.securityAccount}:event-bus/agent-guardrail`);

    const alarms = Object.values(security.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties as { AlarmName: string; Metrics?: { Expression?: string }[]; TreatMissingData: string; AlarmActions: unknown[] });
    const silent = alarms.find((a) => a.AlarmName === 'AgentGuardrail-SilentAccount')!;
    expect(silent.Metrics![0]!.Expression).toBe(`SELECT MAX(ForwardingSilent) FROM SCHEMA("AgentGuardrail", Account, service) WHERE service = 'heartbeat' GROUP BY Account`);
    const stopped = alarms.find((a) => a.AlarmName === 'AgentGuardrail-HeartbeatStopped')!;
    expect(stopped.TreatMissingData).toBe('breaching');
    for (const alarm of [silent, stopped]) expect(alarm.AlarmActions).toHaveLength(1);
  });

});

describe('member account stack', () => {
  it('trusts the responder role only to the guard, override and heartbeat roles of the security account', () => {
    const role = Object.values(member.findResources('AWS::IAM::Role', { Properties: { RoleName: 'AgentGuardrailResponder' } }))[0]!;
    expect(trustedPrincipals(role.Properties as TrustingRole)).toEqual([
      `:iam::${config.securityAccount}:role/AgentGuardrail-GuardFunction`,
      `:iam::${config.securityAccount}:role/AgentGuardrail-HeartbeatFunction`,
      `:iam::${config.securityAccount}:role/AgentGuardrail-OverrideFunction`,
    ]);
  });

  it('grants the responder exactly the actions the responses need, and denies changes to guardrail roles', () => {
    const role = Object.values(member.findResources('AWS::IAM::Role', { Properties: { RoleName: 'AgentGuardrailResponder' } }))[0]!;
    const statements = (role.Properties as { Policies: { PolicyDocument: { Statement: { Effect: string; Action?: string | string[]; NotAction?: string[]; Resource: unknown }[] } }[] }).Policies[0]!.PolicyDocument.Statement;
    const granted = statements.filter((s) => s.Effect === 'Allow').flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action!]));
    expect([...granted].sort()).toEqual([...responderActions(), ...HEARTBEAT_READ_ACTIONS].sort());
    // The heartbeat's reads reach the forwarding rules only.
    const reads = statements.find((s) => (s as { Sid?: string }).Sid === 'ReadForwarding')!;
    expect(reads.Action).toEqual('events:ListTargetsByRule');
    expect(JSON.stringify(reads.Resource)).toMatch(/:rule\/AgentGuardrail-Forward-\*"/);
    expect(new Set(granted).size).toBe(granted.length);
    for (const actions of Object.values(RESPONSE_IAM_ACTIONS)) for (const action of actions) expect(granted).toContain(action);
    const deny = statements.find((s) => s.Effect === 'Deny')!;
    expect(deny.NotAction).toEqual(['iam:Get*', 'iam:List*']);
    expect(JSON.stringify(deny.Resource)).toContain(':role/AgentGuardrail*');
    const tags = statements.find((s) => (s as { Sid?: string }).Sid === 'GuardrailTags') as unknown as { Condition: unknown };
    expect(tags.Condition).toEqual({ 'ForAllValues:StringLike': { 'aws:TagKeys': ['agent-guardrail:*'] } });
  });

  it('forwards the watched events to the central bus', () => {
    member.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: Match.objectLike({ 'Fn::Join': Match.anyValue() }) })],
    });
  });
});

describe('management account stack', () => {
  it('gives the SCP role exactly the Organizations actions scp-deny needs, trusted only by the guardrail functions', () => {
    const role = Object.values(management.findResources('AWS::IAM::Role'))[0]!;
    const props = role.Properties as { Policies: { PolicyDocument: { Statement: { Action: string[] }[] } }[] };
    const granted = props.Policies[0]!.PolicyDocument.Statement.flatMap((s) => [s.Action].flat());
    expect([...new Set(granted)].sort()).toEqual([...SCP_ACTIONS].sort());
    expect(trustedPrincipals(role.Properties as TrustingRole)).toEqual([
      `:iam::${config.securityAccount}:role/AgentGuardrail-GuardFunction`,
      `:iam::${config.securityAccount}:role/AgentGuardrail-OverrideFunction`,
    ]);
  });
});

describe('synthesized templates', () => {
  it('have no unacknowledged cdk-nag AwsSolutions findings', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as { pluginReports: { pluginName: string; conclusion: string; violations: unknown[] }[] };
    expect(report.pluginReports.map((p) => p.pluginName)).toEqual(['AwsSolutions']);
    for (const plugin of report.pluginReports) {
      expect(plugin.violations).toEqual([]);
      expect(plugin.conclusion).toBe('success');
    }
  });

  it('pass cfn-lint with no errors', () => {
    const templates = ['AgentGuardrail-Security', 'AgentGuardrail-Member', 'AgentGuardrail-Management'].map((name) => join(outdir, `${name}.template.json`));
    // The member template as the StackSet deploys it (inlined in the security template).
    const stackSet = Object.values(security.findResources('AWS::CloudFormation::StackSet'))[0]!;
    const inlined = join(outdir, 'stackset-member.template.json');
    writeFileSync(inlined, (stackSet.Properties as { TemplateBody: string }).TemplateBody);
    let output = '';
    try {
      // cfn-lint exits non-zero on warnings too: keep the run, judge by error lines (E****).
      execFileSync('cfn-lint', ['--format', 'parseable', ...templates, inlined], { encoding: 'utf8' });
    } catch (error) {
      const e = error as { stdout?: string; code?: string };
      if (e.code === 'ENOENT') throw new Error('cfn-lint is not installed (pip install cfn-lint)');
      output = e.stdout ?? '';
    }
    const errors = output.split('\n').filter((line) => /:E\d{4}:/.test(line));
    expect(errors).toEqual([]);
  });
});

describe('deployment configuration', () => {
  it('requires us-east-1 among the member regions (IAM events arrive only there)', () => {
    expect(() => parseDeploymentConfig({ ...config, memberRegions: ['eu-west-1'], unwatchedRegions: {} })).toThrow(/agentGuardrail\.memberRegions: must include us-east-1/);
  });

  it('rejects bad settings naming each one', () => {
    expect(() => parseDeploymentConfig({ ...config, organizationId: 'org', operatorPrincipals: ['bob'] })).toThrow(
      /agentGuardrail\.organizationId: must be an organization id[\s\S]*agentGuardrail\.operatorPrincipals\.0: must be an IAM role or user ARN/,
    );
  });
});

describe('queue policies within Amazon SQS policy quotas', () => {
  // 20 statements and 8,192 bytes a queue policy:
  // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html
  it.each([
    ['security', () => security],
    ['member', () => member],
  ])('%s: every dead-letter queue admits its rules in one statement, by the rules\' name pattern', (_name, template) => {
    const policies = Object.values(template().findResources('AWS::SQS::QueuePolicy')) as { Properties: { PolicyDocument: { Statement: { Sid?: string; Condition?: Record<string, unknown> }[] } } }[];
    expect(policies.length).toBeGreaterThan(0);
    for (const { Properties } of policies) {
      const statements = Properties.PolicyDocument.Statement;
      expect(statements.length).toBeLessThanOrEqual(20);
      expect(JSON.stringify(Properties.PolicyDocument).length).toBeLessThanOrEqual(8_192);
      const fromRules = statements.filter((s) => JSON.stringify(s).includes('events.amazonaws.com'));
      expect(fromRules).toHaveLength(1);
      expect(fromRules[0]!.Condition).toHaveProperty('ArnLike');
    }
  });
});
