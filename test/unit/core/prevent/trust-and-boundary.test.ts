import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadActionCatalogue } from '../../../../functions/config/iam-data-catalogue.ts';
import { compilePolicyText } from '../../../../functions/config/load-policy-file.ts';
import { servicesOf } from '../../../../functions/core/policy/schema.ts';
import { compileBoundary } from '../../../../functions/core/prevent/compile-boundary.ts';
import { compileTrust, TrustNeedsASignal } from '../../../../functions/core/prevent/compile-trust.ts';
import { DEFAULT_POLICY_FILE, loadDefaultPolicy } from '../../../helpers/policy.ts';
import { ALLOW_ALL, authorize } from '../../../helpers/simulate.ts';
import { runSimulation } from '@cloud-copilot/iam-simulate';

const ACCOUNT = '111122223333';
const RUNNER = `arn:aws:iam::${ACCOUNT}:role/AgentRunner`;
const ALICE = `arn:aws:iam::${ACCOUNT}:role/Engineers`;
const BUILD = `arn:aws:iam::${ACCOUNT}:role/Build`;

/** The role's whole trust policy: the compiled statements for the agent runner, and the people's own. */
async function trustPolicy() {
  const policy = await loadDefaultPolicy();
  return {
    Version: '2012-10-17',
    Statement: [...compileTrust(policy.policy.agents, RUNNER), { Sid: 'People', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'sts:AssumeRole' }],
  };
}

async function assume(caller: string, action: string, context: Record<string, string | string[]>): Promise<string> {
  const session = caller.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/') + '/s';
  return authorize({
    principal: session,
    action,
    resource: BUILD,
    resourceAccount: ACCOUNT,
    identityPolicies: [{ name: 'admin', policy: ALLOW_ALL }],
    resourcePolicy: await trustPolicy(),
    context: { 'aws:PrincipalArn': caller, 'aws:PrincipalAccount': ACCOUNT, 'aws:PrincipalType': 'AssumedRole', 'aws:SecureTransport': 'true', ...context },
  });
}

describe('compile trust, proved with iam-simulate', () => {
  const signal = { 'aws:RequestTag/ai-agent': 'true', 'aws:TagKeys': ['ai-agent'], 'sts:TransitiveTagKeys': ['ai-agent'], 'sts:SourceIdentity': 'agent-claude' };

  it('lets the agent runner assume the role with its tag and source identity', async () => {
    for (const action of ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity']) expect(await assume(RUNNER, action, signal), action).toBe('Allowed');
  });

  it('refuses the agent runner without its tag, with another value, or without its source identity', async () => {
    expect(await assume(RUNNER, 'sts:AssumeRole', { 'sts:SourceIdentity': 'agent-claude' })).not.toBe('Allowed');
    expect(await assume(RUNNER, 'sts:AssumeRole', { ...signal, 'aws:RequestTag/ai-agent': 'false' })).not.toBe('Allowed');
    expect(await assume(RUNNER, 'sts:AssumeRole', { 'aws:RequestTag/ai-agent': 'true', 'aws:TagKeys': ['ai-agent'] })).not.toBe('Allowed');
    expect(await assume(RUNNER, 'sts:SetSourceIdentity', { 'sts:SourceIdentity': 'alice' })).not.toBe('Allowed');
  });

  it('refuses the agent runner tags that are not transitive (a session it chains into would lose them)', async () => {
    const { 'sts:TransitiveTagKeys': _transitive, ...notTransitive } = signal;
    expect(await assume(RUNNER, 'sts:TagSession', notTransitive)).not.toBe('Allowed');
    expect(await assume(RUNNER, 'sts:TagSession', { ...signal, 'sts:TransitiveTagKeys': ['team'] })).not.toBe('Allowed');
  });

  it('leaves people assuming the role as before', async () => {
    expect(await assume(ALICE, 'sts:AssumeRole', {})).toBe('Allowed');
  });

  it('refuses a policy with no signal a trust policy could require', () => {
    expect(() => compileTrust({ mcpServices: [], sessionTags: {}, sourceIdentityPrefixes: [], roleTags: {}, principalArnPatterns: [], userAgentPatterns: [] }, RUNNER)).toThrow(TrustNeedsASignal);
  });
});

describe('compile boundary, proved with iam-simulate', () => {
  async function asAgentRole(action: string, resource: string): Promise<string> {
    const policy = await compilePolicyText(readFileSync(DEFAULT_POLICY_FILE, 'utf8'), 'guardrail.yaml');
    const boundary = compileBoundary(policy, await loadActionCatalogue(servicesOf(policy.policy)));
    expect(JSON.stringify(boundary).length).toBeLessThanOrEqual(6144);
    const result = await runSimulation(
      {
        request: {
          principal: `arn:aws:sts::${ACCOUNT}:assumed-role/agent-coder/run-7`,
          action,
          resource: { resource, accountId: ACCOUNT },
          contextVariables: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/agent-coder`, 'aws:PrincipalAccount': ACCOUNT, 'aws:userid': 'AROAEXAMPLEAGENT0001:run-7' },
        },
        identityPolicies: [{ name: 'admin', policy: ALLOW_ALL }],
        permissionBoundaryPolicies: [{ name: 'AgentGuardrail-Boundary', policy: boundary }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    if (result.resultType !== 'single') throw new Error(`unexpected simulation result ${result.resultType}`);
    return result.result.analysis.result;
  }

  it('denies an agent-only role the prevent rules\' actions, and lifting the boundary', async () => {
    expect(await asAgentRole('iam:PutRolePolicy', `arn:aws:iam::${ACCOUNT}:role/Admin`)).toBe('ExplicitlyDenied');
    expect(await asAgentRole('cloudtrail:StopLogging', `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org`)).toBe('ExplicitlyDenied');
    expect(await asAgentRole('iam:DeleteRolePermissionsBoundary', `arn:aws:iam::${ACCOUNT}:role/agent-coder`)).toBe('ExplicitlyDenied');
  });

  it('allows what the role\'s own policies allow otherwise', async () => {
    expect(await asAgentRole('s3:GetObject', 'arn:aws:s3:::reports/q3.csv')).toBe('Allowed');
    expect(await asAgentRole('lambda:UpdateFunctionCode', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:payments`)).toBe('Allowed');
  });
});
