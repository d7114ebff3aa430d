import { loadPolicyFile } from '../functions/config/load-policy-file.ts';
import { compileEventPatterns } from '../functions/core/policy/compile-event-patterns.ts';
import { formatCoverage, policyCoverage } from './coverage.ts';
import { eventsNeeded } from './events-needed.ts';
import { resolvePolicyPath } from './policy-path.ts';

/**
 * `check`: validates the policy and prints the EventBridge patterns compiled from it, and which rules need
 * read-only or data events, as JSON; `--coverage` prints instead what the policy does when an agent
 * performs each AWS technique of the Stratus Red Team catalogue.
 */
export async function checkCommand(options: { readonly policy?: string; readonly coverage?: boolean }): Promise<number> {
  const file = resolvePolicyPath(options.policy);
  const policy = await loadPolicyFile(file);
  if (options.coverage) {
    process.stdout.write(`${formatCoverage(await policyCoverage(policy))}\n`);
    return 0;
  }
  const patterns = compileEventPatterns(policy);
  process.stdout.write(
    `${JSON.stringify(
      {
        policy: file,
        valid: true,
        mode: policy.mode,
        rules: policy.rules.map((rule) => ({ id: rule.id, response: rule.response, actions: rule.actions.length, ...eventsNeeded(rule) })),
        eventPatterns: patterns,
      },
      null,
      2,
    )}\n`,
  );
  return 0;
}
