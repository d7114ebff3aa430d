import { nagPartition } from '../nag-partition.ts';
import { Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { ArnPrincipal, CompositePrincipal, PolicyDocument, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { GUARDRAIL_SCP_TAG, SCP_PERMISSIONS } from '../../functions/core/respond/required-permissions.ts';
import { NAMES } from '../names.ts';
import { fittedStandingScp } from '../standing-scp.ts';
import { CfnPolicy } from 'aws-cdk-lib/aws-organizations';
import type { PreventiveScp } from '../../functions/core/prevent/compile-scp.ts';

/** Name of the standing SCP (the guardrail's scp-deny responses are AgentGuardrail-Scp-<account>). */
export const STANDING_SCP_NAME = 'AgentGuardrail-Standing';

export interface ManagementAccountStackProps extends StackProps {
  readonly securityAccount: string;
  /** Where the member stack is deployed: the standing SCP is attached there too. */
  readonly deploymentOrganizationalUnits: readonly string[];
  readonly operatorPrincipals: readonly string[];
  /** The preventive SCPs compiled from the policy (`agent-guardrail compile scp`), and where they go. */
  readonly preventiveScps: readonly PreventiveScp[];
  readonly preventionTargets: readonly string[];
}

/** The role for scp-deny in the management account, trusted only by the guard's and override's roles. */
export class ManagementAccountStack extends Stack {
  readonly scpRole: Role;

  constructor(scope: Construct, id: string, props: ManagementAccountStackProps) {
    super(scope, id, props);
    const securityRole = (name: string) => `arn:${this.partition}:iam::${props.securityAccount}:role/${name}`;
    this.scpRole = new Role(this, 'ScpResponder', {
      roleName: NAMES.scpRole,
      description: 'Lets agent-guardrail write its AgentGuardrail-* service control policies',
      assumedBy: new CompositePrincipal(new ArnPrincipal(securityRole(NAMES.guardRole)), new ArnPrincipal(securityRole(NAMES.overrideRole))),
      // Only the guardrail's own SCPs: created with its tag, changed only while they carry it; never
      // FullAWSAccess or the organization's other policies. Organizations authorizes AttachPolicy on both the
      // policy and the target, and takes aws:RequestTag on CreatePolicy and aws:ResourceTag on policies.
      // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html
      inlinePolicies: {
        Scp: new PolicyDocument({
          statements: [
            new PolicyStatement({ sid: 'ReadPolicies', actions: [...SCP_PERMISSIONS.read], resources: ['*'] }),
            new PolicyStatement({
              sid: 'CreateTaggedPolicies',
              actions: [...SCP_PERMISSIONS.create],
              resources: ['*'],
              conditions: { StringEquals: { [`aws:RequestTag/${GUARDRAIL_SCP_TAG}`]: 'true' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': [GUARDRAIL_SCP_TAG] } },
            }),
            new PolicyStatement({
              sid: 'ChangeOwnPolicies',
              actions: [...SCP_PERMISSIONS.change],
              resources: [`arn:${this.partition}:organizations::${this.account}:policy/*/service_control_policy/*`],
              conditions: { StringEquals: { [`aws:ResourceTag/${GUARDRAIL_SCP_TAG}`]: 'true' } },
            }),
            new PolicyStatement({ sid: 'AttachToAccounts', actions: [...SCP_PERMISSIONS.target], resources: [`arn:${this.partition}:organizations::${this.account}:account/*/*`] }),
          ],
        }),
      },
    });
    // The standing SCP: the guardrail's member-side machinery cannot be switched off from inside an account.
    new CfnPolicy(this, 'StandingScp', {
      name: STANDING_SCP_NAME,
      description: 'agent-guardrail: nobody in a member account may alter the guardrail or leave the organization',
      type: 'SERVICE_CONTROL_POLICY',
      // Submitted minified: the 5,120-character quota counts whitespace.
      content: JSON.parse(JSON.stringify(fittedStandingScp(this.partition, { securityAccount: props.securityAccount, operatorPrincipals: props.operatorPrincipals }))),
      targetIds: [...props.deploymentOrganizationalUnits],
    });
    // The preventive SCPs deny the prevent rules' actions to agents before they happen. How many SCPs each
    // target then holds is checked with the quota model at synth (infra/quotas), beside what is already there.
    for (const scp of props.preventiveScps) {
      new CfnPolicy(this, scp.name, {
        name: scp.name,
        description: 'agent-guardrail: the prevent rules, denied to agent sessions IAM recognises',
        type: 'SERVICE_CONTROL_POLICY',
        content: JSON.parse(JSON.stringify(scp.document)),
        targetIds: [...props.preventionTargets],
      });
    }
    Validations.of(this.scpRole).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason: 'Reads of any policy, and creation only with the guardrail tag (aws:RequestTag); the role is trusted only by the guardrail functions.',
      },
      {
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:${nagPartition(this)}:organizations::${props.env?.account ?? this.account}:policy/*/service_control_policy/*]`,
        reason: 'SCP ids are assigned at creation: any SCP, but only while it carries the guardrail tag (aws:ResourceTag).',
      },
      {
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:${nagPartition(this)}:organizations::${props.env?.account ?? this.account}:account/*/*]`,
        reason: 'scp-deny attaches the guardrail SCP to whichever member account the contained principal is in.',
      },
    );
  }
}
