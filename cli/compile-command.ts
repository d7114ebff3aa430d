import { loadActionCatalogue } from '../functions/config/iam-data-catalogue.ts';
import { loadPolicyFile } from '../functions/config/load-policy-file.ts';
import type { CompiledPolicy } from '../functions/core/policy/compile-policy.ts';
import { servicesOf } from '../functions/core/policy/schema.ts';
import { compileBoundary } from '../functions/core/prevent/compile-boundary.ts';
import { compilePreventiveScps } from '../functions/core/prevent/compile-scp.ts';
import { compileTrust } from '../functions/core/prevent/compile-trust.ts';
import { LineWriter } from './output.ts';
import { resolvePolicyPath } from './policy-path.ts';

export interface CompileOptions {
  readonly policy?: string;
  readonly format?: 'table' | 'json';
  /** The deployment's mode override, as `-c agentGuardrail={"mode":...}` sets it. */
  readonly mode?: 'monitor' | 'enforce';
}

async function policyFor(options: CompileOptions): Promise<CompiledPolicy> {
  const policy = await loadPolicyFile(resolvePolicyPath(options.policy));
  return options.mode ? { ...policy, mode: options.mode, policy: { ...policy.policy, mode: options.mode } } : policy;
}

/** `compile scp`: the preventive SCPs of the policy's `prevent: true` rules, as the management stack deploys them. */
export async function compileScpCommand(options: CompileOptions): Promise<number> {
  const policy = await policyFor(options);
  const compiled = compilePreventiveScps(policy, await loadActionCatalogue(servicesOf(policy.policy)));
  const out = new LineWriter();
  if (options.format === 'json') {
    await out.line(JSON.stringify(compiled));
  } else {
    const { summary } = compiled;
    if (policy.policy.mode === 'monitor') await out.line('monitor mode: no preventive SCPs (they deny; set mode: enforce to compile them)');
    else if (summary.rules.length === 0) await out.line('no rule has prevent: true: no preventive SCPs');
    for (const [i, scp] of compiled.policies.entries()) {
      const statements = scp.document.Statement;
      await out.line(`${scp.name}  ${summary.sizes[i]} of 5120 characters, ${statements.length} statements`);
      for (const statement of statements) {
        const actions = [statement.Action].flat();
        await out.line(`  ${statement.Sid}: ${actions.length} action patterns on ${[statement.Resource].flat().join(', ')} when ${JSON.stringify(statement.Condition)}`);
      }
    }
    if (compiled.policies.length > 0) {
      await out.line(`${compiled.policies.length} SCPs for rules ${summary.rules.join(', ')}: ${summary.actions} actions as ${summary.patterns} patterns, denied under ${summary.conditions.length} conditions (${summary.conditions.join(', ')})`);
    }
  }
  await out.flush();
  return 0;
}

const IAM_PRINCIPAL = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;

/** `compile trust --agent-caller ARN`: the trust policy statements that admit the caller only with the agent's signal. */
export async function compileTrustCommand(options: { readonly policy?: string; readonly agentCaller: string }): Promise<number> {
  if (!IAM_PRINCIPAL.test(options.agentCaller)) {
    process.stderr.write(`agent-guardrail: --agent-caller must be an IAM role or user ARN, not ${JSON.stringify(options.agentCaller.slice(0, 200))}\n`);
    return 2;
  }
  const policy = await policyFor(options);
  const out = new LineWriter();
  await out.line(JSON.stringify({ Statement: compileTrust(policy.policy.agents, options.agentCaller) }, null, 2));
  await out.flush();
  return 0;
}

/** `compile boundary`: the permission boundary for roles that exist only for agents. */
export async function compileBoundaryCommand(options: { readonly policy?: string }): Promise<number> {
  const policy = await policyFor(options);
  const out = new LineWriter();
  await out.line(JSON.stringify(compileBoundary(policy, await loadActionCatalogue(servicesOf(policy.policy))), null, 2));
  await out.flush();
  return 0;
}
