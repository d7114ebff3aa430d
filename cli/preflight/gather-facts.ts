import type { DeploymentConfig } from '../../infra/config.ts';
import { partitionOfRegion } from '../../infra/regions.ts';
import { globalEndpointRegion, type Partition } from '../../functions/aws/global-endpoints.ts';
import { RETRY } from '../../functions/aws/clients.ts';
import { guardrailScpsByTarget, STACKSETS_PRINCIPAL, type PreflightFacts, type TrailFacts } from './preflight-checks.ts';

const failed = (error: unknown) => ({ error: `${(error as { name?: string }).name ?? 'Error'}: ${(error as Error).message ?? String(error)}` });

async function attempt<T>(read: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await read();
  } catch (error) {
    return failed(error);
  }
}

/** Reads what preflight checks, read-only: Organizations, CloudTrail and EC2's region list, with the caller's credentials. */
export async function gatherPreflightFacts(config: DeploymentConfig, preventiveScps: number): Promise<PreflightFacts> {
  const [org, trail, ec2, sts] = await Promise.all([import('@aws-sdk/client-organizations'), import('@aws-sdk/client-cloudtrail'), import('@aws-sdk/client-ec2'), import('@aws-sdk/client-sts')]);
  const partition = partitionOfRegion(config.region) as Partition;
  const organizations = new org.OrganizationsClient({ ...RETRY, region: globalEndpointRegion('organizations', partition) });
  const cloudtrail = new trail.CloudTrailClient({ ...RETRY, region: config.region });
  const regions = new ec2.EC2Client({ ...RETRY, region: config.region });
  const identity = new sts.STSClient({ ...RETRY, region: config.region });
  try {
    const pages = async <T>(read: (token?: string) => Promise<{ items: T[]; next?: string }>) => {
      const all: T[] = [];
      let token: string | undefined;
      do {
        const page = await read(token);
        all.push(...page.items);
        token = page.next;
      } while (token);
      return all;
    };
    const targets = [...guardrailScpsByTarget(config, preventiveScps).keys()];
    const [caller, organization, roots, trusted, admins, trails, regionList, scps] = await Promise.all([
      attempt(async () => (await identity.send(new sts.GetCallerIdentityCommand({}))).Arn ?? 'unknown'),
      attempt(async () => {
        const o = (await organizations.send(new org.DescribeOrganizationCommand({}))).Organization!;
        return { id: o.Id!, managementAccount: o.MasterAccountId! };
      }),
      attempt(async () => ((await organizations.send(new org.ListRootsCommand({}))).Roots?.[0]?.PolicyTypes ?? []).filter((t) => t.Status === 'ENABLED').map((t) => t.Type!)),
      attempt(() => pages(async (NextToken) => {
        const page = await organizations.send(new org.ListAWSServiceAccessForOrganizationCommand({ NextToken }));
        return { items: (page.EnabledServicePrincipals ?? []).map((p) => p.ServicePrincipal!), next: page.NextToken };
      })),
      attempt(() => pages(async (NextToken) => {
        const page = await organizations.send(new org.ListDelegatedAdministratorsCommand({ ServicePrincipal: STACKSETS_PRINCIPAL, NextToken }));
        return { items: (page.DelegatedAdministrators ?? []).map((a) => a.Id!), next: page.NextToken };
      })),
      attempt(async () => {
        const list = (await cloudtrail.send(new trail.DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ?? [];
        return Promise.all(list.map(async (t): Promise<TrailFacts> => {
          const [status, selectors] = await Promise.all([
            cloudtrail.send(new trail.GetTrailStatusCommand({ Name: t.TrailARN })),
            cloudtrail.send(new trail.GetEventSelectorsCommand({ TrailName: t.TrailARN })),
          ]);
          return { name: t.Name ?? t.TrailARN ?? 'trail', organization: t.IsOrganizationTrail === true, multiRegion: t.IsMultiRegionTrail === true, logging: status.IsLogging === true, managementEvents: managementEventsOf(selectors) };
        }));
      }),
      attempt(async () => ((await regions.send(new ec2.DescribeRegionsCommand({ AllRegions: true }))).Regions ?? []).map((r) => ({ name: r.RegionName!, optInStatus: r.OptInStatus ?? 'opt-in-not-required' }))),
      Promise.all(targets.map(async (target) => [target, await attempt(() => pages(async (NextToken) => {
        const page = await organizations.send(new org.ListPoliciesForTargetCommand({ TargetId: target, Filter: 'SERVICE_CONTROL_POLICY', NextToken }));
        return { items: (page.Policies ?? []).map((p) => p.Name!), next: page.NextToken };
      }))] as const)),
    ]);
    return {
      callerArn: typeof caller === 'string' ? caller : `unknown (${caller.error})`,
      organization,
      rootPolicyTypes: roots,
      scpsByTarget: Object.fromEntries(scps),
      trustedServices: trusted,
      stackSetsDelegatedAdministrators: admins,
      trails,
      regions: regionList,
    };
  } finally {
    for (const client of [organizations, cloudtrail, regions, identity]) client.destroy();
  }
}

/**
 * Which management events a trail records, from classic or advanced event selectors.
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetEventSelectors.html
 */
function managementEventsOf(selectors: { EventSelectors?: { IncludeManagementEvents?: boolean; ReadWriteType?: string }[]; AdvancedEventSelectors?: { FieldSelectors?: { Field?: string; Equals?: string[] }[] }[] }): TrailFacts['managementEvents'] {
  for (const s of selectors.AdvancedEventSelectors ?? []) {
    const fields = s.FieldSelectors ?? [];
    if (!fields.some((f) => f.Field === 'eventCategory' && f.Equals?.includes('Management'))) continue;
    const readOnly = fields.find((f) => f.Field === 'readOnly');
    if (!readOnly) return 'All';
    return readOnly.Equals?.includes('true') ? 'ReadOnly' : 'WriteOnly';
  }
  const classic = (selectors.EventSelectors ?? []).filter((s) => s.IncludeManagementEvents !== false);
  if (classic.some((s) => (s.ReadWriteType ?? 'All') === 'All')) return 'All';
  const kinds = new Set(classic.map((s) => s.ReadWriteType));
  if (kinds.has('ReadOnly') && kinds.has('WriteOnly')) return 'All';
  return kinds.has('ReadOnly') ? 'ReadOnly' : kinds.has('WriteOnly') ? 'WriteOnly' : 'None';
}
