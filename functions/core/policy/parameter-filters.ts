import type { ParameterConditionSpec } from './parameter-conditions.ts';

/** One EventBridge pattern branch's parameter test: `requestParameters.<key>` is one of `values`. */
export interface ParameterFilter {
  readonly key: string;
  readonly values: readonly unknown[];
}

/**
 * A rule's parameter conditions as EventBridge filters, or null when they cannot be said exactly enough to
 * forward no less than the detector matches (the pattern then forwards every call of the action).
 *
 * Sound because only this is compiled: a condition on a top-level request parameter (`requestParameters.x`),
 * with `matches` values that are literals (no wildcard: a prefix of "tr*" would match the boolean true as text, which
 * EventBridge's string prefix does not) and no `except`. There the detector matches a
 * scalar value, or an element of an array of scalars, case-insensitively as text; EventBridge matches a scalar,
 * or an array whose intersection with the values is not empty
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html), and each literal is
 * given as `equals-ignore-case` text and, where it reads as one, as the JSON boolean or number CloudTrail writes
 * (`withDecryption: true`, `Days: 7`): https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html.
 * Deeper paths may cross arrays of objects, which EventBridge does not document; they are not compiled.
 * @example parameterFilters([{ path: 'requestParameters.withDecryption', matches: ['true'], except: [] }])
 *   // [{ key: 'withDecryption', values: [true, { 'equals-ignore-case': 'true' }] }]
 */
export function parameterFilters(specs: readonly ParameterConditionSpec[] | undefined): ParameterFilter[] | null {
  if (!specs || specs.length === 0) return null;
  const filters: ParameterFilter[] = [];
  for (const spec of specs) {
    const [section, key, ...deeper] = spec.path.split('.');
    if (section !== 'requestParameters' || !key || deeper.length > 0 || spec.except.length > 0 || !spec.matches) return null;
    const values: unknown[] = [];
    for (const text of spec.matches) {
      const value = literalValues(text);
      if (!value) return null;
      values.push(...value);
    }
    filters.push({ key, values });
  }
  return filters;
}

function literalValues(text: string): unknown[] | null {
  if (text.length === 0 || text.includes('${') || /[*?]/.test(text)) return null;
  const typed: unknown[] = [];
  if (/^(true|false)$/i.test(text)) typed.push(text.toLowerCase() === 'true');
  if (/^-?\d+(\.\d+)?$/.test(text) && String(Number(text)) === text) typed.push(Number(text));
  return [...typed, { 'equals-ignore-case': text }];
}
