import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPolicyBundle } from '../../../../functions/config/build-policy-bundle.ts';
import { compilePolicyBundle } from '../../../../functions/config/runtime-policy.ts';
import { unwrapInput } from '../../../../functions/core/cloudtrail/unwrap-input.ts';
import { validateRecord } from '../../../../functions/core/cloudtrail/validate-record.ts';
import { createDetector } from '../../../../functions/core/detect/detector.ts';
import type { GuardrailDeployment } from '../../../../functions/core/detect/guardrail-principals.ts';
import { InMemoryState } from '../../../../functions/core/state/in-memory-state.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const SECURITY = '999900001111';
const MEMBER = '111122223333';
const DEPLOYMENT: GuardrailDeployment = { securityAccount: SECURITY, managementAccount: '999900002222', memberRegions: ['us-east-1', 'eu-west-1'] };
// The agent deleting a bucket through the AWS MCP server, from a role of the given name and account.
const DELETE_BUCKET = readFileSync(join(ROOT, 'events/scenarios/01-mcp-server-deletes-bucket/02-DeleteBucket.json'), 'utf8');

async function verdictOf(roleName: string, account: string, deployment: GuardrailDeployment | null = DEPLOYMENT): Promise<string> {
  const bundle = await buildPolicyBundle(join(ROOT, 'guardrail.yaml'), 'enforce', deployment ?? undefined);
  const event = JSON.parse(DELETE_BUCKET.replaceAll('DevOps', roleName).replaceAll(MEMBER, account)) as unknown;
  const [item] = [...unwrapInput(event, 'probe')];
  const result = validateRecord(item!);
  if (!result.ok) throw new Error(result.reason);
  const [finding] = await createDetector(compilePolicyBundle(bundle), new InMemoryState()).evaluate(result.record);
  return finding!.verdict;
}

describe("the guardrail's own roles, by exact ARN", () => {
  it('are never contained where the guardrail created them', async () => {
    expect(await verdictOf('AgentGuardrailResponder', MEMBER)).toBe('protected');
    expect(await verdictOf('AgentGuardrail-EventForwarder-eu-west-1', MEMBER)).toBe('protected');
    expect(await verdictOf('AgentGuardrail-GuardFunction', SECURITY)).toBe('protected');
  });

  it('give no cover to a role an agent named like them', async () => {
    // An agent allowed iam:CreateRole names its role after the guardrail and works through it.
    expect(await verdictOf('AgentGuardrailX', MEMBER)).toBe('violation');
    expect(await verdictOf('AgentGuardrail-Guard', MEMBER)).toBe('violation');
    // The function roles exist only in the security account: the same name elsewhere is not the guardrail's.
    expect(await verdictOf('AgentGuardrail-GuardFunction', MEMBER)).toBe('violation');
    // A forwarding role for a region the StackSet does not deploy to does not exist anywhere.
    expect(await verdictOf('AgentGuardrail-EventForwarder-ap-east-1', MEMBER)).toBe('violation');
  });

  it('are known by name alone in a local replay without deployment, still never by prefix', async () => {
    expect(await verdictOf('AgentGuardrail-GuardFunction', MEMBER, null)).toBe('protected');
    expect(await verdictOf('AgentGuardrailX', MEMBER, null)).toBe('violation');
  });
});

describe('deployers of the guardrail roles', () => {
  it("are the StackSet execution role anywhere and CDK's execution role only where cdk deploys", async () => {
    const { deployerRoleArns } = await import('../../../../functions/core/detect/guardrail-principals.ts');
    const deployers = deployerRoleArns(DEPLOYMENT);
    const isDeployer = (arn: string) => deployers.some((pattern) => pattern.test(arn));
    expect(isDeployer(`arn:aws:iam::${MEMBER}:role/stacksets-exec-0123456789abcdef`)).toBe(true);
    expect(isDeployer(`arn:aws:iam::${SECURITY}:role/cdk-hnb659fds-cfn-exec-role-${SECURITY}-us-east-1`)).toBe(true);
    // An agent naming a role like CDK's in a member account does not become a deployer.
    expect(isDeployer(`arn:aws:iam::${MEMBER}:role/cdk-hnb659fds-cfn-exec-role-${MEMBER}-us-east-1`)).toBe(false);
    expect(isDeployer(`arn:aws:iam::${MEMBER}:role/stacksets-exec-x/../Admin`)).toBe(false);
  });
});
