import { GuardrailError } from '../functions/core/errors.ts';
import * as z from 'zod';

const account = z.string().regex(/^\d{12}$/, 'must be a 12-digit account id');
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be a region name such as us-east-1');

/**
 * The regions every account has enabled by default (regions introduced before 20 March 2019); opt-in
 * regions an organization enables must be added to memberRegions by name.
 * https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html
 */
export const DEFAULT_ENABLED_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'sa-east-1',
  'eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1',
  'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2',
] as const;

/** The deployment's settings, from cdk.json context `agentGuardrail` (overridable with -c). */
export const deploymentConfigSchema = z
  .object({
    organizationId: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'must be an organization id such as o-a1b2c3d4e5'),
    securityAccount: account,
    managementAccount: account,
    /** The security account's home region, where the central bus and functions live. */
    region,
    /**
     * Regions the member stack (event forwarding) is rolled out to: by default every region enabled by
     * default. Events of a region without a stack instance are never seen.
     */
    memberRegions: z
      .array(region)
      .min(1)
      .default([...DEFAULT_ENABLED_REGIONS])
      // IAM, Organizations and STS's global endpoint deliver their CloudTrail events in us-east-1 only.
      // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events
      .refine((regions) => regions.includes('us-east-1'), 'must include us-east-1, where global services (IAM) deliver their events'),
    /** Organizational units the StackSet deploys to (the root id covers the organization). */
    deploymentOrganizationalUnits: z.array(z.string().regex(/^(r-[a-z0-9]{4,32}|ou-[a-z0-9]{4,32}-[a-z0-9]{8,32})$/)).min(1),
    /** IAM principals (role or user ARNs) allowed to invoke the override function. */
    operatorPrincipals: z.array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, 'must be an IAM role or user ARN')).min(1),
    /** Where the preventive SCPs (`compile scp`) are attached; default: the deployment's OUs. */
    preventionTargets: z.array(z.string().regex(/^(r-[a-z0-9]{4,32}|ou-[a-z0-9]{4,32}-[a-z0-9]{8,32})$/)).min(1).optional(),
    /**
     * SCPs each target already holds outside the guardrail (FullAWSAccess counts), a number for every target or
     * one a target (`default` for the rest): a target holds at most 5, and synth checks the guardrail's beside
     * these. `agent-guardrail preflight` prints the figures for a real organization.
     */
    otherScpsPerTarget: z
      .union([z.number().int().min(0).max(5), z.object({ default: z.number().int().min(0).max(5) }).catchall(z.number().int().min(0).max(5))])
      .default(1),
    notificationEmails: z.array(z.string().email()).default([]),
    /** Overrides the policy file's mode for this deployment. */
    mode: z.enum(['monitor', 'enforce']).optional(),
    policyFile: z.string().default('guardrail.yaml'),
    releaseGraceMinutes: z.number().int().min(0).max(10_080).default(30),
    /**
     * Concurrency reserved for the guard: a storm elsewhere in the account cannot starve it, and it cannot
     * starve the account. Lambda keeps at least 100 of the account's concurrency unreserved.
     * https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
     */
    guardReservedConcurrency: z.number().int().min(1).max(1000).default(50),
    overrideReservedConcurrency: z.number().int().min(1).max(100).default(2),
  })
  .strict()
  // The responder role exists only in the home region's stack instance: a home region outside the member
  // regions means no responder anywhere, and nothing can be contained.
  .refine((c) => c.memberRegions.includes(c.region), { message: 'must be one of memberRegions (the responder role is created in the home region\'s stack instance)', path: ['region'] });

export type DeploymentConfig = z.infer<typeof deploymentConfigSchema>;

/** The deployment context is missing or wrong: synth stops with this message and no stack trace. */
export class ConfigError extends GuardrailError {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the context once, at synth; every problem is named with its path. `cdk -c key=value` passes
 * every value as a string, so a string is read as JSON (`-c agentGuardrail='{...}'`).
 */
export function parseDeploymentConfig(raw: unknown): DeploymentConfig {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new ConfigError(`-c agentGuardrail is not JSON (${(error as Error).message})`);
    }
  }
  if (value === undefined) throw new ConfigError('no "agentGuardrail" context: set it in cdk.json or pass -c agentGuardrail=\'{...}\'');
  const parsed = deploymentConfigSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - agentGuardrail.${i.path.join('.')}: ${i.message}`).join('\n');
    throw new ConfigError(`invalid context "agentGuardrail" (cdk.json or -c):\n${problems}`);
  }
  return parsed.data;
}
