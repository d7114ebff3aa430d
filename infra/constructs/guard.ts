import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { ruleDeadLetters } from './rule-dead-letters.ts';
import { NAMES } from '../names.ts';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { EventRulePattern } from '../../functions/core/policy/compile-event-patterns.ts';
import { cloudTrailRule } from './cloudtrail-rule.ts';
import type { GuardrailFunction } from './guardrail-function.ts';

export interface GuardRulesProps {
  readonly bus: IEventBus;
  readonly patterns: readonly EventRulePattern[];
  readonly guard: GuardrailFunction;
  readonly alarmTopic: ITopic;
}

/**
 * One rule per compiled event pattern, all feeding the guard function with retries; what retries cannot
 * deliver or process lands in an encrypted dead-letter queue, and a message there raises an alarm.
 */
export class GuardRules extends Construct {
  readonly deadLetterQueue: Queue;
  readonly rules: Rule[];
  readonly deadLetterAlarm: Alarm;
  readonly errorAlarm: Alarm;

  constructor(scope: Construct, id: string, props: GuardRulesProps) {
    super(scope, id);
    // SQS-managed encryption: EventBridge (a rule target's dead letters) writes here as a service, and a
    // customer managed key would have to admit events.amazonaws.com; the queue policy admits each rule.
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      queueName: 'AgentGuardrail-DeadLetters',
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const fn = props.guard.function;
    // Asynchronous invocations (EventBridge → Lambda): retried twice by Lambda, then the DLQ.
    fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6) });
    fn.addEnvironment('DEAD_LETTER_QUEUE', this.deadLetterQueue.queueName);
    // One queue-policy statement for every rule on the bus (rule-dead-letters.ts says why).
    const deadLetters = ruleDeadLetters(this, this.deadLetterQueue, `${NAMES.bus}/AgentGuardrail-*`);
    this.rules = props.patterns.map((p) =>
      cloudTrailRule(this, `Rule-${p.name}`, p, {
        eventBus: props.bus,
        ruleName: `AgentGuardrail-${p.name}`,
        description: `CloudTrail calls of ${p.name} that the policy watches`,
        target: new LambdaFunction(fn, { deadLetterQueue: deadLetters, retryAttempts: 185, maxEventAge: Duration.hours(24) }),
      }),
    );
    // Lambda's own asynchronous failure destination is the same queue.
    const cfn = fn.node.defaultChild as import('aws-cdk-lib/aws-lambda').CfnFunction;
    cfn.deadLetterConfig = { targetArn: this.deadLetterQueue.queueArn };
    this.deadLetterQueue.grantSendMessages(fn);

    this.deadLetterAlarm = new Alarm(this, 'DeadLetterAlarm', {
      alarmName: 'AgentGuardrail-DeadLetters',
      alarmDescription: 'Events the guard could not process after retries: contain by hand and redrive',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.errorAlarm = new Alarm(this, 'ErrorAlarm', {
      alarmName: 'AgentGuardrail-GuardErrors',
      alarmDescription: 'The guard function failed (containment failures are retried)',
      metric: fn.metricErrors({ period: Duration.minutes(1) }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.deadLetterAlarm, this.errorAlarm]) alarm.addAlarmAction(new SnsAction(props.alarmTopic));
  }
}
