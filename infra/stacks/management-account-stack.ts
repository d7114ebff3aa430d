import { Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { ArnPrincipal, CompositePrincipal, PolicyDocument, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { SCP_ACTIONS } from '../../functions/core/respond/required-permissions.ts';
import { NAMES } from '../names.ts';
import { standingScp } from '../standing-scp.ts';
import { CfnPolicy } from 'aws-cdk-lib/aws-organizations';

/** Name of the standing SCP (the guardrail's scp-deny responses are AgentGuardrail-Scp-<account>). */
export const STANDING_SCP_NAME = 'AgentGuardrail-Standing';

export interface ManagementAccountStackProps extends StackProps {
  readonly securityAccount: string;
  /** Where the member stack is deployed: the standing SCP is attached there too. */
  readonly deploymentOrganizationalUnits: readonly string[];
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
      inlinePolicies: {
        Scp: new PolicyDocument({ statements: [new PolicyStatement({ sid: 'GuardrailScps', actions: [...SCP_ACTIONS], resources: ['*'] })] }),
      },
    });
    // The standing SCP: the guardrail's member-side machinery cannot be switched off from inside an account.
    new CfnPolicy(this, 'StandingScp', {
      name: STANDING_SCP_NAME,
      description: 'agent-guardrail: nobody in a member account may alter the guardrail or leave the organization',
      type: 'SERVICE_CONTROL_POLICY',
      // Submitted minified: the 5,120-character quota counts whitespace.
      content: JSON.parse(JSON.stringify(standingScp(this.partition))),
      targetIds: [...props.deploymentOrganizationalUnits],
    });
    Validations.of(this.scpRole).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'SCP ids are assigned at creation and targets are any member account; the role is trusted only by the guardrail functions.',
    });
  }
}
