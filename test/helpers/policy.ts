import { readFileSync } from 'node:fs';
import { compilePolicyText } from '../../functions/config/load-policy-file.ts';
import type { CompiledPolicy } from '../../functions/core/policy/compile-policy.ts';

export const DEFAULT_POLICY_FILE = new URL('../../guardrail.yaml', import.meta.url).pathname;

let defaultPolicy: Promise<CompiledPolicy> | undefined;

/** The shipped guardrail.yaml, compiled once per test file. */
export function loadDefaultPolicy(): Promise<CompiledPolicy> {
  defaultPolicy ??= compilePolicyText(readFileSync(DEFAULT_POLICY_FILE, 'utf8'), 'guardrail.yaml');
  return defaultPolicy;
}
