import { CfnRule, Match, Rule, type IEventBus, type IRuleTarget } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import type { EventRulePattern } from '../../functions/core/policy/compile-event-patterns.ts';

export interface CloudTrailRuleProps {
  readonly eventBus: IEventBus;
  readonly ruleName: string;
  readonly description: string;
  readonly target: IRuleTarget;
}

/**
 * A rule for one compiled pattern, on the member accounts' default bus or the central bus alike: AWS
 * sources only, CloudTrail API calls, the named events, in the state the pattern needs.
 */
export function cloudTrailRule(scope: Construct, id: string, p: EventRulePattern, props: CloudTrailRuleProps): Rule {
  const rule = new Rule(scope, id, {
    eventBus: props.eventBus,
    ruleName: props.ruleName,
    description: props.description,
    eventPattern: {
      // Custom events may not use an "aws." source, so this keeps events any principal can put off the rule.
      // https://docs.aws.amazon.com/scheduler/latest/UserGuide/API_EventBridgePutEventsV2Parameters.html
      source: Match.prefix(p.pattern.source[0].prefix),
      detailType: [...p.pattern['detail-type']],
      detail: p.pattern.detail as Record<string, unknown>,
    },
    targets: [props.target],
  });
  // The L2 Rule only knows enabled/disabled; read-only management events (sts:AssumeRole*, Get*, List*,
  // Describe*) reach only rules in ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS.
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html
  (rule.node.defaultChild as CfnRule).state = p.state;
  return rule;
}
