import { loadPolicyFile } from '../functions/config/load-policy-file.ts';
import { compileEventPatterns } from '../functions/core/policy/compile-event-patterns.ts';
import type { CompiledPolicy } from '../functions/core/policy/compile-policy.ts';
import { formatCoverage, policyCoverage } from './coverage.ts';
import { eventsNeeded } from './events-needed.ts';
import { resolvePolicyPath } from './policy-path.ts';
import { volumeReport } from './volume/volume-command.ts';

/** The one-line verdict: valid, mode, rules, services, patterns, and which rules need more than write events. */
export function checkVerdictLine(file: string, policy: CompiledPolicy, patternCount: number): string {
  const needs = policy.rules.map((rule) => ({ id: rule.id, ...eventsNeeded(rule) }));
  const readOnly = needs.filter((need) => need.readOnlyEvents).map((need) => need.id);
  const data = needs.filter((need) => need.dataEvents).map((need) => need.id);
  const services = new Set(policy.rules.flatMap((rule) => rule.actions.map((action) => action.split(':')[0])));
  const wholeIdentity = policy.rules.filter((rule) => rule.scope === 'role').map((rule) => rule.id);
  const parts = [
    `${file}: valid, ${policy.mode} mode, ${policy.rules.length} rules over ${services.size} services, ${patternCount} EventBridge patterns`,
    readOnly.length > 0 ? `read-only events needed by ${readOnly.join(', ')}` : 'no rule needs read-only events',
    data.length > 0 ? `data events needed by ${data.join(', ')}` : 'no rule needs data events',
    // The cost of `scope: role`, stated where the policy is checked: people on the identity are contained too.
    wholeIdentity.length > 0
      ? `scope: role in ${wholeIdentity.join(', ')}: their responses contain the whole role or user, every person and pipeline on it included`
      : 'every response binds only what IAM can attribute to the agent',
  ];
  return parts.join('; ');
}

/**
 * `check`: validates the policy and prints a one-line verdict; `--format json` prints the rules and the
 * EventBridge patterns compiled from it; `--coverage` prints what the policy does when an agent performs
 * each AWS technique of the Stratus Red Team catalogue.
 */
export async function checkCommand(options: {
  readonly policy?: string;
  readonly format?: 'text' | 'json';
  readonly coverage?: boolean;
  readonly volume?: boolean;
  readonly profile?: string;
  readonly profileFrom?: readonly string[];
}): Promise<number> {
  const file = resolvePolicyPath(options.policy);
  const policy = await loadPolicyFile(file);
  if (options.volume || options.profile || options.profileFrom) {
    process.stdout.write(`${await volumeReport(policy, { profile: options.profile, profileFrom: options.profileFrom, format: options.format ?? 'text' })}\n`);
    return 0;
  }
  if (options.coverage) {
    const rows = await policyCoverage(policy);
    process.stdout.write(`${options.format === 'json' ? JSON.stringify({ policy: file, techniques: rows }, null, 2) : formatCoverage(rows)}\n`);
    return 0;
  }
  const patterns = compileEventPatterns(policy);
  if (options.format !== 'json') {
    process.stdout.write(`${checkVerdictLine(file, policy, patterns.length)}\n`);
    return 0;
  }
  process.stdout.write(
    `${JSON.stringify(
      {
        policy: file,
        valid: true,
        mode: policy.mode,
        rules: policy.rules.map((rule) => ({ id: rule.id, response: rule.response, scope: rule.scope, actions: rule.actions.length, ...eventsNeeded(rule) })),
        eventPatterns: patterns,
      },
      null,
      2,
    )}\n`,
  );
  return 0;
}
