import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileParameterConditions, type ParameterConditionSpec } from '../../../../functions/core/policy/parameter-conditions.ts';
import { parameterFilters, type ParameterFilter } from '../../../../functions/core/policy/parameter-filters.ts';
import type { CloudTrailRecord } from '../../../../functions/core/cloudtrail/record-schema.ts';

/**
 * EventBridge's matching of one `requestParameters.<key>` filter, as its guide states it: a scalar equals a
 * value (a JSON number or boolean exactly, text with equals-ignore-case), an array matches when any element does.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
function eventBridgeMatches(filters: readonly ParameterFilter[], requestParameters: Record<string, unknown>): boolean {
  return filters.some(({ key, values }) => {
    const value = requestParameters[key];
    if (value === undefined) return false;
    const candidates = Array.isArray(value) ? value : [value];
    return candidates.some((c) =>
      values.some((v) => (typeof v === 'object' && v !== null && 'equals-ignore-case' in v ? typeof c === 'string' && c.toLowerCase() === String((v as Record<string, string>)['equals-ignore-case']).toLowerCase() : c === v)),
    );
  });
}

const record = (requestParameters: Record<string, unknown>) => ({ requestParameters, recipientAccountId: '111122223333', userIdentity: { accountId: '111122223333' } }) as unknown as CloudTrailRecord;

describe('parameterFilters', () => {
  it('compiles top-level literal conditions, with the JSON type CloudTrail writes beside the text', () => {
    expect(parameterFilters([{ path: 'requestParameters.withDecryption', matches: ['true'], except: [] }])).toEqual([{ key: 'withDecryption', values: [true, { 'equals-ignore-case': 'true' }] }]);
    expect(parameterFilters([{ path: 'requestParameters.attribute', matches: ['userData'], except: [] }])).toEqual([{ key: 'attribute', values: [{ 'equals-ignore-case': 'userData' }] }]);
    expect(parameterFilters([{ path: 'requestParameters.days', matches: ['7'], except: [] }])).toEqual([{ key: 'days', values: [7, { 'equals-ignore-case': '7' }] }]);
  });

  it('leaves uncompiled (forwarding the whole action) what it cannot say exactly', () => {
    for (const spec of [
      { path: 'requestParameters.VersioningConfiguration.Status', matches: ['Suspended'], except: [] }, // may cross arrays of objects
      { path: 'requestParameters.instanceType', matches: ['p?.*'], except: [] }, // a wildcard
      { path: 'requestParameters.principal', except: ['${account}'] }, // an exception
      { path: 'requestParameters.userData', except: [] }, // presence only: EventBridge's exists sees leaves only
      { path: 'responseElements.x', matches: ['a'], except: [] },
    ] as ParameterConditionSpec[]) {
      expect(parameterFilters([spec]), spec.path).toBeNull();
    }
    // One uncompilable condition leaves the rule's whole action unfiltered (conditions are OR'd).
    expect(parameterFilters([{ path: 'requestParameters.a', matches: ['x'], except: [] }, { path: 'requestParameters.b', matches: ['x*'], except: [] }])).toBeNull();
  });

  it('is sound: every call the detector matches on its parameters, EventBridge forwards', () => {
    const words = ['true', 'false', 'TRUE', '7', '07', '7.5', 'userData', 'USERDATA', 'Suspended', ''];
    const scalar = fc.oneof(fc.constantFrom(...words), fc.boolean(), fc.constantFrom(0, 7, 7.5, -1), fc.string({ maxLength: 4 }));
    const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.record({ value: scalar }), fc.array(fc.record({ value: scalar }), { maxLength: 2 }));
    const spec = fc.record({ key: fc.constantFrom('a', 'b'), matches: fc.array(fc.constantFrom(...words.filter(Boolean)), { minLength: 1, maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'c'), value), (specs, requestParameters) => {
        const conditions = specs.map((s) => ({ path: `requestParameters.${s.key}`, matches: s.matches, except: [] }));
        const filters = parameterFilters(conditions)!;
        expect(filters).not.toBeNull();
        if (compileParameterConditions(conditions)!(record(requestParameters))) expect(eventBridgeMatches(filters, requestParameters)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});
