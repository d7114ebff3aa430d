import { Aws } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Queue, type IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * The dead-letter queue of many rules' targets, admitting them all in one queue-policy statement. CDK adds one
 * statement per rule (ArnEquals on each rule's ARN), and an SQS queue policy holds at most 20 statements and
 * 8,192 bytes (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html;
 * the same failure: aws/aws-cdk#7732): the rules' targets are given an imported view of the queue, to which CDK
 * adds nothing, and the queue admits EventBridge for the rules named `ruleNamePattern` of its own account and
 * region (ArnLike aws:SourceArn; a rule on a custom bus is `rule/<bus>/<name>`:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html#amazoneventbridge-resources-for-iam-policies).
 * @example const dlq = ruleDeadLetters(this, queue, 'AgentGuardrail-Forward-*'); // new EventBusTarget(bus, { deadLetterQueue: dlq })
 */
export function ruleDeadLetters(scope: Construct, queue: Queue, ruleNamePattern: string): IQueue {
  queue.addToResourcePolicy(
    new PolicyStatement({
      sid: 'AllowGuardrailRules',
      principals: [new ServicePrincipal('events.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [queue.queueArn],
      conditions: { ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:rule/${ruleNamePattern}` } },
    }),
  );
  return Queue.fromQueueAttributes(scope, `${queue.node.id}ForRules`, { queueArn: queue.queueArn, queueUrl: queue.queueUrl, queueName: queue.queueName });
}
