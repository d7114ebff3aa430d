import { loadPolicyFile } from '../functions/config/load-policy-file.ts';
import { compileEventPatterns } from '../functions/core/policy/compile-event-patterns.ts';
import { resolvePolicyPath } from './policy-path.ts';

/** `check`: validates the policy and prints the EventBridge patterns compiled from it, as JSON. */
export async function checkCommand(options: { readonly policy?: string }): Promise<number> {
  const file = resolvePolicyPath(options.policy);
  const policy = await loadPolicyFile(file);
  const patterns = compileEventPatterns(policy);
  process.stdout.write(
    `${JSON.stringify(
      {
        policy: file,
        valid: true,
        mode: policy.mode,
        rules: policy.rules.map((rule) => ({ id: rule.id, response: rule.response, actions: rule.actions.length })),
        eventPatterns: patterns,
      },
      null,
      2,
    )}\n`,
  );
  return 0;
}
