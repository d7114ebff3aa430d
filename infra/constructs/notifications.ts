import { Aws } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface NotificationsProps {
  readonly key: IKey;
  readonly emails: readonly string[];
  /** Name pattern of the CloudWatch alarms that publish to the topic. */
  readonly alarmNamePattern: string;
}

/**
 * The findings topic, encrypted with the guardrail's key, TLS only, with the configured subscribers. The
 * guardrail's CloudWatch alarms publish here too: CloudWatch is a service principal, so both the topic
 * policy and the key policy must admit it (limited to this account's guardrail alarms), or alarms are
 * dropped without a word. https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
export class Notifications extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { topicName: 'agent-guardrail-findings', masterKey: props.key, enforceSSL: true });
    for (const email of props.emails) this.topic.addSubscription(new EmailSubscription(email));
    const cloudwatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    const fromGuardrailAlarms = {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${props.alarmNamePattern}` },
    };
    this.topic.addToResourcePolicy(
      new PolicyStatement({ sid: 'GuardrailAlarms', principals: [cloudwatch], actions: ['sns:Publish'], resources: [this.topic.topicArn], conditions: fromGuardrailAlarms }),
    );
    props.key.addToResourcePolicy(
      new PolicyStatement({ sid: 'GuardrailAlarmsUseKey', principals: [cloudwatch], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'], conditions: fromGuardrailAlarms }),
    );
  }
}
