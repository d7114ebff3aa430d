import type { CompiledPolicy } from '../core/policy/compile-policy.ts';
import { catalogueFromMap } from '../core/policy/action-catalogue.ts';
import { compilePolicy } from '../core/policy/compile-policy.ts';
import type { Policy } from '../core/policy/schema.ts';
import type { GuardrailDeployment } from '../core/detect/guardrail-principals.ts';

/**
 * The policy as deployed: validated at synth (defaults filled in) and embedded into the function bundle
 * (esbuild `define`) with the IAM actions its rules expand to, so Lambda needs neither the file, nor the
 * catalogue, nor the schema (zod) behind them.
 */
export interface PolicyBundle {
  readonly policy: Policy;
  readonly actions: Readonly<Record<string, readonly string[]>>;
  /** Where the guardrail is deployed, so its own roles are known by exact ARN. */
  readonly deployment?: GuardrailDeployment;
}

declare const __AGENT_GUARDRAIL_POLICY__: string | undefined;

export function compilePolicyBundle(bundle: PolicyBundle): CompiledPolicy {
  const result = compilePolicy(bundle.policy, catalogueFromMap(new Map(Object.entries(bundle.actions))), bundle.deployment ?? null);
  if (!result.ok) throw new Error(`embedded policy does not compile: ${result.problems.map((p) => p.message).join('; ')}`);
  return result.policy;
}

/** The embedded policy when the bundle carries one; otherwise the policy file (local runs, tests). */
export async function loadRuntimePolicy(file: string): Promise<CompiledPolicy> {
  // One expression, so that with the policy defined the bundler folds the condition and drops the file
  // path (and the YAML parser and IAM catalogue behind it) from the bundle.
  return typeof __AGENT_GUARDRAIL_POLICY__ === 'string'
    ? compilePolicyBundle(JSON.parse(__AGENT_GUARDRAIL_POLICY__) as PolicyBundle)
    : (await import('./load-policy-file.ts')).loadPolicyFile(file);
}
