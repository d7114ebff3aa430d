import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { parseDeploymentConfig } from '../../infra/config.ts';
import { fittedStandingScp } from '../../infra/standing-scp.ts';
import { ALLOW_ALL, authorize } from '../helpers/simulate.ts';
import { resolve, type Template as TwinTemplate } from '../twin/templates.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const CONTEXT = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const MEMBER = '111122223333';
const MANAGEMENT = (CONTEXT.agentGuardrail as { managementAccount: string }).managementAccount;

let scp: Record<string, unknown>;
let targets: string[];
let scpRolePolicy: unknown;
beforeAll(async () => {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'agent-guardrail-scp-')), context: { ...CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const { management } = await buildApp(app);
  const template = Template.fromStack(management);
  const policies = Object.values(template.findResources('AWS::Organizations::Policy'));
  expect(policies).toHaveLength(1);
  const properties = policies[0]!.Properties as { Content: Record<string, unknown>; TargetIds: string[]; Type: string };
  expect(properties.Type).toBe('SERVICE_CONTROL_POLICY');
  // As CloudFormation submits it in the management account: the partition resolved.
  const at = { account: MANAGEMENT, region: 'us-east-1', partition: 'aws' };
  scp = resolve(template.toJSON() as TwinTemplate, properties.Content, at) as Record<string, unknown>;
  const role = Object.values(template.findResources('AWS::IAM::Role'))[0]!.Properties as { Policies: { PolicyDocument: unknown }[] };
  scpRolePolicy = resolve(template.toJSON() as TwinTemplate, role.Policies[0]!.PolicyDocument, at);
  targets = properties.TargetIds;
}, 120_000);

/** An agent (or anyone) in a member account, holding AdministratorAccess, under the standing SCP. */
async function decide(role: string, action: string, resource: string, resourceTags: Record<string, string> = {}): Promise<string> {
  const context: Record<string, string> = { 'aws:PrincipalArn': `arn:aws:iam::${MEMBER}:role/${role}`, 'aws:PrincipalAccount': MEMBER };
  for (const [key, value] of Object.entries(resourceTags)) context[`aws:ResourceTag/${key}`] = value;
  return authorize({ principal: `arn:aws:sts::${MEMBER}:assumed-role/${role}/s`, action, resource, resourceAccount: MEMBER, identityPolicies: [{ name: 'admin', policy: ALLOW_ALL }], context, scps: [scp] });
}

