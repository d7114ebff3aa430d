/**
 * The guardrail's own roles, by exact ARN: never contained, and their calls never acted on. Never by name
 * prefix: an agent allowed iam:CreateRole could otherwise name a role `AgentGuardrail…` and work through it
 * uncontained. Names that exist in every member account (the responder, one forwarding role per member
 * region, all created by the StackSet) are matched in any account, since an agent cannot create a role
 * whose name is taken; the function roles and the SCP role only in the account that holds them.
 */
export const GUARDRAIL_ROLES = {
  responder: 'AgentGuardrailResponder',
  guard: 'AgentGuardrail-GuardFunction',
  override: 'AgentGuardrail-OverrideFunction',
  heartbeat: 'AgentGuardrail-HeartbeatFunction',
  scp: 'AgentGuardrailScpResponder',
  /** One per stack instance: IAM is global, so the region is part of the name. */
  forwarderPrefix: 'AgentGuardrail-EventForwarder-',
} as const;

/** Where the guardrail is deployed; known at synth (embedded in the function bundle), unknown to a local replay. */
export interface GuardrailDeployment {
  readonly securityAccount: string;
  readonly managementAccount: string;
  readonly memberRegions: readonly string[];
}

const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d';
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function roleArn(account: string, name: string): RegExp {
  return new RegExp(`^arn:aws[a-z-]*:iam::${account}:role/${name}$`);
}

/**
 * The exact role ARNs (as patterns over partition, and account where the name is taken everywhere) of the
 * guardrail's own roles. Without a deployment (local replay), the same names in any account.
 */
export function guardrailRoleArns(deployment: GuardrailDeployment | null): RegExp[] {
  const any = '\\d{12}';
  const regions = deployment ? deployment.memberRegions.map(escape).join('|') : REGION;
  return [
    roleArn(any, escape(GUARDRAIL_ROLES.responder)),
    roleArn(any, `${escape(GUARDRAIL_ROLES.forwarderPrefix)}(?:${regions})`),
    roleArn(deployment ? escape(deployment.securityAccount) : any, `(?:${escape(GUARDRAIL_ROLES.guard)}|${escape(GUARDRAIL_ROLES.override)}|${escape(GUARDRAIL_ROLES.heartbeat)})`),
    roleArn(deployment ? escape(deployment.managementAccount) : any, escape(GUARDRAIL_ROLES.scp)),
  ];
}

/**
 * Who deploys the guardrail's roles, by ARN pattern: the execution role of a service-managed StackSet
 * (`stacksets-exec-*`, docs: AWSCloudFormation/latest/UserGuide/stacksets-custom-execution-role.html) in any
 * account, and CDK's deploy role (which creates and executes the change sets) and CloudFormation execution
 * role only in the accounts `cdk deploy` targets (the security and management accounts; any account when no
 * deployment is known, as in a local replay).
 * https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html (the bootstrap roles)
 */
export function deployerRoleArns(deployment: GuardrailDeployment | null): RegExp[] {
  const cdkAccounts = deployment ? `(?:${escape(deployment.securityAccount)}|${escape(deployment.managementAccount)})` : '\\d{12}';
  return [
    roleArn('\\d{12}', 'stacksets-exec-[\\w+=,.@-]+'),
    roleArn(cdkAccounts, 'cdk-[\\w+=,.@-]+-cfn-exec-role-[\\w+=,.@-]+'),
    roleArn(cdkAccounts, 'cdk-[\\w+=,.@-]+-deploy-role-[\\w+=,.@-]+'),
  ];
}
