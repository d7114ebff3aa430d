import { readFile } from 'node:fs/promises';
import { loadActionCatalogue } from '../functions/config/iam-data-catalogue.ts';
import { buildPolicyBundle } from '../functions/config/build-policy-bundle.ts';
import { compilePolicyBundle } from '../functions/config/runtime-policy.ts';
import { UsageError } from '../functions/core/errors.ts';
import { servicesOf } from '../functions/core/policy/schema.ts';
import { compilePreventiveScps } from '../functions/core/prevent/compile-scp.ts';
import { parseDeploymentConfig } from '../infra/config.ts';
import { gatherPreflightFacts } from './preflight/gather-facts.ts';
import { formatPreflight, preflightChecks } from './preflight/preflight-checks.ts';

/**
 * `preflight`: read-only checks of a real organization before deploying, with the caller's credentials (the
 * management account's): SCPs enabled and room for the guardrail's on each target, StackSets trusted access
 * and delegated administrator, an organization trail recording read and write management events in every
 * region, enabled regions against memberRegions, partition. Exit 1 when a check fails.
 */
export async function preflightCommand(options: { readonly context?: string; readonly format?: 'text' | 'json' }): Promise<number> {
  const file = options.context ?? 'cdk.json';
  let raw: unknown;
  try {
    raw = (JSON.parse(await readFile(file, 'utf8')) as { context?: { agentGuardrail?: unknown } }).context?.agentGuardrail;
  } catch (error) {
    throw new UsageError(`${file}: ${(error as Error).message} (preflight reads the deployment's context from cdk.json; --context names another file)`);
  }
  const config = parseDeploymentConfig(raw);
  // The policy as synth builds it (the deployment's mode wins): the preventive SCPs it will attach.
  const bundle = await buildPolicyBundle(config.policyFile, config.mode, { securityAccount: config.securityAccount, managementAccount: config.managementAccount, memberRegions: config.memberRegions });
  const preventive = compilePreventiveScps(compilePolicyBundle(bundle), await loadActionCatalogue(servicesOf(bundle.policy))).policies.length;
  const results = preflightChecks(config, await gatherPreflightFacts(config, preventive), preventive);
  process.stdout.write(`${options.format === 'json' ? JSON.stringify({ ok: results.every((r) => r.ok), checks: results }, null, 2) : formatPreflight(results)}\n`);
  return results.every((r) => r.ok) ? 0 : 1;
}
