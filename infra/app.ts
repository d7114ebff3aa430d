import { isGuardrailError } from '../functions/core/errors.ts';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildPolicyBundle } from '../functions/config/build-policy-bundle.ts';
import { compilePolicyBundle } from '../functions/config/runtime-policy.ts';
import { loadActionCatalogue } from '../functions/config/iam-data-catalogue.ts';
import { servicesOf } from '../functions/core/policy/schema.ts';
import { compileEventPatterns } from '../functions/core/policy/compile-event-patterns.ts';
import { compilePreventiveScps } from '../functions/core/prevent/compile-scp.ts';
import { parseDeploymentConfig } from './config.ts';
import { QuietDeprecations } from './quiet-deprecations.ts';
import { assertWithinQuotas } from './quotas/assembly-quotas.ts';
import type { QuotaOptions } from './quotas/check-quotas.ts';
import { ManagementAccountStack } from './stacks/management-account-stack.ts';
import { MemberAccountStack } from './stacks/member-account-stack.ts';
import { SecurityAccountStack } from './stacks/security-account-stack.ts';

/**
 * Builds the app from validated configuration. Configuration enters here once; nothing below reads the
 * environment or files. The event patterns come from the same compiler as `agent-guardrail check`.
 */
export async function buildApp(app: App): Promise<{
  security: SecurityAccountStack;
  member: MemberAccountStack;
  management: ManagementAccountStack;
  managementMembers: MemberAccountStack[];
  quotaOptions: QuotaOptions;
}> {
  const config = parseDeploymentConfig(app.node.tryGetContext('agentGuardrail'));
  const policyBundle = await buildPolicyBundle(config.policyFile, config.mode, {
    securityAccount: config.securityAccount,
    managementAccount: config.managementAccount,
    memberRegions: config.memberRegions,
  });
  const compiledPolicy = compilePolicyBundle(policyBundle);
  const patterns = compileEventPatterns(compiledPolicy);
  // The same compiler as `agent-guardrail compile scp`, over the whole IAM catalogue of the policy's services:
  // the bundle carries only the actions the rules name, against which every wildcard would look safe.
  const prevention = compilePreventiveScps(compiledPolicy, await loadActionCatalogue(servicesOf(policyBundle.policy)));
  const env = { account: config.securityAccount, region: config.region };
  const security = new SecurityAccountStack(app, 'AgentGuardrail-Security', { env, config, policyBundle, patterns });
  // Also deployable on its own (one account, for trials); the StackSet deploys the same template everywhere.
  const member = new MemberAccountStack(app, 'AgentGuardrail-Member', { securityAccount: config.securityAccount, homeRegion: config.region, patterns });
  const management = new ManagementAccountStack(app, 'AgentGuardrail-Management', {
    env: { account: config.managementAccount, region: config.region },
    securityAccount: config.securityAccount,
    deploymentOrganizationalUnits: config.deploymentOrganizationalUnits,
    operatorPrincipals: config.operatorPrincipals,
    preventiveScps: prevention.policies,
    preventionTargets: config.preventionTargets ?? config.deploymentOrganizationalUnits,
  });
  // A service-managed StackSet never deploys to the management account, even inside a targeted OU, so the
  // management account gets the member stack as plain stacks, one per member region.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html
  const managementMembers = config.memberRegions.map(
    (region) =>
      new MemberAccountStack(app, `AgentGuardrail-ManagementMember-${region}`, {
        env: { account: config.managementAccount, region },
        securityAccount: config.securityAccount,
        homeRegion: config.region,
        patterns,
      }),
  );
  Validations.of(app).addPlugins(new QuietDeprecations(new AwsSolutionsChecks(app)));
  const other = config.otherScpsPerTarget;
  const { default: fallback, ...byTarget } = typeof other === 'number' ? { default: other } : other;
  return { security, member, management, managementMembers, quotaOptions: { otherScpsPerTarget: { default: fallback, byTarget } } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const app = new App();
    const { quotaOptions } = await buildApp(app);
    // The templates are checked as CloudFormation will receive them: a broken quota fails here, not at deploy.
    assertWithinQuotas(app.synth(), quotaOptions);
  } catch (error) {
    // A bad policy or context is the user's to fix: its message says what and where; a stack trace would not.
    if (!isGuardrailError(error)) throw error;
    process.stderr.write(`agent-guardrail: ${error.message}\n`);
    process.exitCode = 1;
  }
}
