import { Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { ArnPrincipal, CompositePrincipal, PolicyDocument, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { SCP_ACTIONS } from '../../functions/core/respond/required-permissions.ts';
import { NAMES } from '../names.ts';

export interface ManagementAccountStackProps extends StackProps {
  readonly securityAccount: string;
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
    Validations.of(this.scpRole).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'SCP ids are assigned at creation and targets are any member account; the role is trusted only by the guardrail functions.',
    });
  }
}