describe('the standing SCP (management stack)', () => {
  it('is attached where the member stack is deployed, and fits the SCP quota as submitted', () => {
    expect(targets).toEqual(parseDeploymentConfig(CONTEXT.agentGuardrail).deploymentOrganizationalUnits);
    expect(JSON.stringify(scp).length).toBeLessThanOrEqual(5120);
  });

  it("keeps an administrator of a member account (an agent's role included) off the guardrail's machinery", async () => {
    expect(await decide('DevOps', 'iam:DeleteRole', `arn:aws:iam::${MEMBER}:role/AgentGuardrailResponder`)).toBe('ExplicitlyDenied');
    expect(await decide('DevOps', 'iam:UpdateAssumeRolePolicy', `arn:aws:iam::${MEMBER}:role/AgentGuardrail-EventForwarder-us-east-1`)).toBe('ExplicitlyDenied');
    expect(await decide('DevOps', 'events:DisableRule', `arn:aws:events:us-east-1:${MEMBER}:rule/AgentGuardrail-Forward-iam`)).toBe('ExplicitlyDenied');
    expect(await decide('DevOps', 'sqs:PurgeQueue', `arn:aws:sqs:us-east-1:${MEMBER}:AgentGuardrail-ForwardDeadLetters`)).toBe('ExplicitlyDenied');
    expect(await decide('DevOps', 'cloudformation:DeleteStack', `arn:aws:cloudformation:us-east-1:${MEMBER}:stack/StackSet-AgentGuardrail-Member-0a1b2c3d/9f8e7d6c`)).toBe('ExplicitlyDenied');
    expect(await decide('DevOps', 'organizations:LeaveOrganization', '*')).toBe('ExplicitlyDenied');
  });

  it('keeps a quarantined role quarantined: only the responder (release) may change it', async () => {
    const quarantined = { 'agent-guardrail:quarantined': '2026-11-20T09:00:00.000Z' };
    const role = `arn:aws:iam::${MEMBER}:role/DevOps`;
    expect(await decide('DevOps', 'iam:DeleteRolePolicy', role, quarantined)).toBe('ExplicitlyDenied');
    expect(await decide('Admin', 'iam:UntagRole', role, quarantined)).toBe('ExplicitlyDenied');
    expect(await decide('AgentGuardrailResponder', 'iam:DeleteRolePolicy', role, quarantined)).toBe('Allowed');
  });

  it('leaves deployments and everyday administration alone', async () => {
    expect(await decide('stacksets-exec-0123456789abcdef', 'iam:UpdateAssumeRolePolicy', `arn:aws:iam::${MEMBER}:role/AgentGuardrailResponder`)).toBe('Allowed');
    expect(await decide('stacksets-exec-0123456789abcdef', 'events:PutRule', `arn:aws:events:us-east-1:${MEMBER}:rule/AgentGuardrail-Forward-iam`)).toBe('Allowed');
    expect(await decide('DevOps', 'iam:PutRolePolicy', `arn:aws:iam::${MEMBER}:role/AppRole`)).toBe('Allowed');
    expect(await decide('DevOps', 'events:DisableRule', `arn:aws:events:us-east-1:${MEMBER}:rule/app-nightly`)).toBe('Allowed');
  });
});

