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
