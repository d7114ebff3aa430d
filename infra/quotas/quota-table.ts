/**
 * The AWS quotas a synthesized template can break before anything runs, each with the page that states it.
 * Defaults only: an adjustable quota raised for an account is not known at synth, so the default is the
 * figure checked (the deployment must fit every account of the organization, new ones included).
 */
export interface Quota {
  /** What is limited, as a reader would name it. */
  readonly what: string;
  readonly limit: number;
  readonly unit: 'bytes' | 'characters' | 'statements' | 'resources' | 'outputs' | 'parameters' | 'rules' | 'targets' | 'policies' | 'executions';
  readonly source: string;
  /** What the deployer can change when the quota is broken. */
  readonly fix?: string;
}

const SQS = 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html';
const SNS = 'https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html';
const KMS = 'https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html';
const EVENTS = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html';
const IAM = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html';
const ORGANIZATIONS = 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html';
const LAMBDA = 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html';
const CLOUDFORMATION = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html';

export const QUOTAS = {
  sqsPolicyBytes: { what: 'SQS queue policy size', limit: 8_192, unit: 'bytes', source: SQS },
  sqsPolicyStatements: { what: 'SQS queue policy statements', limit: 20, unit: 'statements', source: SQS },
  snsPolicyBytes: { what: 'SNS topic policy size', limit: 30_720, unit: 'bytes', source: SNS },
  snsPolicyStatements: { what: 'SNS topic policy statements', limit: 100, unit: 'statements', source: SNS },
  kmsKeyPolicyBytes: { what: 'KMS key policy size', limit: 32_768, unit: 'bytes', source: KMS },
  eventBusPolicyCharacters: { what: 'event bus resource policy size', limit: 10_240, unit: 'characters', source: EVENTS },
  eventPatternCharacters: { what: 'event pattern size', limit: 2_048, unit: 'characters', source: EVENTS, fix: 'split the service\'s rules between policies, or name fewer actions (a prefix such as Delete* counts once)' },
  rulesPerBus: { what: 'rules per event bus', limit: 300, unit: 'rules', source: EVENTS },
  /** af-south-1 and eu-south-1 allow 100 rules a bus. */
  rulesPerBusSmallRegions: { what: 'rules per event bus (af-south-1, eu-south-1)', limit: 100, unit: 'rules', source: EVENTS },
  wildcardRulesPerBus: { what: 'rules containing wildcards per event bus', limit: 30, unit: 'rules', source: EVENTS },
  targetsPerRule: { what: 'targets per rule', limit: 5, unit: 'targets', source: EVENTS },
  managedPolicyCharacters: { what: 'IAM managed policy size (without whitespace)', limit: 6_144, unit: 'characters', source: IAM },
  roleInlinePolicyCharacters: { what: 'IAM role inline policies, all together (without whitespace)', limit: 10_240, unit: 'characters', source: IAM },
  trustPolicyCharacters: { what: 'IAM role trust policy size (without whitespace; default quota)', limit: 2_048, unit: 'characters', source: IAM },
  managedPoliciesPerRole: { what: 'managed policies attached to an IAM role (default quota)', limit: 10, unit: 'policies', source: IAM },
  scpCharacters: { what: 'service control policy size', limit: 5_120, unit: 'characters', source: ORGANIZATIONS },
  scpsPerTarget: {
    what: 'service control policies attached to one root, OU or account (the guardrail\'s and those already there)',
    limit: 5,
    unit: 'policies',
    source: ORGANIZATIONS,
    fix: 'attach prevention elsewhere (preventionTargets: the parent OU or the root), set prevent on fewer rules, or set otherScpsPerTarget to what `agent-guardrail preflight` counts',
  },
  lambdaEnvironmentBytes: { what: 'Lambda environment variables, all together', limit: 4_096, unit: 'bytes', source: LAMBDA },
  /** 1,000 concurrent executions a Region by default, of which Lambda keeps 100 unreserved. */
  reservedConcurrency: { what: 'concurrency reserved in one account and Region (1,000 less the 100 Lambda keeps unreserved)', limit: 900, unit: 'executions', source: LAMBDA },
  templateResources: { what: 'resources in a template', limit: 500, unit: 'resources', source: CLOUDFORMATION },
  templateOutputs: { what: 'outputs in a template', limit: 200, unit: 'outputs', source: CLOUDFORMATION },
  templateParameters: { what: 'parameters in a template', limit: 200, unit: 'parameters', source: CLOUDFORMATION },
  /** `cdk deploy` uploads templates over 50 KB to the bootstrap bucket; the older, smaller S3 figure is checked. */
  templateBodyFromS3: { what: 'template body read from Amazon S3', limit: 460_800, unit: 'bytes', source: CLOUDFORMATION },
  /** A StackSet's template is inlined as TemplateBody: the request's limit, not S3's. */
  stackSetTemplateBody: { what: 'StackSet TemplateBody (inlined in the request)', limit: 51_200, unit: 'bytes', source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html', fix: 'watch fewer services (each adds a forwarding rule to the member template)' },
} as const satisfies Record<string, Quota>;

export type QuotaId = keyof typeof QUOTAS;
