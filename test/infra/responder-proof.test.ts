import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const CONTEXT = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const MEMBER = '111122223333';
const RESPONDER = `arn:aws:sts::${MEMBER}:assumed-role/AgentGuardrailResponder/agent-guardrail`;

/** Resolves the few intrinsics the responder policy uses, for a given member account. */
function resolve(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolve);
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if ('Ref' in object) return { 'AWS::Partition': 'aws', 'AWS::AccountId': MEMBER, 'AWS::Region': 'us-east-1' }[object.Ref as string];
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return parts.map(resolve).join(separator);
    }
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, resolve(v)]));
  }
  return value;
}

let policy: unknown;
beforeAll(async () => {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'agent-guardrail-proof-')), context: { ...CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const { member } = await buildApp(app);
  const role = Object.values(Template.fromStack(member).findResources('AWS::IAM::Role', { Properties: { RoleName: 'AgentGuardrailResponder' } }))[0]!;
  policy = resolve((role.Properties as { Policies: { PolicyDocument: unknown }[] }).Policies[0]!.PolicyDocument);
}, 120_000);

async function decide(action: string, resource: string, context: Record<string, string | string[]> = {}): Promise<string> {
  const result = await runSimulation(
    {
      request: { principal: RESPONDER, action, resource: { resource, accountId: MEMBER }, contextVariables: context },
      identityPolicies: [{ name: 'Contain', policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType !== 'single') throw new Error(`unexpected simulation result ${JSON.stringify(result).slice(0, 300)}`);
  return result.result.analysis.result;
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
