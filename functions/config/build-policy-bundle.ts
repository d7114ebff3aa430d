import { readFile } from 'node:fs/promises';
import { PolicyError } from '../core/errors.ts';
import { compilePolicy } from '../core/policy/compile-policy.ts';
import { parsePolicyText } from '../core/policy/parse-policy-text.ts';
import { servicesOf, type Policy } from '../core/policy/schema.ts';
import { loadActionCatalogue } from './iam-data-catalogue.ts';
import type { PolicyBundle } from './runtime-policy.ts';
import type { GuardrailDeployment } from '../core/detect/guardrail-principals.ts';

/**
 * Validates the policy file (as `check` does) and packs it with the IAM actions of its services, for
 * embedding into the function bundles at synth. `mode` overrides the file's mode when given.
 */
export async function buildPolicyBundle(file: string, mode?: Policy['mode'], deployment?: GuardrailDeployment): Promise<PolicyBundle> {
  const parsed = parsePolicyText(await readFile(file, 'utf8'), file);
  const policy = mode ? { ...parsed.policy, mode } : parsed.policy;
  const services = servicesOf(policy);
  const catalogue = await loadActionCatalogue(services);
  const result = compilePolicy(policy, catalogue);
  if (!result.ok) throw new PolicyError(file, parsed.describe(result.problems));
  // Only the actions the rules expand to: the run time compiles the same index from far less.
  const actions = new Map<string, string[]>(services.map((s) => [s, []]));
  for (const rule of result.policy.rules) for (const action of rule.actions) actions.get(action.slice(0, action.indexOf(':')))?.push(action.slice(action.indexOf(':') + 1));
  return { policy, actions: Object.fromEntries([...actions].map(([s, names]) => [s, [...new Set(names)].sort()])), ...(deployment ? { deployment } : {}) };
}
