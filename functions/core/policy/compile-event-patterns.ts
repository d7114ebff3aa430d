import { eventNamesOf } from '../cloudtrail/action-names.ts';
import { ASSUME_ROLE_EVENTS, TOKEN_EVENTS } from '../detect/observe-session.ts';
import { GUARDRAIL_STOPPER_ACTIONS } from '../detect/guardrail-stoppers.ts';
import { GUARDRAIL_WATCHED_IAM_EVENTS } from '../detect/tamper.ts';
import type { CompiledPolicy } from './compile-policy.ts';

/** EventBridge's default event-pattern size quota is 2,048 characters (adjustable to 4,096). */
export const MAX_PATTERN_CHARS = 2048;
export const CLOUDTRAIL_API_CALL = 'AWS API Call via CloudTrail';
/**
 * Console sign-in events (signin.amazonaws.com: ConsoleLogin, SwitchRole, ...) reach EventBridge under
 * their own detail-type: "AWS Console Sign In via CloudTrail" as delivered and as rules in the wild match
 * it; the EventBridge guide spells it "AWS Console Signin via CloudTrail". Both are matched.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 */
export const CONSOLE_SIGN_IN = ['AWS Console Sign In via CloudTrail', 'AWS Console Signin via CloudTrail'] as const;
const SIGN_IN_SOURCE = 'signin.amazonaws.com';

/**
 * EventBridge rule states. ENABLED rules never receive read-only management events delivered through
 * CloudTrail (sts:AssumeRole*, Get*, List*, Describe*); only ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS does.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html (State)
 */
export type RuleState = 'ENABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/** Events from AWS services have a source starting with "aws."; custom events may not use that prefix. */
export const AWS_SOURCE = { prefix: 'aws.' } as const;

export interface EventRulePattern {
  /** Stable name suffix: the service, and a part number when one service needs several rules. */
  readonly name: string;
  /** The state the rule needs to receive every event its pattern names. */
  readonly state: RuleState;
  readonly pattern: {
    readonly source: readonly [typeof AWS_SOURCE];
    readonly 'detail-type': readonly string[];
    readonly detail: { readonly eventSource: readonly string[]; readonly eventName: readonly unknown[] };
  };
}

function key(name: string | { prefix: string }): string {
  return typeof name === 'string' ? name : `prefix:${name.prefix}`;
}

/**
 * Compiles the policy into EventBridge event patterns: a coarse filter by eventSource and eventName that
 * keeps invocations down, plus what detection must always see (AssumeRole* for sessions, IAM role tag
 * and guardrail-policy changes for tamper). The in-process matcher stays the exact check.
 * @example compileEventPatterns(policy).map((p) => p.name) // ['cloudtrail', 'iam', 'kms', 's3', 'sts', ...]
 */
export function compileEventPatterns(policy: CompiledPolicy): EventRulePattern[] {
  const bySource = new Map<string, Map<string, string | { prefix: string }>>();
  const add = (eventSource: string, name: string | { prefix: string }) => {
    const names = bySource.get(eventSource) ?? new Map();
    names.set(key(name), name);
    bySource.set(eventSource, names);
  };
  for (const rule of policy.rules) {
    for (const action of rule.actions) {
      const { eventSource, eventNames } = eventNamesOf(action);
      for (const name of eventNames) add(eventSource, name);
    }
  }
  // Sessions are learned where they are minted, whatever the rules watch.
  for (const name of [...ASSUME_ROLE_EVENTS, ...TOKEN_EVENTS]) add('sts.amazonaws.com', name);
  // Launches with a role mint sessions for their launcher (observe-session.ts: delegatedSessionsOf).
  for (const prefix of ['CreateFunction', 'UpdateFunctionConfiguration']) add('lambda.amazonaws.com', { prefix });
  add('ec2.amazonaws.com', 'RunInstances');
  for (const name of GUARDRAIL_WATCHED_IAM_EVENTS) add('iam.amazonaws.com', name);
  // What would stop the guardrail outside IAM is tampering too (guardrail-stoppers.ts).
  for (const action of GUARDRAIL_STOPPER_ACTIONS) {
    const { eventSource, eventNames } = eventNamesOf(action);
    for (const name of eventNames) add(eventSource, name);
  }
  if (policy.agents.roleTags.size > 0) for (const name of ['CreateRole', 'TagRole', 'UntagRole']) add('iam.amazonaws.com', name);

  const patterns: EventRulePattern[] = [];
  for (const eventSource of [...bySource.keys()].sort()) {
    const names = [...bySource.get(eventSource)!.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, n]) => n);
    const service = eventSource.replace('.amazonaws.com', '');
    const build = (eventName: unknown[]) => ({
      source: [AWS_SOURCE] as const,
      'detail-type': eventSource === SIGN_IN_SOURCE ? [...CONSOLE_SIGN_IN] : [CLOUDTRAIL_API_CALL],
      detail: { eventSource: [eventSource], eventName },
    });
    const chunks: unknown[][] = [];
    let chunk: unknown[] = [];
    for (const name of names) {
      if (chunk.length > 0 && JSON.stringify(build([...chunk, name])).length > MAX_PATTERN_CHARS) {
        chunks.push(chunk);
        chunk = [];
      }
      chunk.push(name);
    }
    chunks.push(chunk);
    chunks.forEach((eventName, i) => {
      patterns.push({
        name: chunks.length > 1 ? `${service}-${i + 1}` : service,
        // Every rule takes read-only management events too: which calls CloudTrail marks `readOnly` is not
        // only the Describe/Get/List names (InvokeModel, BatchGetSecretValue are read-only too), and the
        // pattern's event names already limit what arrives to what the policy names.
        state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
        pattern: build(eventName),
      });
    });
  }
  return patterns;
}
