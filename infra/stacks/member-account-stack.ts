import { nagPartition } from '../nag-partition.ts';
import { Aws, CfnCondition, Duration, Fn, Stack, Token, Validations, type StackProps } from 'aws-cdk-lib';
import { EventBus, type Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import { ArnPrincipal, CfnRole, Effect, PolicyDocument, PolicyStatement, Role, CompositePrincipal, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { ruleDeadLetters } from '../constructs/rule-dead-letters.ts';
import { Construct } from 'constructs';
import type { EventRulePattern } from '../../functions/core/policy/compile-event-patterns.ts';
import { RESPONDER_PERMISSION_GROUPS } from '../../functions/core/respond/required-permissions.ts';
import { cloudTrailRule } from '../constructs/cloudtrail-rule.ts';
import { HEARTBEAT_READS } from '../../functions/heartbeat/heartbeat-names.ts';
import { NAMES } from '../names.ts';

export interface MemberAccountStackProps extends StackProps {
  readonly securityAccount: string;
  /** Region of the central bus and of the one copy of the (global) responder role. */
  readonly homeRegion: string;
  readonly patterns: readonly EventRulePattern[];
}

/**
 * Deployed to every account and region by a service-managed StackSet (and as plain stacks to the
 * management account, which a service-managed StackSet never reaches): forwards the watched CloudTrail
 * events to the central bus through one role, keeps what cannot be forwarded in a dead-letter queue with
 * an alarm, and (in the home region only, IAM being global) creates the responder role, trusted only by
 * the guard's and override's roles and able to write only guardrail policies and tags.
 */
export class MemberAccountStack extends Stack {
  readonly rules: Rule[];
  /** Absent from stacks whose region is known and is not the home region. */
  readonly responder: Role | undefined;
  readonly forwarder: Role;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: MemberAccountStackProps) {
    super(scope, id, props);
    const centralBusArn = `arn:${this.partition}:events:${props.homeRegion}:${props.securityAccount}:event-bus/${NAMES.bus}`;
    const centralBus = EventBus.fromEventBusArn(this, 'CentralBus', centralBusArn);
    const defaultBus = EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    // One role for every forwarding rule of this stack instance; the region keeps the (global) name unique.
    // A cross-account bus target puts events as this role, which the central bus's policy admits by name.
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
    this.forwarder = new Role(this, 'Forwarder', {
      roleName: `${NAMES.forwardRolePrefix}${Aws.REGION}`,
      description: 'Lets EventBridge forward the watched CloudTrail events to the agent-guardrail bus',
      assumedBy: new ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
      inlinePolicies: {
        Forward: new PolicyDocument({ statements: [new PolicyStatement({ sid: 'PutOnCentralBus', actions: ['events:PutEvents'], resources: [centralBusArn] })] }),
      },
    });
    // What EventBridge cannot deliver after its retries lands here rather than being dropped. SQS-managed
    // encryption: a customer managed key would need its own policy for events.amazonaws.com in every account.
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
    this.deadLetterQueue = new Queue(this, 'ForwardDeadLetters', {
      queueName: NAMES.forwardDeadLetters,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const deadLetters = ruleDeadLetters(this, this.deadLetterQueue, `${NAMES.forwardRulePrefix}*`);
    this.rules = props.patterns.map((p) =>
      cloudTrailRule(this, `Forward-${p.name}`, p, {
        eventBus: defaultBus,
        ruleName: `${NAMES.forwardRulePrefix}${p.name}`,
        description: `Forward ${p.name} CloudTrail calls to the agent-guardrail bus`,
        target: new EventBusTarget(centralBus, { role: this.forwarder, deadLetterQueue: deadLetters }),
      }),
    );
    // No alarm here (one per account and Region, 8,500 in a 500-account, 17-Region organization, with nowhere
    // to send it): the heartbeat reads this queue's depth everywhere and names the account on the central topic.
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'AwsSolutions::AwsSolutions-SQS3', reason: 'This queue is the dead-letter queue of the forwarding rules\' targets.' });
    this.responder = Token.isUnresolved(this.region) || this.region === props.homeRegion ? this.createResponder(props) : undefined;
  }

  private createResponder(props: MemberAccountStackProps): Role {
    const securityRole = (name: string) => `arn:${this.partition}:iam::${props.securityAccount}:role/${name}`;
    const guardrailRoles = `arn:${this.partition}:iam::${this.account}:role/AgentGuardrail*`;
    const responder = new Role(this, 'Responder', {
      roleName: NAMES.responderRole,
      description: 'Lets the agent-guardrail guard and override functions contain principals in this account',
      // The heartbeat assumes it too, with a session policy that leaves it only the forwarding rules' reads.
      assumedBy: new CompositePrincipal(...[NAMES.guardRole, NAMES.overrideRole, NAMES.heartbeatRole].map((name) => new ArnPrincipal(securityRole(name)))),
      inlinePolicies: {
        [NAMES.responderPolicy]: new PolicyDocument({
          statements: [
            ...responderStatements(this.partition),
            new PolicyStatement({ sid: 'ListRules', actions: [HEARTBEAT_READS.rules], resources: ['*'] }),
            new PolicyStatement({
              sid: 'ReadForwarding',
              actions: [HEARTBEAT_READS.targets],
              resources: [`arn:${this.partition}:events:*:${this.account}:rule/${NAMES.forwardRulePrefix}*`],
            }),
            // The heartbeat reads how many forwards this account lost (the dead-letter queue's depth).
            new PolicyStatement({
              sid: 'ReadForwardDeadLetters',
              actions: [HEARTBEAT_READS.deadLetters],
              resources: [`arn:${this.partition}:sqs:*:${this.account}:${NAMES.forwardDeadLetters}`],
            }),
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
    // IAM is global: create the role once, in the home region's stack instance (the StackSet's template
    // is region-agnostic, so it decides at deploy time).
    if (Token.isUnresolved(this.region)) {
      const homeRegion = new CfnCondition(this, 'IsHomeRegion', { expression: Fn.conditionEquals(this.region, props.homeRegion) });
      (responder.node.defaultChild as CfnRole).cfnOptions.condition = homeRegion;
    }
    Validations.of(responder).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]', reason: 'The responder contains any role or user of the account; inline policy writes cannot be narrowed by policy name, and the guardrail roles are denied explicitly.' },
      { id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:${nagPartition(this)}:iam::*:policy/AgentGuardrail-*]`, reason: 'Only the guardrail\'s own managed policies.' },
      { id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:${nagPartition(this)}:events:*:${Token.isUnresolved(this.account) ? '<AWS::AccountId>' : this.account}:rule/${NAMES.forwardRulePrefix}*]`, reason: 'Reads of the guardrail\'s own forwarding rules, in every member region, for the heartbeat.' },
      { id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:${nagPartition(this)}:sqs:*:${Token.isUnresolved(this.account) ? '<AWS::AccountId>' : this.account}:${NAMES.forwardDeadLetters}]`, reason: 'The depth of the guardrail\'s own dead-letter queue, in every member region, for the heartbeat.' },
    );
    return responder;
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
