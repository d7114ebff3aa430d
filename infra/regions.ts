/**
 * Where an organization's CloudTrail events reach EventBridge, by partition, and which partitions the
 * deployment supports. Each fact with the page it comes from.
 */
export interface PartitionModel {
  readonly partition: string;
  /** Where IAM, Organizations and root sign-in deliver their events. */
  readonly globalEventsRegion: string;
  /**
   * Regions enabled in every account: STS requests to the global endpoint are served, and logged, in the
   * caller's Region when it is one of these, and IAM users' console sign-ins are logged in us-east-2,
   * eu-north-1 or ap-southeast-2 (root's in us-east-1): a member region left out of these misses sessions.
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_region-endpoints.html#reference_sts_global_endpoint_changes
   * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html
   * https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html
   */
  readonly defaultEnabledRegions: readonly string[];
}

export const PARTITIONS: Record<'aws' | 'aws-us-gov', PartitionModel> = {
  aws: {
    partition: 'aws',
    globalEventsRegion: 'us-east-1',
    defaultEnabledRegions: [
      'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'sa-east-1',
      'eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1',
      'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2',
    ],
  },
  // Cross-Region routing between the two GovCloud Regions: https://aws.amazon.com/about-aws/whats-new/2022/06/amazon-eventbridge-cross-region-routing-aws-govcloud-regions/
  // IAM's endpoint and events: https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/using-govcloud-endpoints.html
  'aws-us-gov': { partition: 'aws-us-gov', globalEventsRegion: 'us-gov-west-1', defaultEnabledRegions: ['us-gov-west-1', 'us-gov-east-1'] },
};

/** The partition a Region name belongs to. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-iso') || region.startsWith('eu-isoe-')) return 'aws-iso';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

/** Why a partition is refused, for those that are. */
const REFUSED: Record<string, string> = {
  'aws-cn':
    'the China partition is not supported: the deployment relies on EventBridge cross-Region routing to one bus, service-managed StackSets and the MCP condition keys, none of which AWS documents for the China Regions',
};

/**
 * Problems with the regions of a deployment, each a sentence naming what to change; empty when it is sound.
 * `unwatched` acknowledges, by name, default-enabled Regions deliberately left out of memberRegions.
 */
export function regionProblems(home: string, memberRegions: readonly string[], unwatched: Readonly<Record<string, string>>): { path: string; message: string }[] {
  const partition = partitionOfRegion(home);
  const model = PARTITIONS[partition as keyof typeof PARTITIONS];
  if (!model) {
    return [{ path: 'region', message: REFUSED[partition] ?? `partition ${partition} is not supported (supported: ${Object.keys(PARTITIONS).join(', ')})` }];
  }
  const problems: { path: string; message: string }[] = [];
  const foreign = memberRegions.filter((r) => partitionOfRegion(r) !== partition);
  if (foreign.length > 0) problems.push({ path: 'memberRegions', message: `${foreign.join(', ')} ${foreign.length === 1 ? 'is' : 'are'} not in the home region's partition (${partition}): events cannot cross partitions` });
  if (!memberRegions.includes(model.globalEventsRegion)) {
    problems.push({ path: 'memberRegions', message: `must include ${model.globalEventsRegion}, where global services (IAM, Organizations, root sign-in) deliver their events` });
  }
  const missing = model.defaultEnabledRegions.filter((r) => !memberRegions.includes(r) && !(r in unwatched));
  if (missing.length > 0) {
    problems.push({
      path: 'memberRegions',
      message:
        `leaves out ${missing.join(', ')}, enabled in every account: STS global-endpoint sessions (with their session tags) and IAM users' console sign-ins are recorded there and would be missed. ` +
        'Add them, or acknowledge each in unwatchedRegions with the reason (for example an SCP that denies the Region)',
    });
  }
  const stale = Object.keys(unwatched).filter((r) => memberRegions.includes(r));
  if (stale.length > 0) problems.push({ path: 'unwatchedRegions', message: `${stale.join(', ')} ${stale.length === 1 ? 'is' : 'are'} also in memberRegions: acknowledge only what is left out` });
  return problems;
}
