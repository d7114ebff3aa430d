import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// `cdk synth` as a user runs it (the pinned CLI from node_modules), with the context given by -c.
const ROOT = new URL('../../', import.meta.url).pathname;
const CONTEXT = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context.agentGuardrail as Record<string, unknown>;
const run = promisify(execFile);

async function synth(context: string): Promise<{ code: number; stdout: string; stderr: string; out: string }> {
  const out = mkdtempSync(join(tmpdir(), 'agent-guardrail-synth-'));
  try {
    const { stdout, stderr } = await run(join(ROOT, 'node_modules/.bin/cdk'), ['synth', '--quiet', '--no-notices', '-o', out, '-c', `agentGuardrail=${context}`], { cwd: ROOT, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr, out };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, out };
  }
}

describe('cdk synth messages', () => {
  it('-c agentGuardrail=JSON is read as the context', { timeout: 120_000 }, async () => {
    const { code, stderr, out } = await synth(JSON.stringify({ ...CONTEXT, organizationId: 'o-fromcommand1' }));
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/deprecated|WARNING/);
    // The bus admits the organization named on the command line, not the one in cdk.json.
    const template = readFileSync(join(out, 'AgentGuardrail-Security.template.json'), 'utf8');
    expect(template).toContain('"aws:PrincipalOrgID": "o-fromcommand1"');
    expect(template).not.toContain(String(CONTEXT.organizationId));
  });

  it('a bad policy fails with the one clear message and no stack trace', { timeout: 120_000 }, async () => {
    const policy = join(mkdtempSync(join(tmpdir(), 'agent-guardrail-policy-')), 'bad.yaml');
    writeFileSync(policy, readFileSync(join(ROOT, 'guardrail.yaml'), 'utf8').replace('"iam:CreatePolicyVersion"', '"iam:CreatePolicyVersio"'));
    const { code, stderr } = await synth(JSON.stringify({ ...CONTEXT, policyFile: policy }));
    expect(code).not.toBe(0);
    expect(stderr).toContain(`agent-guardrail: ${policy}: invalid policy\n  - ${policy}:`);
    expect(stderr).toContain('unknown IAM action "iam:CreatePolicyVersio" (did you mean "iam:CreatePolicyVersion"?)');
    expect(stderr).not.toMatch(/\n\s+at |PolicyError/);
  });

  it.each([
    ['{"organizationId":', /agent-guardrail: -c agentGuardrail is not JSON \(/],
    [JSON.stringify({ ...CONTEXT, region: 'mars-1' }), /agent-guardrail: invalid context "agentGuardrail" \(cdk.json or -c\):\n {2}- agentGuardrail\.region: /],
    // An OU already holding two SCPs has no room for the guardrail's four: the quota model fails the synth.
    [
      JSON.stringify({ ...CONTEXT, mode: 'enforce', otherScpsPerTarget: 2 }),
      /agent-guardrail: the synthesized templates break 1 AWS quota:\n {2}- organization: target r-exam: service control policies attached to one root, OU or account \(the guardrail's and those already there\) is 6 policies; the limit is 5 \(https:\/\/docs\.aws\.amazon\.com\/organizations\/[^)]+\); attach prevention elsewhere/,
    ],
  ])('a bad context %#: one clear message, no stack trace', { timeout: 120_000 }, async (context, message) => {
    const { code, stderr } = await synth(context);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
