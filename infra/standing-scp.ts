import { QUOTAS } from '../functions/core/respond/policy-document.ts';
import { GUARDRAIL_ROLES } from '../functions/core/detect/guardrail-principals.ts';
import { QUARANTINE_TAG } from '../functions/core/respond/builders/quarantine-role.ts';
import { NAMES } from './names.ts';

/**
 * The standing service control policy on the accounts the member stack is deployed to: nobody in a member
 * account (an agent included, whatever its permissions) can switch off or alter the guardrail there: its
 * responder and forwarding roles, forwarding rules and dead-letter queue, the StackSet's stack instance, a
 * role the guardrail quarantined (but the responder, which releases it), or take the account out of the
 * organization. Deployments are not bound: service-managed StackSets deploy through a service-linked role
 * and its stacksets-exec role, and SCPs never restrict service-linked roles.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-activate-trusted-access.html
 */
export interface GuardrailFunctions {
  readonly securityAccount: string;
  /** Who may invoke the override function (everyone else is denied, whatever their identity policies say). */
  readonly operatorPrincipals: readonly string[];
}

/**
 * The standing SCP, checked against the quota as submitted (minified): one that cannot be created fails the
 * synth with the reason, not the deploy. https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
 */
export function fittedStandingScp(partition: string, functions: GuardrailFunctions): Record<string, unknown> {
  const scp = standingScp(partition, functions);
  // Measured in the longest partition's spelling: the partition may still be a token here.
  const size = JSON.stringify(standingScp('aws-us-gov', functions)).length;
  if (size > QUOTAS.scpChars) {
    throw new Error(
      `the standing SCP would be ${size} characters; an SCP holds at most ${QUOTAS.scpChars}. ` +
        `It names each of the ${functions.operatorPrincipals.length} operatorPrincipals: name fewer (one operator role that people assume).`,
    );
  }
  return scp;
}

export function standingScp(partition = 'aws', functions?: GuardrailFunctions): Record<string, unknown> {
  const deployer = `arn:${partition}:iam::*:role/stacksets-exec-*`;
  const responder = `arn:${partition}:iam::*:role/${GUARDRAIL_ROLES.responder}`;
  const exceptDeployer = { ArnNotLike: { 'aws:PrincipalArn': deployer } };
  const roleWrites = [
    'iam:DeleteRole', 'iam:UpdateRole', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:AttachRolePolicy',
    'iam:DetachRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary', 'iam:TagRole', 'iam:UntagRole',
  ];
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'GuardrailRoles',
        Effect: 'Deny',
        Action: roleWrites,
        Resource: [responder, `arn:${partition}:iam::*:role/${GUARDRAIL_ROLES.forwarderPrefix}*`],
        Condition: exceptDeployer,
      },
      {
        // The deployer's own name is the exception above, so nobody may make or take a role of that name: the
        // real execution role is created and managed by StackSets' service-linked role, which SCPs never bind.
        Sid: 'DeployerRoles',
        Effect: 'Deny',
        Action: ['iam:CreateRole', ...roleWrites],
        Resource: deployer,
      },
      {
        // Nobody but a deployment creates a role with a guardrail name (the names protect nothing, but an
        // agent's AgentGuardrailX would pass for the guardrail in a report).
        Sid: 'GuardrailNames',
        Effect: 'Deny',
        Action: 'iam:CreateRole',
        Resource: `arn:${partition}:iam::*:role/AgentGuardrail*`,
        Condition: { ArnNotLike: { 'aws:PrincipalArn': functions ? [deployer, cdkDeployer(partition, functions.securityAccount)] : deployer } },
      },
      {
        Sid: 'QuarantinedRoles',
        Effect: 'Deny',
        Action: roleWrites,
        Resource: `arn:${partition}:iam::*:role/*`,
        Condition: { Null: { [`aws:ResourceTag/${QUARANTINE_TAG}`]: 'false' }, ArnNotLike: { 'aws:PrincipalArn': [deployer, responder] } },
      },
      {
        Sid: 'GuardrailForwarding',
        Effect: 'Deny',
        Action: ['events:DeleteRule', 'events:DisableRule', 'events:PutRule', 'events:PutTargets', 'events:RemoveTargets', 'sqs:DeleteQueue', 'sqs:SetQueueAttributes', 'sqs:PurgeQueue'],
        Resource: [`arn:${partition}:events:*:*:rule/${NAMES.forwardRulePrefix}*`, `arn:${partition}:sqs:*:*:${NAMES.forwardDeadLetters}`],
        Condition: exceptDeployer,
      },
      {
        Sid: 'GuardrailStackInstance',
        Effect: 'Deny',
        Action: ['cloudformation:DeleteStack', 'cloudformation:UpdateStack', 'cloudformation:SetStackPolicy', 'cloudformation:UpdateTerminationProtection'],
        Resource: `arn:${partition}:cloudformation:*:*:stack/StackSet-${NAMES.memberStackSet}-*/*`,
        Condition: exceptDeployer,
      },
      { Sid: 'StayInOrganization', Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' },
      ...(functions ? guardrailFunctionStatements(partition, functions) : []),
    ],
  };
}

