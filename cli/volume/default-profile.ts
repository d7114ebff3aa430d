import type { VolumeProfile } from './volume-profile.ts';

/**
 * The default profile: 500 accounts in the 17 default regions, each account a busy workload account. The
 * rates are stated assumptions, not measurements: no public table of CloudTrail management-event rates by
 * event name was found, and an organization's own figures differ by orders of magnitude. Derive yours from a
 * day of the organization trail with `agent-guardrail check --volume --profile-from <trail files>`, which counts
 * each event name per account per second in the files given.
 */
export const DEFAULT_VOLUME_PROFILE: VolumeProfile = {
  name: 'busy organization (assumed)',
  source: 'stated assumptions (README, "What it costs"); replace with --profile-from a day of your organization trail',
  accounts: 500,
  regions: 17,
  events: [
    // Sessions: services assuming roles on the account's behalf (Lambda, ECS, EC2, Config, SSO...) dominate.
    { event: 'sts.amazonaws.com:AssumeRole', perAccountPerSecond: 2.0, variants: [], byAwsServices: 0.8 },
    { event: 'sts.amazonaws.com:AssumeRoleWithWebIdentity', perAccountPerSecond: 0.1, variants: [], byAwsServices: 0 },
    { event: 'sts.amazonaws.com:GetCallerIdentity', perAccountPerSecond: 1.0, variants: [], byAwsServices: 0 },
    // Reads the policy watches, some only with given parameters.
    { event: 'ssm.amazonaws.com:GetParameter', perAccountPerSecond: 0.5, variants: [{ share: 0.3, requestParameters: { withDecryption: true } }, { share: 0.7, requestParameters: { withDecryption: false } }], byAwsServices: 0 },
    { event: 'ssm.amazonaws.com:GetParameters', perAccountPerSecond: 0.2, variants: [{ share: 0.3, requestParameters: { withDecryption: true } }, { share: 0.7, requestParameters: { withDecryption: false } }], byAwsServices: 0 },
    { event: 'ssm.amazonaws.com:GetParametersByPath', perAccountPerSecond: 0.05, variants: [{ share: 0.5, requestParameters: { withDecryption: true } }], byAwsServices: 0 },
    { event: 'secretsmanager.amazonaws.com:GetSecretValue', perAccountPerSecond: 0.2, variants: [], byAwsServices: 0 },
    { event: 'ec2.amazonaws.com:DescribeInstanceAttribute', perAccountPerSecond: 0.05, variants: [{ share: 0.1, requestParameters: { attribute: 'userData' } }, { share: 0.9, requestParameters: { attribute: 'instanceType' } }], byAwsServices: 0 },
    { event: 'bedrock.amazonaws.com:InvokeModel', perAccountPerSecond: 0.5, variants: [], byAwsServices: 0 },
    // Reads nothing watches.
    { event: 'kms.amazonaws.com:Decrypt', perAccountPerSecond: 5.0, variants: [], byAwsServices: 0.9 },
    { event: 'kms.amazonaws.com:GenerateDataKey', perAccountPerSecond: 2.0, variants: [], byAwsServices: 0.9 },
    { event: 'ec2.amazonaws.com:DescribeInstances', perAccountPerSecond: 0.5, variants: [], byAwsServices: 0.5 },
    { event: 'iam.amazonaws.com:GetRole', perAccountPerSecond: 0.1, variants: [], byAwsServices: 0.5 },
    { event: 'logs.amazonaws.com:CreateLogStream', perAccountPerSecond: 0.2, variants: [], byAwsServices: 0.9 },
    // Writes the policy watches: rare.
    { event: 'ec2.amazonaws.com:RunInstances', perAccountPerSecond: 0.002, variants: [], byAwsServices: 0.5 },
    { event: 'lambda.amazonaws.com:UpdateFunctionCode20150331v2', perAccountPerSecond: 0.001, variants: [], byAwsServices: 0 },
    { event: 'iam.amazonaws.com:PutRolePolicy', perAccountPerSecond: 0.0005, variants: [], byAwsServices: 0 },
    { event: 's3.amazonaws.com:PutBucketPolicy', perAccountPerSecond: 0.0002, variants: [], byAwsServices: 0 },
    { event: 'cloudformation.amazonaws.com:CreateChangeSet', perAccountPerSecond: 0.001, variants: [], byAwsServices: 0 },
  ],
};
