import * as z from 'zod';

const account = z.string().regex(/^\d{12}$/, 'must be a 12-digit account id');
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be a region name such as us-east-1');

/** The deployment's settings, from cdk.json context `agentGuardrail` (overridable with -c). */
export const deploymentConfigSchema = z
  .object({
    organizationId: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'must be an organization id such as o-a1b2c3d4e5'),
    securityAccount: account,
    managementAccount: account,
    /** The security account's home region, where the central bus and functions live. */
    region,
    /** Regions the member stack (event forwarding) is rolled out to. */
    memberRegions: z
      .array(region)
      .min(1)
      // IAM, Organizations and other global services deliver their CloudTrail events in us-east-1 only.
      .refine((regions) => regions.includes('us-east-1'), 'must include us-east-1, where global services (IAM) deliver their events'),
    /** Accounts of the organization; events from others are rejected by the guard. */
    organizationAccounts: z.array(account).min(1),
    /** Organizational units the StackSet deploys to (the root id covers the organization). */
    deploymentOrganizationalUnits: z.array(z.string().regex(/^(r-[a-z0-9]{4,32}|ou-[a-z0-9]{4,32}-[a-z0-9]{8,32})$/)).min(1),
    /** IAM principals (role or user ARNs) allowed to invoke the override function. */
    operatorPrincipals: z.array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, 'must be an IAM role or user ARN')).min(1),
    notificationEmails: z.array(z.string().email()).default([]),
    /** Overrides the policy file's mode for this deployment. */
    mode: z.enum(['monitor', 'enforce']).optional(),
    policyFile: z.string().default('guardrail.yaml'),
    releaseGraceMinutes: z.number().int().min(0).max(10_080).default(30),
  })
  .strict();

export type DeploymentConfig = z.infer<typeof deploymentConfigSchema>;

/** Validates the context once, at synth; every problem is named with its path. */
export function parseDeploymentConfig(raw: unknown): DeploymentConfig {
  const parsed = deploymentConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - agentGuardrail.${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid cdk.json context "agentGuardrail":\n${problems}`);
  }
  return parsed.data;
}
