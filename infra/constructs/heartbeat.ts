import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import type { PolicyBundle } from '../../functions/config/runtime-policy.ts';
import { HEARTBEAT_METRICS } from '../../functions/heartbeat/heartbeat-names.ts';
import { GuardrailFunction } from './guardrail-function.ts';

export interface HeartbeatProps {
  readonly entry: string;
  readonly functionName: string;
  readonly roleName: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly policyBundle: PolicyBundle;
  /** Every member account's responder role (by name, in any account). */
  readonly responderRoleArns: string;
  readonly alarmTopic: ITopic;
  readonly every: Duration;
}

/**
 * A scheduled check that every member account still forwards to the guardrail and can still be contained:
 * EventBridge Scheduler runs the heartbeat function, which assumes each account's responder role (read-only
 * session) and reads its forwarding rules. One alarm per silent account (a Metrics Insights query grouped by
 * account: each account is a contributor, named in the alarm), one when the heartbeat itself stops.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Metrics_Insights_Alarm.html
 */
export class Heartbeat extends Construct {
  readonly function: GuardrailFunction;
  readonly silentAccountAlarm: Alarm;
  readonly stoppedAlarm: Alarm;

  constructor(scope: Construct, id: string, props: HeartbeatProps) {
    super(scope, id);
    this.function = new GuardrailFunction(this, 'Function', {
      entry: props.entry,
      functionName: props.functionName,
      roleName: props.roleName,
      environment: props.environment,
      policyBundle: props.policyBundle,
      reservedConcurrency: 1,
      timeout: Duration.minutes(5),
    });
    this.function.role.addToPolicy(
      new PolicyStatement({
        sid: 'ReadDeploymentTargets',
        actions: ['organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'],
        resources: ['*'],
      }),
    );
    this.function.role.addToPolicy(new PolicyStatement({ sid: 'AssumeResponderRoles', actions: ['sts:AssumeRole'], resources: [props.responderRoleArns] }));

    // Scheduler's own role, confined to this account's default schedule group (confused deputy), invoking
    // this function only. https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html
    const stack = Stack.of(this);
    const schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }) } },
      }),
    });
    new Schedule(this, 'Schedule', {
      scheduleName: props.functionName,
      description: 'agent-guardrail: every member account still forwards events and can still be contained',
      schedule: ScheduleExpression.rate(props.every),
      // A run missed for long is not worth making up: the next one is due.
      target: new LambdaInvoke(this.function.function, { role: schedulerRole, retryAttempts: 2, maxEventAge: Duration.minutes(10) }),
    });
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.function.function.node.defaultChild as import('aws-cdk-lib').CfnElement)}.Arn>:*]`,
      reason: 'Versions and aliases of the heartbeat function only, as granted by the scheduler target.',
    });

    const { namespace, service, silent, completed } = HEARTBEAT_METRICS;
    this.silentAccountAlarm = new Alarm(this, 'SilentAccount', {
      alarmName: 'AgentGuardrail-SilentAccount',
      alarmDescription: 'A member account no longer forwards events to the guardrail, or its responder role cannot be assumed: the contributor names the account; the heartbeat log says why.',
      metric: new MathExpression({
        expression: `SELECT MAX(${silent}) FROM SCHEMA("${namespace}", Account, service) WHERE service = '${service}' GROUP BY Account`,
        period: props.every,
        label: 'silent',
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    // No completed heartbeat in two periods: stopped, failing or unable to list the organization.
    this.stoppedAlarm = new Alarm(this, 'Stopped', {
      alarmName: 'AgentGuardrail-HeartbeatStopped',
      alarmDescription: 'The heartbeat has not completed: member accounts are not being checked.',
      metric: new MathExpression({
        expression: `SELECT SUM(${completed}) FROM SCHEMA("${namespace}", service) WHERE service = '${service}'`,
        period: props.every,
        label: 'completed',
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: TreatMissingData.BREACHING,
    });
    for (const alarm of [this.silentAccountAlarm, this.stoppedAlarm]) alarm.addAlarmAction(new SnsAction(props.alarmTopic));
  }
}
