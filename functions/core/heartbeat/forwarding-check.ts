import { FORWARD_DEAD_LETTERS } from '../../heartbeat/heartbeat-names.ts';
import type { RuleState } from '../policy/compile-event-patterns.ts';

/** What a member account is expected to have, as deployed by the member StackSet. */
export interface ExpectedForwarding {
  /** Every forwarding rule's name (`AgentGuardrail-Forward-<service>`), one set per member region. */
  readonly ruleNames: readonly string[];
  /** The central bus every forwarding rule targets. */
  readonly busArn: string;
}

/** One forwarding rule as read from the member's default bus; `null` when the rule does not exist. */
export interface ObservedRule {
  readonly name: string;
  readonly state: string | null;
  readonly targetArns: readonly string[];
}

/** One account and region as the heartbeat found it. */
export type MemberObservation =
  | {
      readonly account: string;
      readonly region: string;
      readonly reached: true;
      readonly rules: readonly (ObservedRule | null)[];
      /** Events waiting in the member's forwarding dead-letter queue, or why its depth could not be read. */
      readonly deadLetters: number | { readonly unreadable: string };
    }
  | { readonly account: string; readonly region: string; readonly reached: false; readonly reason: string };

/**
 * Read-only management events (AssumeRole among them) reach a rule only in this state, so a rule merely
 * ENABLED forwards half of what the guard needs: it is as silent as a disabled one for sessions.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html (State)
 */
const REQUIRED_STATE: RuleState = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/**
 * Why an account and region would be silent (events lost, or no containment possible), or an empty list.
 * @example forwardingProblems({ account, region, reached: false, reason: 'AccessDenied' }, expected)
 *   // ['responder role cannot be assumed: AccessDenied']
 */
export function forwardingProblems(observation: MemberObservation, expected: ExpectedForwarding): string[] {
  if (!observation.reached) return [`responder role cannot be assumed: ${observation.reason}`];
  const problems: string[] = [];
  expected.ruleNames.forEach((name, i) => {
    const rule = observation.rules[i];
    if (!rule) return void problems.push(`rule ${name} is missing`);
    if (rule.state !== REQUIRED_STATE) problems.push(`rule ${name} is ${rule.state ?? 'in no state'}, not ${REQUIRED_STATE}`);
    if (!rule.targetArns.includes(expected.busArn)) problems.push(`rule ${name} no longer targets ${expected.busArn}`);
  });
  const { deadLetters } = observation;
  if (typeof deadLetters === 'number') {
    if (deadLetters > 0) problems.push(`${deadLetters} event${deadLetters === 1 ? '' : 's'} in ${FORWARD_DEAD_LETTERS} never reached the guardrail: contain by hand if needed, then redrive`);
  } else {
    problems.push(`${FORWARD_DEAD_LETTERS} cannot be read: ${deadLetters.unreadable}`);
  }
  return problems;
}