/**
 * In the security account: only EventBridge invokes the guard (service principals are not bound by SCPs),
 * only the named operators invoke the override, and only CloudFormation deployments (the CDK execution role)
 * change the functions: an identity policy granting lambda:* in the account cannot get round it.
 */
/** CloudFormation's execution role of `cdk deploy` in the security account. */
function cdkDeployer(partition: string, account: string): string {
  return `arn:${partition}:iam::${account}:role/cdk-*-cfn-exec-role-*`;
}

function guardrailFunctionStatements(partition: string, f: GuardrailFunctions): Record<string, unknown>[] {
  const fn = (name: string) => `arn:${partition}:lambda:*:${f.securityAccount}:function:${name}`;
  const exceptCdk = { ArnNotLike: { 'aws:PrincipalArn': cdkDeployer(partition, f.securityAccount) } };
  return [
    { Sid: 'GuardOnlyFromEventBridge', Effect: 'Deny', Action: 'lambda:InvokeFunction', Resource: [fn(NAMES.guardFunction), `${fn(NAMES.guardFunction)}:*`] },
    {
      Sid: 'OverrideOnlyByOperators',
      Effect: 'Deny',
      Action: 'lambda:InvokeFunction',
      Resource: [fn(NAMES.overrideFunction), `${fn(NAMES.overrideFunction)}:*`],
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': [...f.operatorPrincipals] } },
    },
    {
      Sid: 'GuardrailFunctions',
      Effect: 'Deny',
      Action: ['lambda:DeleteFunction', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:PutFunctionConcurrency', 'lambda:DeleteFunctionConcurrency', 'lambda:PutFunctionEventInvokeConfig', 'lambda:RemovePermission', 'lambda:AddPermission'],
      Resource: fn('AgentGuardrail-*'),
      Condition: exceptCdk,
    },
    {
      // The key of state, findings and dead letters, found by its alias (kms:ResourceAliases, docs:
      // kms/latest/developerguide/alias-authorization.html); the alias itself cannot be moved off it.
      Sid: 'GuardrailKey',
      Effect: 'Deny',
      Action: ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:DeleteAlias', 'kms:UpdateAlias'],
      Resource: `arn:${partition}:kms:*:${f.securityAccount}:key/*`,
      Condition: { ...exceptCdk, 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': NAMES.keyAlias } },
    },
    {
      Sid: 'GuardrailKeyAlias',
      Effect: 'Deny',
      Action: ['kms:DeleteAlias', 'kms:UpdateAlias'],
      Resource: `arn:${partition}:kms:*:${f.securityAccount}:${NAMES.keyAlias}`,
      Condition: exceptCdk,
    },
    {
      Sid: 'GuardrailSchedule',
      Effect: 'Deny',
      Action: ['scheduler:DeleteSchedule', 'scheduler:UpdateSchedule'],
      Resource: `arn:${partition}:scheduler:*:${f.securityAccount}:schedule/default/AgentGuardrail-*`,
      Condition: exceptCdk,
    },
    {
      Sid: 'GuardrailQueues',
      Effect: 'Deny',
      Action: ['sqs:SetQueueAttributes', 'sqs:DeleteQueue', 'sqs:PurgeQueue', 'sqs:AddPermission', 'sqs:RemovePermission'],
      Resource: `arn:${partition}:sqs:*:${f.securityAccount}:AgentGuardrail-*`,
      Condition: exceptCdk,
    },
  ];
}
