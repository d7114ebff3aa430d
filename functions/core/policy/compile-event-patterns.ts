import { eventNamesOf } from '../cloudtrail/action-names.ts';
import { ASSUME_ROLE_EVENTS, TOKEN_EVENTS } from '../detect/observe-session.ts';
import { GUARDRAIL_STOPPER_ACTIONS } from '../detect/guardrail-stoppers.ts';
import { GUARDRAIL_WATCHED_IAM_EVENTS } from '../detect/tamper.ts';
import type { CompiledPolicy } from './compile-policy.ts';
import { parameterFilters, type ParameterFilter } from './parameter-filters.ts';

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
    readonly detail: {
      readonly eventSource: readonly string[];
      readonly eventName: readonly unknown[];
      /** Present when some event names are forwarded only with the parameters their rules match on. */
      readonly $or?: readonly Record<string, unknown>[];
    };
  };
}

/** Why an event name is forwarded: always, or only with one of these parameters (rules' filters, OR'd). */
type Need = 'always' | readonly ParameterFilter[];

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
  const bySource = new Map<string, Map<string, { name: string | { prefix: string }; need: Need }>>();
  const add = (eventSource: string, name: string | { prefix: string }, need: Need = 'always') => {
    const names = bySource.get(eventSource) ?? new Map();
    const before = names.get(key(name))?.need;
    // Forwarded always if any reason needs it always; else with any rule's parameters (union: never less).
    const merged: Need = before === undefined ? need : before === 'always' || need === 'always' ? 'always' : [...before, ...need];
    names.set(key(name), { name, need: merged });
    bySource.set(eventSource, names);
  };
  const specs = new Map(policy.policy.rules.map((rule) => [rule.id, rule.match.parameters]));
  for (const rule of policy.rules) {
    const filters = parameterFilters(specs.get(rule.id));
    for (const action of rule.actions) {
      const { eventSource, eventNames } = eventNamesOf(action);
      // A prefix stands for many names: it is forwarded whole.
      for (const name of eventNames) add(eventSource, name, filters && typeof name === 'string' ? filters : 'always');
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
    const entries = [...bySource.get(eventSource)!.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, entry]) => entry);
    const service = eventSource.replace('.amazonaws.com', '');
    const build = (chunk: typeof entries) => ({
      source: [AWS_SOURCE] as const,
      'detail-type': eventSource === SIGN_IN_SOURCE ? [...CONSOLE_SIGN_IN] : [CLOUDTRAIL_API_CALL],
      detail: { eventSource: [eventSource], eventName: chunk.map((e) => e.name), ...parameterBranches(chunk) },
    });
    const chunks: (typeof entries)[] = [];
    let chunk: typeof entries = [];
    for (const entry of entries) {
      if (chunk.length > 0 && JSON.stringify(build([...chunk, entry])).length > MAX_PATTERN_CHARS) {
        chunks.push(chunk);
        chunk = [];
      }
      chunk.push(entry);
    }
    chunks.push(chunk);
    chunks.forEach((names, i) => {
      patterns.push({
        name: chunks.length > 1 ? `${service}-${i + 1}` : service,
        // Every rule takes read-only management events too: which calls CloudTrail marks `readOnly` is not
        // only the Describe/Get/List names (InvokeModel, BatchGetSecretValue are read-only too), and the
        // pattern's event names already limit what arrives to what the policy names.
        state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
        pattern: build(names),
      });
    });
  }
  return patterns;
}

/**
 * The `$or` that forwards filtered names only with their parameters: one branch for the names always needed,
 * one per parameter filter with the names it applies to. Nothing when every name is always needed.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-complex-example-or
 */
function parameterBranches(entries: readonly { name: string | { prefix: string }; need: Need }[]): { $or?: Record<string, unknown>[] } {
  const always = entries.filter((e) => e.need === 'always').map((e) => e.name);
  const byFilter = new Map<string, { filter: ParameterFilter; names: (string | { prefix: string })[] }>();
  for (const entry of entries) {
    if (entry.need === 'always') continue;
    for (const filter of entry.need) {
      const id = JSON.stringify(filter);
      const group = byFilter.get(id) ?? { filter, names: [] };
      if (!group.names.includes(entry.name)) group.names.push(entry.name);
      byFilter.set(id, group);
    }
  }
  if (byFilter.size === 0) return {};
  const branches: Record<string, unknown>[] = [
    ...(always.length > 0 ? [{ eventName: always }] : []),
    ...[...byFilter.values()].map(({ filter, names }) => ({ eventName: names, requestParameters: { [filter.key]: filter.values } })),
  ];
  // EventBridge's $or takes two branches or more; one branch is the pattern itself.
  return branches.length === 1 ? (branches[0] as { $or?: never }) : { $or: branches };
}
