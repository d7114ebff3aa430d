import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { compilePolicyText } from '../../functions/config/load-policy-file.ts';
import { loadActionCatalogue } from '../../functions/config/iam-data-catalogue.ts';
import { servicesOf } from '../../functions/core/policy/schema.ts';
import { compilePreventiveScps } from '../../functions/core/prevent/compile-scp.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const CONTEXT = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context as { agentGuardrail: Record<string, unknown> };

async function management(overrides: Record<string, unknown>): Promise<Template> {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'agent-guardrail-prevent-')), context: { ...CONTEXT, agentGuardrail: { ...CONTEXT.agentGuardrail, ...overrides }, 'aws:cdk:bundling-stacks': [] } });
  return Template.fromStack((await buildApp(app)).management);
}

const preventive = (template: Template) =>
  Object.values(template.findResources('AWS::Organizations::Policy'))
    .map((r) => r.Properties as { Name: string; Content: unknown; TargetIds: string[] })
    .filter((p) => p.Name.startsWith('AgentGuardrail-Prevent-'));

describe('the management stack deploys the preventive SCPs', () => {
  it('exactly as `compile scp` prints them, to the deployment OUs, in enforce mode only', async () => {
    const enforce = preventive(await management({ mode: 'enforce' }));
    const policy = await compilePolicyText(readFileSync(join(ROOT, 'guardrail.yaml'), 'utf8').replace(/^mode: monitor$/m, 'mode: enforce'), 'guardrail.yaml');
    const expected = compilePreventiveScps(policy, await loadActionCatalogue(servicesOf(policy.policy))).policies;
    expect(enforce.map((p) => ({ name: p.Name, document: p.Content }))).toEqual(expected.map((p) => ({ name: p.name, document: p.document })));
    for (const p of enforce) expect(p.TargetIds).toEqual(CONTEXT.agentGuardrail.deploymentOrganizationalUnits);
    expect(preventive(await management({ mode: 'monitor' }))).toEqual([]);
  }, 120_000);

  it('attaches them where configured', async () => {
    const elsewhere = preventive(await management({ mode: 'enforce', preventionTargets: ['r-abcd'] }));
    expect(elsewhere.length).toBeGreaterThan(0);
    for (const p of elsewhere) expect(p.TargetIds).toEqual(['r-abcd']);
  }, 120_000);
});

describe('the SCP quota per target', () => {
  it('fails the synth when the preventive SCPs, the standing SCP and FullAWSAccess would pass 5 on one target', async () => {
    const { ManagementAccountStack } = await import('../../infra/stacks/management-account-stack.ts');
    const scp = (i: number) => ({ name: `AgentGuardrail-Prevent-${i}`, document: { Version: '2012-10-17' as const, Statement: [{ Sid: `S${i}`, Effect: 'Deny' as const, Action: 'iam:PutRolePolicy', Resource: '*' }] } });
    const props = (count: number, targets: string[]) => ({
      env: { account: '999999999999', region: 'us-east-1' },
      securityAccount: '111111111111',
      deploymentOrganizationalUnits: ['ou-abcd-11111111'],
      operatorPrincipals: ['arn:aws:iam::111111111111:role/SecurityOperator'],
      preventiveScps: Array.from({ length: count }, (_, i) => scp(i + 1)),
      preventionTargets: targets,
    });
    expect(() => new ManagementAccountStack(new App(), 'Shared', props(4, ['ou-abcd-11111111']))).toThrow(/make 6; a target holds at most 5\. Attach prevention elsewhere/);
    expect(() => new ManagementAccountStack(new App(), 'Fits', props(3, ['ou-abcd-11111111']))).not.toThrow();
    expect(() => new ManagementAccountStack(new App(), 'Apart', props(4, ['r-abcd']))).not.toThrow();
  });
});
