import { readFile } from 'node:fs/promises';
import { PolicyError } from '../core/errors.ts';
import { compilePolicy, type CompiledPolicy } from '../core/policy/compile-policy.ts';
import { parsePolicyText } from '../core/policy/parse-policy-text.ts';
import { servicesOf } from '../core/policy/schema.ts';
import { loadActionCatalogue } from './iam-data-catalogue.ts';

/**
 * Reads, validates and compiles a policy file. Throws PolicyError naming the file, line and path of
 * every problem, including action patterns unknown to IAM.
 */
export async function loadPolicyFile(file: string): Promise<CompiledPolicy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new PolicyError(file, [`${file}: cannot read the policy file (${(cause as Error).message})`], { cause });
  }
  return compilePolicyText(text, file);
}

/** As loadPolicyFile, for policy text already in memory. */
export async function compilePolicyText(text: string, file: string): Promise<CompiledPolicy> {
  const parsed = parsePolicyText(text, file);
  const result = compilePolicy(parsed.policy, await loadActionCatalogue(servicesOf(parsed.policy)));
  if (!result.ok) throw new PolicyError(file, parsed.describe(result.problems));
  return result.policy;
}