describe('the SCP role (management stack)', () => {
  const ORG = 'o-a1b2c3d4e5';
  const decide = (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
    authorize({
      principal: `arn:aws:sts::${MANAGEMENT}:assumed-role/AgentGuardrailScpResponder/agent-guardrail`,
      action,
      resource,
      resourceAccount: MANAGEMENT,
      identityPolicies: [{ name: 'Scp', policy: scpRolePolicy }],
      context: { 'aws:PrincipalArn': `arn:aws:iam::${MANAGEMENT}:role/AgentGuardrailScpResponder`, ...context },
    });
  const policy = (id: string) => `arn:aws:organizations::${MANAGEMENT}:policy/${ORG}/service_control_policy/${id}`;

  it("changes and attaches only the guardrail's own, tagged SCPs", async () => {
    expect(await decide('organizations:UpdatePolicy', policy('p-guardrail1'), { 'aws:ResourceTag/agent-guardrail:scp': 'true' })).toBe('Allowed');
    expect(await decide('organizations:AttachPolicy', policy('p-guardrail1'), { 'aws:ResourceTag/agent-guardrail:scp': 'true' })).toBe('Allowed');
    expect(await decide('organizations:AttachPolicy', `arn:aws:organizations::${MANAGEMENT}:account/${ORG}/${MEMBER}`)).toBe('Allowed');
  });

  it('cannot touch FullAWSAccess or the organization\'s other SCPs, nor create an untagged one', async () => {
    expect(await decide('organizations:UpdatePolicy', policy('p-FullAWSAccess'))).not.toBe('Allowed');
    expect(await decide('organizations:DetachPolicy', policy('p-FullAWSAccess'))).not.toBe('Allowed');
    expect(await decide('organizations:DeletePolicy', policy('p-orgbaseline'), { 'aws:ResourceTag/team': 'security' })).not.toBe('Allowed');
    expect(await decide('organizations:CreatePolicy', policy('p-new0000'))).not.toBe('Allowed');
    expect(await decide('organizations:CreatePolicy', policy('p-new0000'), { 'aws:RequestTag/agent-guardrail:scp': 'true', 'aws:TagKeys': ['agent-guardrail:scp'] })).toBe('Allowed');
  });
});

describe('the standing SCP in the security account', () => {
  const SECURITY = (CONTEXT.agentGuardrail as { securityAccount: string }).securityAccount;
  const operator = (CONTEXT.agentGuardrail as { operatorPrincipals: string[] }).operatorPrincipals[0]!;
  const invoke = (principalArn: string, fn: string, action = 'lambda:InvokeFunction') =>
    authorize({
      principal: principalArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/') + '/s',
      action,
      resource: `arn:aws:lambda:us-east-1:${SECURITY}:function:${fn}`,
      resourceAccount: SECURITY,
      identityPolicies: [{ name: 'admin', policy: ALLOW_ALL }],
      context: { 'aws:PrincipalArn': principalArn, 'aws:PrincipalAccount': SECURITY },
      scps: [scp],
    });

  it('lets no identity invoke the guard (EventBridge, a service principal, is not bound) and only operators the override', async () => {
    expect(await invoke(`arn:aws:iam::${SECURITY}:role/Admin`, 'AgentGuardrail-Guard')).toBe('ExplicitlyDenied');
    expect(await invoke(`arn:aws:iam::${SECURITY}:role/Admin`, 'AgentGuardrail-Override')).toBe('ExplicitlyDenied');
    expect(await invoke(operator, 'AgentGuardrail-Override')).toBe('Allowed');
  });

  it('lets only CloudFormation deployments change the functions', async () => {
    expect(await invoke(`arn:aws:iam::${SECURITY}:role/Admin`, 'AgentGuardrail-Guard', 'lambda:PutFunctionConcurrency')).toBe('ExplicitlyDenied');
    expect(await invoke(`arn:aws:iam::${SECURITY}:role/cdk-hnb659fds-cfn-exec-role-${SECURITY}-us-east-1`, 'AgentGuardrail-Guard', 'lambda:UpdateFunctionCode')).toBe('Allowed');
    expect(await invoke(`arn:aws:iam::${SECURITY}:role/Admin`, 'payments-api', 'lambda:UpdateFunctionCode')).toBe('Allowed');
  });
});

describe('the standing SCP: names and the security account\'s key and queues', () => {
  const SECURITY = (CONTEXT.agentGuardrail as { securityAccount: string }).securityAccount;
  const decideIn = (account: string, role: string, action: string, resource: string, context: Record<string, string | string[]> = {}) =>
    authorize({
      principal: `arn:aws:sts::${account}:assumed-role/${role}/s`,
      action,
      resource,
      resourceAccount: account,
      identityPolicies: [{ name: 'admin', policy: ALLOW_ALL }],
      context: { 'aws:PrincipalArn': `arn:aws:iam::${account}:role/${role}`, 'aws:PrincipalAccount': account, ...context },
      // A KMS key is governed by its key policy first: CDK's default gives the account's IAM policies a say.
      ...(action.startsWith('kms:') ? { resourcePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }] } } : {}),
      scps: [scp],
    });

  it("lets nobody make or take over a role named like the StackSet execution role (the SCPs' exception)", async () => {
    for (const action of ['iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:AttachRolePolicy']) {
      expect(await decideIn(MEMBER, 'DevOps', action, `arn:aws:iam::${MEMBER}:role/stacksets-exec-evil`)).toBe('ExplicitlyDenied');
    }
    expect(await decideIn(MEMBER, 'DevOps', 'iam:UpdateAssumeRolePolicy', `arn:aws:iam::${MEMBER}:role/stacksets-exec-0123456789abcdef`)).toBe('ExplicitlyDenied');
  });

  it('lets only deployments create roles named like the guardrail\'s', async () => {
    expect(await decideIn(MEMBER, 'DevOps', 'iam:CreateRole', `arn:aws:iam::${MEMBER}:role/AgentGuardrailResponderX`)).toBe('ExplicitlyDenied');
    expect(await decideIn(MEMBER, 'stacksets-exec-0123456789abcdef', 'iam:CreateRole', `arn:aws:iam::${MEMBER}:role/AgentGuardrailResponder`)).toBe('Allowed');
    expect(await decideIn(SECURITY, `cdk-hnb659fds-cfn-exec-role-${SECURITY}-us-east-1`, 'iam:CreateRole', `arn:aws:iam::${SECURITY}:role/AgentGuardrail-GuardFunction`)).toBe('Allowed');
    expect(await decideIn(MEMBER, 'DevOps', 'iam:CreateRole', `arn:aws:iam::${MEMBER}:role/AppRole`)).toBe('Allowed');
  });

  it("keeps everyone but CloudFormation off the guardrail's key, its alias and its queues", async () => {
    const key = `arn:aws:kms:us-east-1:${SECURITY}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const ours = { 'kms:ResourceAliases': ['alias/agent-guardrail'] };
    for (const action of ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey']) expect(await decideIn(SECURITY, 'Admin', action, key, ours)).toBe('ExplicitlyDenied');
    expect(await decideIn(SECURITY, 'Admin', 'kms:DeleteAlias', `arn:aws:kms:us-east-1:${SECURITY}:alias/agent-guardrail`)).toBe('ExplicitlyDenied');
    expect(await decideIn(SECURITY, `cdk-hnb659fds-cfn-exec-role-${SECURITY}-us-east-1`, 'kms:PutKeyPolicy', key, ours)).toBe('Allowed');
    expect(await decideIn(SECURITY, 'Admin', 'kms:PutKeyPolicy', key, { 'kms:ResourceAliases': ['alias/payments'] })).toBe('Allowed');
    expect(await decideIn(SECURITY, 'Admin', 'sqs:SetQueueAttributes', `arn:aws:sqs:us-east-1:${SECURITY}:AgentGuardrail-DeadLetters`)).toBe('ExplicitlyDenied');
    expect(await decideIn(SECURITY, 'Admin', 'sqs:PurgeQueue', `arn:aws:sqs:us-east-1:${SECURITY}:AgentGuardrail-DeadLetters`)).toBe('ExplicitlyDenied');
    expect(await decideIn(SECURITY, 'Admin', 'sqs:SetQueueAttributes', `arn:aws:sqs:us-east-1:${SECURITY}:payments-jobs`)).toBe('Allowed');
    // The heartbeat's schedule: nobody but a deployment stops or changes it.
    const schedule = (name: string) => `arn:aws:scheduler:us-east-1:${SECURITY}:schedule/default/${name}`;
    for (const action of ['scheduler:DeleteSchedule', 'scheduler:UpdateSchedule']) expect(await decideIn(SECURITY, 'Admin', action, schedule('AgentGuardrail-Heartbeat'))).toBe('ExplicitlyDenied');
    expect(await decideIn(SECURITY, `cdk-hnb659fds-cfn-exec-role-${SECURITY}-us-east-1`, 'scheduler:UpdateSchedule', schedule('AgentGuardrail-Heartbeat'))).toBe('Allowed');
    expect(await decideIn(SECURITY, 'Admin', 'scheduler:DeleteSchedule', schedule('nightly-report'))).toBe('Allowed');
  });
});

describe('the standing SCP against its quota', () => {
  it('fails the synth, naming the size and the remedy, when the operators named would push it past 5,120 characters', () => {
    const operators = (n: number) => Array.from({ length: n }, (_, i) => `arn:aws:iam::111111111111:role/SecurityOperator${i}`);
    expect(JSON.stringify(fittedStandingScp('aws', { securityAccount: '111111111111', operatorPrincipals: operators(1) })).length).toBeLessThanOrEqual(5120);
    expect(() => fittedStandingScp('aws', { securityAccount: '111111111111', operatorPrincipals: operators(8) })).toThrow(/would be \d{4} characters; an SCP holds at most 5120\. It names each of the 8 operatorPrincipals/);
  });
});
