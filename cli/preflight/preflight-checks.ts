import { QUOTAS } from '../../infra/quotas/quota-table.ts';
import { PARTITIONS, partitionOfRegion } from '../../infra/regions.ts';
import type { DeploymentConfig } from '../../infra/config.ts';

/**
 * What preflight reads from a real organization, read-only, with the caller's credentials. Every field is
 * what an API answered, or the error it gave (a check then fails naming the error).
 */
export interface PreflightFacts {
  readonly callerArn: string;
  readonly organization: { readonly id: string; readonly managementAccount: string } | { readonly error: string };
  /** Policy types enabled on the root. */
  readonly rootPolicyTypes: readonly string[] | { readonly error: string };
  /** SCP names attached to each deployment and prevention target. */
  readonly scpsByTarget: Readonly<Record<string, readonly string[] | { readonly error: string }>>;
  readonly trustedServices: readonly string[] | { readonly error: string };
  readonly stackSetsDelegatedAdministrators: readonly string[] | { readonly error: string };
  readonly trails: readonly TrailFacts[] | { readonly error: string };
  /** Regions of the caller's account with their opt-in status (EC2 DescribeRegions, AllRegions). */
  readonly regions: readonly { readonly name: string; readonly optInStatus: string }[] | { readonly error: string };
}

export interface TrailFacts {
  readonly name: string;
  readonly organization: boolean;
  readonly multiRegion: boolean;
  readonly logging: boolean;
  /** Management events it records: 'All', 'ReadOnly', 'WriteOnly' or 'None'. */
  readonly managementEvents: 'All' | 'ReadOnly' | 'WriteOnly' | 'None';
}

export interface PreflightResult {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
  /** What to do when it failed. */
  readonly fix?: string;
}

export const STACKSETS_PRINCIPAL = 'member.org.stacksets.cloudformation.amazonaws.com';
const GUARDRAIL_SCP_PREFIX = 'AgentGuardrail-';

/** The SCPs the deployment will attach to each target: the standing SCP on the deployment OUs, the preventive ones on the prevention targets. */
export function guardrailScpsByTarget(config: DeploymentConfig, preventiveScps: number): Map<string, number> {
  const ours = new Map<string, number>();
  for (const target of config.deploymentOrganizationalUnits) ours.set(target, (ours.get(target) ?? 0) + 1);
  for (const target of config.preventionTargets ?? config.deploymentOrganizationalUnits) ours.set(target, (ours.get(target) ?? 0) + preventiveScps);
  return ours;
}

