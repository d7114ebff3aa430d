import { GuardrailError } from '../functions/core/errors.ts';
import * as z from 'zod';
import { PARTITIONS, partitionOfRegion, regionProblems } from './regions.ts';

const account = z.string().regex(/^\d{12}$/, 'must be a 12-digit account id');
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be a region name such as us-east-1');

/** The regions every account of the commercial partition has enabled (see infra/regions.ts). */
export const DEFAULT_ENABLED_REGIONS = PARTITIONS.aws.defaultEnabledRegions;

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
     * default in the home region's partition. Events of a region without a stack instance are never seen.
     */
    memberRegions: z.array(region).min(1).optional(),
    /**
     * Default-enabled regions deliberately left out of memberRegions, each with the reason (an SCP denying
     * the region, say): without it, leaving one out fails the synth.
     */
    unwatchedRegions: z.record(region, z.string().min(1)).default({}),
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
     * 200 carries the shipped 500-account profile (about 55 busy on average) and a contained agent's flood of
     * 1,000 calls a second (about 45 more) without throttling: bench/fairness.run.ts. Size yours with
     * `agent-guardrail check --volume`.
     */
    guardReservedConcurrency: z.number().int().min(1).max(1000).default(200),
    overrideReservedConcurrency: z.number().int().min(1).max(100).default(2),
  })
  .strict()
  .transform((c) => ({ ...c, memberRegions: c.memberRegions ?? [...(PARTITIONS[partitionOfRegion(c.region) as keyof typeof PARTITIONS]?.defaultEnabledRegions ?? [c.region])] }))
  .superRefine((c, ctx) => {
    for (const problem of regionProblems(c.region, c.memberRegions, c.unwatchedRegions)) ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
    // The responder role exists only in the home region's stack instance: a home region outside the member
    // regions means no responder anywhere, and nothing can be contained.
    if (!c.memberRegions.includes(c.region)) ctx.addIssue({ code: 'custom', path: ['region'], message: 'must be one of memberRegions (the responder role is created in the home region\'s stack instance)' });
  });

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
