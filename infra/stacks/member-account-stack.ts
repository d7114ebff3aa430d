import { CfnCondition, Fn, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import { ArnPrincipal, CfnRole, Effect, PolicyDocument, PolicyStatement, Role, CompositePrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { EventRulePattern } from '../../functions/core/policy/compile-event-patterns.ts';
import { RESPONDER_PERMISSION_GROUPS } from '../../functions/core/respond/required-permissions.ts';
import { NAMES } from '../names.ts';

export interface MemberAccountStackProps extends StackProps {
  readonly securityAccount: string;
  /** Region of the central bus and of the one copy of the (global) responder role. */
  readonly homeRegion: string;
  readonly patterns: readonly EventRulePattern[];
}

/**
 * Deployed to every account and region by a service-managed StackSet: forwards the watched CloudTrail
 * events to the central bus, and (in the home region only, IAM being global) creates the responder role,
 * trusted only by the guard's and override's roles and able to write only guardrail policies and tags.
 */
export class MemberAccountStack extends Stack {
  readonly rules: Rule[];
  readonly responder: Role;

  constructor(scope: Construct, id: string, props: MemberAccountStackProps) {
    super(scope, id, props);
    const centralBus = EventBus.fromEventBusArn(this, 'CentralBus', `arn:${this.partition}:events:${props.homeRegion}:${props.securityAccount}:event-bus/${NAMES.bus}`);
    const defaultBus = EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    this.rules = props.patterns.map(
      (p) =>
        new Rule(this, `Forward-${p.name}`, {
          eventBus: defaultBus,
          description: `Forward ${p.name} CloudTrail calls to the agent-guardrail bus`,
          eventPattern: { detailType: [...p.pattern['detail-type']], detail: p.pattern.detail as Record<string, unknown> },
          targets: [new EventBusTarget(centralBus)],
        }),
    );

    const securityRole = (name: string) => `arn:${this.partition}:iam::${props.securityAccount}:role/${name}`;
    const guardrailRoles = `arn:${this.partition}:iam::${this.account}:role/AgentGuardrail*`;
    this.responder = new Role(this, 'Responder', {
      roleName: NAMES.responderRole,
      description: 'Lets the agent-guardrail guard and override functions contain principals in this account',
      assumedBy: new CompositePrincipal(new ArnPrincipal(securityRole(NAMES.guardRole)), new ArnPrincipal(securityRole(NAMES.overrideRole))),
      inlinePolicies: {
        Contain: new PolicyDocument({
          statements: [
            ...responderStatements(this.partition),
            new PolicyStatement({
              sid: 'NeverTouchGuardrailRoles',
              effect: Effect.DENY,
              notActions: ['iam:Get*', 'iam:List*'],
              resources: [guardrailRoles],
            }),
          ],
        }),
      },
    });
    // IAM is global: create the role once, in the home region's stack instance.
    const homeRegion = new CfnCondition(this, 'IsHomeRegion', { expression: Fn.conditionEquals(this.region, props.homeRegion) });
    (this.responder.node.defaultChild as CfnRole).cfnOptions.condition = homeRegion;
    Validations.of(this.responder).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]', reason: 'The responder contains any role or user of the account; inline policy writes cannot be narrowed by policy name, and the guardrail roles are denied explicitly.' },
      { id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:policy/AgentGuardrail-*]', reason: 'Only the guardrail\'s own managed policies.' },
    );
  }
}

/**
 * The responder's grants, group by group, each as narrow as IAM allows: managed policies only named
 * AgentGuardrail-*, attachments only of those, tags only under agent-guardrail:. Inline policy writes
 * cannot be narrowed by policy name (IAM has no condition key for it); the deny above keeps them off the
 * guardrail's own roles.
 */
function responderStatements(partition: string): PolicyStatement[] {
  const guardrailPolicies = `arn:${partition}:iam::*:policy/AgentGuardrail-*`;
  const g = RESPONDER_PERMISSION_GROUPS;
  return [
    new PolicyStatement({ sid: 'InlinePolicies', actions: [...g.readInline, ...g.writeInline], resources: ['*'] }),
    new PolicyStatement({ sid: 'GuardrailManagedPolicies', actions: [...g.managedPolicies], resources: [guardrailPolicies] }),
    new PolicyStatement({
      sid: 'AttachGuardrailPolicies',
      actions: [...g.attachments],
      resources: ['*'],
      conditions: { ArnLike: { 'iam:PolicyARN': guardrailPolicies } },
    }),
    new PolicyStatement({ sid: 'ListAttachments', actions: [...g.listAttachments], resources: ['*'] }),
    new PolicyStatement({ sid: 'ReadTags', actions: [...g.readTags], resources: ['*'] }),
    new PolicyStatement({
      sid: 'GuardrailTags',
      actions: [...g.writeTags],
      resources: ['*'],
      conditions: { 'ForAllValues:StringLike': { 'aws:TagKeys': ['agent-guardrail:*'] } },
    }),
    new PolicyStatement({ sid: 'AccessKeyStatus', actions: [...g.accessKeys], resources: ['*'] }),
  ];
}
