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
export function standingScp(partition = 'aws'): Record<string, unknown> {
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
    ],
  };
}
