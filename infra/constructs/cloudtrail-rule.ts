import { CfnRule, Match, type EventPattern, type Rule } from 'aws-cdk-lib/aws-events';
import type { EventRulePattern } from '../../functions/core/policy/compile-event-patterns.ts';

/** The CDK event pattern of a compiled pattern: AWS sources only, CloudTrail API calls, the named events. */
export function cloudTrailEventPattern(p: EventRulePattern): EventPattern {
  return {
    // Custom events may not use an "aws." source, so this keeps events any principal can put off the rule.
    // https://docs.aws.amazon.com/scheduler/latest/UserGuide/API_EventBridgePutEventsV2Parameters.html
    source: Match.prefix(p.pattern.source[0].prefix),
    detailType: [...p.pattern['detail-type']],
    detail: p.pattern.detail as Record<string, unknown>,
  };
}

/**
 * Sets the rule state the pattern needs. The L2 Rule only knows enabled/disabled; read-only management
 * events (sts:AssumeRole*, Get*, List*, Describe*) reach only rules in
 * ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html
 */
export function applyRuleState(rule: Rule, p: EventRulePattern): void {
  (rule.node.defaultChild as CfnRule).state = p.state;
}
