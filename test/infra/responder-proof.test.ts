import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authorize } from '../helpers/simulate.ts';
import { resolve, type Template as TwinTemplate } from '../twin/templates.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { HEARTBEAT_SESSION_POLICY } from '../../functions/aws/member-forwarding-probe.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const CONTEXT = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const MEMBER = '111122223333';
const RESPONDER = `arn:aws:sts::${MEMBER}:assumed-role/AgentGuardrailResponder/agent-guardrail`;

let policy: unknown;
beforeAll(async () => {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'agent-guardrail-proof-')), context: { ...CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const { member } = await buildApp(app);
  const template = Template.fromStack(member).toJSON() as TwinTemplate;
  const role = Object.values(template.Resources).find((r) => r.Type === 'AWS::IAM::Role' && r.Properties?.RoleName === 'AgentGuardrailResponder')!;
  policy = resolve(template, (role.Properties as { Policies: { PolicyDocument: unknown }[] }).Policies[0]!.PolicyDocument, { account: MEMBER, region: 'us-east-1', partition: 'aws' });
}, 120_000);

async function decide(action: string, resource: string, context: Record<string, string | string[]> = {}): Promise<string> {
  return authorize({ principal: RESPONDER, action, resource, resourceAccount: MEMBER, identityPolicies: [{ name: 'Contain', policy }], context });
}

describe('the synthesized responder role, evaluated with iam-simulate', () => {
  it('can write guardrail documents on ordinary roles', async () => {
    expect(await decide('iam:PutRolePolicy', `arn:aws:iam::${MEMBER}:role/DevOps`)).toBe('Allowed');
    expect(await decide('iam:CreatePolicy', `arn:aws:iam::${MEMBER}:policy/AgentGuardrail-DenyActions`)).toBe('Allowed');
    expect(await decide('iam:TagRole', `arn:aws:iam::${MEMBER}:role/DevOps`, { 'aws:TagKeys': ['agent-guardrail:quarantined'] })).toBe('Allowed');
  });

  it('cannot touch the guardrail roles, whatever the action', async () => {
    for (const action of ['iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:AttachRolePolicy', 'iam:TagRole', 'iam:UntagRole']) {
      expect(await decide(action, `arn:aws:iam::${MEMBER}:role/AgentGuardrailResponder`, { 'iam:PolicyARN': `arn:aws:iam::${MEMBER}:policy/AgentGuardrail-X`, 'aws:TagKeys': ['agent-guardrail:x'] }), action).toBe('ExplicitlyDenied');
    }
  });

  it('cannot write other managed policies, other tags, or anything else', async () => {
    expect(await decide('iam:CreatePolicy', `arn:aws:iam::${MEMBER}:policy/Admin`)).not.toBe('Allowed');
    expect(await decide('iam:AttachRolePolicy', `arn:aws:iam::${MEMBER}:role/DevOps`, { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' })).not.toBe('Allowed');
    expect(await decide('iam:TagRole', `arn:aws:iam::${MEMBER}:role/DevOps`, { 'aws:TagKeys': ['owner'] })).not.toBe('Allowed');
    expect(await decide('iam:DeleteRole', `arn:aws:iam::${MEMBER}:role/DevOps`)).not.toBe('Allowed');
    expect(await decide('iam:CreateAccessKey', `arn:aws:iam::${MEMBER}:user/alice`)).not.toBe('Allowed');
    expect(await decide('s3:DeleteBucket', 'arn:aws:s3:::prod')).not.toBe('Allowed');
  });
});

describe('the heartbeat\'s session of the responder role (session policy), evaluated with iam-simulate', () => {
  const HEARTBEAT = `arn:aws:sts::${MEMBER}:assumed-role/AgentGuardrailResponder/agent-guardrail-heartbeat`;
  const asHeartbeat = (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
    authorize({ principal: HEARTBEAT, action, resource, resourceAccount: MEMBER, identityPolicies: [{ name: 'Contain', policy }], sessionPolicy: JSON.parse(HEARTBEAT_SESSION_POLICY), context });

  it('reads the forwarding rules in any region', async () => {
    for (const region of ['us-east-1', 'eu-west-1']) {
      expect(await asHeartbeat('events:ListRules', '*')).toBe('Allowed');
      expect(await asHeartbeat('events:ListTargetsByRule', `arn:aws:events:${region}:${MEMBER}:rule/AgentGuardrail-Forward-iam`)).toBe('Allowed');
      expect(await asHeartbeat('events:ListTargetsByRule', `arn:aws:events:${region}:${MEMBER}:rule/AgentGuardrail-Forward-sts`)).toBe('Allowed');
      // The dead-letter queue's depth: lost forwards are reported centrally.
      expect(await asHeartbeat('sqs:GetQueueAttributes', `arn:aws:sqs:${region}:${MEMBER}:AgentGuardrail-ForwardDeadLetters`)).toBe('Allowed');
    }
  });

  it('holds none of the responder\'s writes, nor reads of other rules', async () => {
    expect(await asHeartbeat('iam:PutRolePolicy', `arn:aws:iam::${MEMBER}:role/DevOps`)).not.toBe('Allowed');
    expect(await asHeartbeat('iam:TagRole', `arn:aws:iam::${MEMBER}:role/DevOps`, { 'aws:TagKeys': ['agent-guardrail:quarantined'] })).not.toBe('Allowed');
    expect(await asHeartbeat('events:ListTargetsByRule', `arn:aws:events:us-east-1:${MEMBER}:rule/payments-nightly`)).not.toBe('Allowed');
    expect(await asHeartbeat('events:DisableRule', `arn:aws:events:us-east-1:${MEMBER}:rule/AgentGuardrail-Forward-iam`)).not.toBe('Allowed');
    // Nothing of the queue but its attributes, and no other queue's.
    expect(await asHeartbeat('sqs:GetQueueAttributes', `arn:aws:sqs:us-east-1:${MEMBER}:payments-orders`)).not.toBe('Allowed');
    for (const action of ['sqs:ReceiveMessage', 'sqs:PurgeQueue', 'sqs:DeleteMessage', 'sqs:SetQueueAttributes']) {
      expect(await asHeartbeat(action, `arn:aws:sqs:us-east-1:${MEMBER}:AgentGuardrail-ForwardDeadLetters`), action).not.toBe('Allowed');
    }
  });
});