/** Every check, pass or fail, in a fixed order. */
export function preflightChecks(config: DeploymentConfig, facts: PreflightFacts, preventiveScps: number): PreflightResult[] {
  const results: PreflightResult[] = [];
  const push = (check: string, ok: boolean, detail: string, fix?: string) => results.push({ check, ok, detail, ...(ok || !fix ? {} : { fix }) });

  const callerPartition = facts.callerArn.split(':')[1] ?? 'unknown';
  const partition = partitionOfRegion(config.region);
  push('partition', callerPartition === partition && partition in PARTITIONS, `credentials in ${callerPartition}, home region ${config.region} in ${partition}`, `run with credentials of the ${partition} organization; supported partitions: ${Object.keys(PARTITIONS).join(', ')}`);

  if ('error' in facts.organization) push('organization', false, `DescribeOrganization failed: ${facts.organization.error}`, 'run preflight as the management account (or an account allowed organizations:Describe*/List*)');
  else {
    const org = facts.organization;
    const ok = org.id === config.organizationId && org.managementAccount === config.managementAccount;
    push('organization', ok, `${org.id}, management account ${org.managementAccount}`, `set organizationId and managementAccount in cdk.json to ${org.id} and ${org.managementAccount}`);
  }

  if ('error' in facts.rootPolicyTypes) push('scp-policy-type', false, `ListRoots failed: ${facts.rootPolicyTypes.error}`);
  else push('scp-policy-type', facts.rootPolicyTypes.includes('SERVICE_CONTROL_POLICY'), `root policy types: ${facts.rootPolicyTypes.join(', ') || 'none'}`, 'aws organizations enable-policy-type --root-id <root> --policy-type SERVICE_CONTROL_POLICY');

  const limit = QUOTAS.scpsPerTarget.limit;
  for (const [target, ours] of guardrailScpsByTarget(config, preventiveScps)) {
    const attached = facts.scpsByTarget[target];
    if (!attached || 'error' in attached) {
      push(`scp-slots ${target}`, false, `ListPoliciesForTarget failed: ${attached ? attached.error : 'not read'}`);
      continue;
    }
    // The guardrail's own SCPs already there are replaced by the deployment, not added to.
    const others = attached.filter((name) => !name.startsWith(GUARDRAIL_SCP_PREFIX));
    const total = others.length + ours;
    push(
      `scp-slots ${target}`,
      total <= limit,
      `${others.length} attached (${others.join(', ') || 'none'}) + ${ours} of the guardrail = ${total} of ${limit}`,
      `set otherScpsPerTarget {"${target}": ${others.length}} and attach prevention elsewhere (preventionTargets), or detach an SCP`,
    );
  }

  if ('error' in facts.trustedServices) push('stacksets-trusted-access', false, `ListAWSServiceAccessForOrganization failed: ${facts.trustedServices.error}`);
  else push('stacksets-trusted-access', facts.trustedServices.includes(STACKSETS_PRINCIPAL), facts.trustedServices.includes(STACKSETS_PRINCIPAL) ? 'enabled' : 'not enabled', 'CloudFormation console > StackSets > Activate trusted access with AWS Organizations');

  if ('error' in facts.stackSetsDelegatedAdministrators) push('stacksets-delegated-admin', false, `ListDelegatedAdministrators failed: ${facts.stackSetsDelegatedAdministrators.error}`);
  else {
    const ok = facts.stackSetsDelegatedAdministrators.includes(config.securityAccount);
    push('stacksets-delegated-admin', ok, `delegated administrators: ${facts.stackSetsDelegatedAdministrators.join(', ') || 'none'}`, `aws organizations register-delegated-administrator --account-id ${config.securityAccount} --service-principal ${STACKSETS_PRINCIPAL}`);
  }

  if ('error' in facts.trails) push('organization-trail', false, `DescribeTrails failed: ${facts.trails.error}`);
  else {
    // EventBridge receives CloudTrail's management events only where a trail records them; read-only ones
    // (AssumeRole) only where it records read events too.
    const good = facts.trails.find((t) => t.organization && t.multiRegion && t.logging && t.managementEvents === 'All');
    const described = facts.trails.map((t) => `${t.name} (${[t.organization ? 'organization' : 'account', t.multiRegion ? 'all regions' : 'one region', t.logging ? 'logging' : 'stopped', `management ${t.managementEvents}`].join(', ')})`).join('; ');
    push('organization-trail', Boolean(good), good ? `${good.name}: organization, all regions, logging, management events read and write` : described || 'no trail', 'create an organization trail in the management account, all regions, management events Read and Write, and start logging');
  }

  if ('error' in facts.regions) push('regions', false, `DescribeRegions failed: ${facts.regions.error}`);
  else {
    const enabled = facts.regions.filter((r) => r.optInStatus !== 'not-opted-in').map((r) => r.name);
    const notEnabled = config.memberRegions.filter((r) => !enabled.includes(r));
    const unwatched = enabled.filter((r) => !config.memberRegions.includes(r) && !(r in config.unwatchedRegions));
    const ok = notEnabled.length === 0 && unwatched.length === 0;
    const detail = [`${enabled.length} enabled`, notEnabled.length > 0 ? `memberRegions not enabled here: ${notEnabled.join(', ')}` : '', unwatched.length > 0 ? `enabled but neither watched nor acknowledged: ${unwatched.join(', ')}` : ''].filter(Boolean).join('; ');
    push('regions', ok, detail, 'add the enabled regions to memberRegions (or to unwatchedRegions with the reason); remove regions that are not enabled');
  }
  return results;
}

/** One line per check: PASS or FAIL, the check, what was found, and the fix. */
export function formatPreflight(results: readonly PreflightResult[]): string {
  return results.map((r) => `${r.ok ? 'PASS' : 'FAIL'}  ${r.check}: ${r.detail}${r.fix ? ` (fix: ${r.fix})` : ''}`).join('\n');
}
