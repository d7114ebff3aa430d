import { describe, expect, it } from 'vitest';
import { agentSessionPlan, AgentSessionError } from '../../../credentials/agent-session-plan.ts';
import { loadActionCatalogue } from '../../../functions/config/iam-data-catalogue.ts';
import { servicesOf } from '../../../functions/core/policy/schema.ts';
import { loadDefaultPolicy } from '../../helpers/policy.ts';
import { ALLOW_ALL, authorize } from '../../helpers/simulate.ts';

const ACCOUNT = '111122223333';

async function plan(name = 'coder') {
  const policy = await loadDefaultPolicy();
  return agentSessionPlan(policy, await loadActionCatalogue(servicesOf(policy.policy)), name);
}

describe('the agent session plan under the shipped policy', () => {
  it('carries every signal: session tags, all transitive; the source identity; the session name', async () => {
    const p = await plan();
    expect(p.tags).toEqual([{ Key: 'ai-agent', Value: 'true' }]);
    expect(p.transitiveTagKeys).toEqual(['ai-agent']);
    expect(p.sourceIdentity).toBe('agent-coder');
    expect(p.roleSessionName).toBe('agent-coder');
  });

  it('fits the session policy in 2,048 characters and names every rule it leaves out, with the reason', async () => {
    const p = await plan();
    expect(JSON.stringify(p.sessionPolicy.document).length).toBe(p.sessionPolicy.size);
    expect(p.sessionPolicy.size).toBeLessThanOrEqual(2048);
    expect(p.sessionPolicy.included.length).toBeGreaterThan(0);
    const leftOut = new Map(p.sessionPolicy.leftOut.map((l) => [l.rule, l.why]));
    expect(leftOut.get('no-log-expiry')).toBe('matches on parameters, which IAM does not see');
    const policy = await loadDefaultPolicy();
    const accounted = new Set([...p.sessionPolicy.included, ...leftOut.keys()]);
    for (const rule of policy.policy.rules.filter((r) => r.response !== 'notify' || r.prevent)) expect(accounted, rule.id).toContain(rule.id);
  });

  it('rejects an agent name STS would refuse', async () => {
    await expect(plan('has space')).rejects.toThrow(AgentSessionError);
    await expect(plan('x'.repeat(70))).rejects.toThrow(/2-64 of letters/);
  });
});

describe('the session policy, proved with iam-simulate (role allows everything; the session is what both allow)', () => {
  async function asAgentSession(action: string, resource: string): Promise<string> {
    const p = await plan();
    return authorize({
      principal: `arn:aws:sts::${ACCOUNT}:assumed-role/DevOps/agent-coder`,
      action,
      resource,
      resourceAccount: ACCOUNT,
      identityPolicies: [{ name: 'admin', policy: ALLOW_ALL }],
      sessionPolicy: p.sessionPolicy.document,
      context: {
        'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/DevOps`,
        'aws:PrincipalAccount': ACCOUNT,
        'aws:userid': 'AROAEXAMPLEDEVOPS001:agent-coder',
        'aws:SourceIdentity': 'agent-coder',
        'aws:PrincipalTag/ai-agent': 'true',
      },
    });
  }

  it('denies the agent the rules it includes, first among them the prevent rules', async () => {
    const p = await plan();
    expect(p.sessionPolicy.included[0]).toBe('no-guardrail-changes');
    expect(await asAgentSession('iam:PutRolePolicy', `arn:aws:iam::${ACCOUNT}:role/Admin`)).toBe('ExplicitlyDenied');
    expect(await asAgentSession('iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/alice`)).toBe('ExplicitlyDenied');
    expect(await asAgentSession('organizations:LeaveOrganization', '*')).toBe('ExplicitlyDenied');
    // A rule left out for room is not in the session policy (the preventive SCP and the guard still cover it).
    expect(p.sessionPolicy.leftOut.map((l) => l.rule)).toContain('no-audit-evasion');
    expect(await asAgentSession('cloudtrail:StopLogging', `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org`)).toBe('Allowed');
  });

  it('leaves the rest of what the role allows', async () => {
    expect(await asAgentSession('s3:GetObject', 'arn:aws:s3:::reports/q3.csv')).toBe('Allowed');
    expect(await asAgentSession('lambda:UpdateFunctionCode', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:payments`)).toBe('Allowed');
  });
});
