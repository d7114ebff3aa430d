import type { EventRulePattern } from '../../functions/core/policy/compile-event-patterns.ts';

/** The parts of a CloudTrail event the compiled patterns look at. */
export interface PatternInput {
  readonly eventSource: string;
  readonly eventName: string;
  readonly requestParameters: Readonly<Record<string, unknown>>;
}

/**
 * Whether a compiled pattern forwards a management API call: the subset of EventBridge's matching the compiler
 * emits (event names as text or prefix, `$or` branches, request parameters as typed values or
 * equals-ignore-case text, arrays matching on any element). The twin's delivery tests check the same patterns
 * with moto's matcher. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export function patternForwards(pattern: EventRulePattern['pattern'], input: PatternInput): boolean {
  const { detail } = pattern;
  if (!detail.eventSource.includes(input.eventSource) || !nameMatches(detail.eventName, input.eventName)) return false;
  const branches = detail.$or as readonly { eventName: readonly unknown[]; requestParameters?: Record<string, readonly unknown[]> }[] | undefined;
  const single = (detail as { requestParameters?: Record<string, readonly unknown[]> }).requestParameters;
  if (!branches) return !single || parametersMatch(single, input.requestParameters);
  return branches.some((b) => nameMatches(b.eventName, input.eventName) && (!b.requestParameters || parametersMatch(b.requestParameters, input.requestParameters)));
}

function nameMatches(names: readonly unknown[], name: string): boolean {
  return names.some((n) => (typeof n === 'string' ? n === name : typeof n === 'object' && n !== null && 'prefix' in n && name.startsWith(String((n as { prefix: string }).prefix))));
}

function parametersMatch(filters: Record<string, readonly unknown[]>, parameters: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(filters).every(([key, values]) => {
    const value = parameters[key];
    if (value === undefined) return false;
    return (Array.isArray(value) ? value : [value]).some((v) =>
      values.some((p) => (typeof p === 'object' && p !== null && 'equals-ignore-case' in p ? typeof v === 'string' && v.toLowerCase() === String((p as Record<string, string>)['equals-ignore-case']).toLowerCase() : v === p)),
    );
  });
}
