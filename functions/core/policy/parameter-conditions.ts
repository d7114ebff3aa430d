import type { CloudTrailRecord } from '../cloudtrail/record-schema.ts';
import { wildcardToRegExp } from './wildcard.ts';

/** A rule's parameter condition as written in guardrail.yaml. */
export interface ParameterConditionSpec {
  readonly path: string;
  readonly matches?: readonly string[];
  readonly except: readonly string[];
}

/** Compiled: does the record hold the harmful parameters? */
export type ParameterMatcher = (record: CloudTrailRecord) => boolean;

const ACCOUNT = '${account}';
// Bounds the walk through hostile records: values looked at per condition.
const MAX_VALUES = 1000;

/** Every scalar at `path` (dotted, arrays searched element by element), as text. */
function valuesAt(root: unknown, path: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (value: unknown, depth: number) => {
    if (found.length >= MAX_VALUES || value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const element of value) walk(element, depth);
      return;
    }
    if (depth === path.length) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') found.push(String(value));
      return;
    }
    if (typeof value === 'object' && Object.hasOwn(value, path[depth]!)) walk((value as Record<string, unknown>)[path[depth]!], depth + 1);
  };
  walk(root, 0);
  return found;
}

function compileCondition(spec: ParameterConditionSpec): ParameterMatcher {
  const [section, ...path] = spec.path.split('.') as ['requestParameters' | 'responseElements' | 'additionalEventData', ...string[]];
  // "${account}" stands for the account the call was made in, so "every account but ours" can be said;
  // patterns without it are compiled once.
  const compile = (list: readonly string[]) => {
    const fixed = list.filter((p) => !p.includes(ACCOUNT)).map((p) => wildcardToRegExp(p, 'i'));
    const perAccount = list.filter((p) => p.includes(ACCOUNT));
    return (account: string) => (perAccount.length === 0 ? fixed : [...fixed, ...perAccount.map((p) => wildcardToRegExp(p.replaceAll(ACCOUNT, account), 'i'))]);
  };
  const wantedFor = spec.matches ? compile(spec.matches) : null;
  const unwantedFor = compile(spec.except);
  return (record) => {
    const values = valuesAt(record[section], path);
    if (values.length === 0) return false;
    const account = record.recipientAccountId ?? record.userIdentity.accountId ?? '';
    const wanted = wantedFor ? wantedFor(account) : null;
    const unwanted = unwantedFor(account);
    return values.some((v) => v.length > 0 && (!wanted || wanted.some((p) => p.test(v))) && !unwanted.some((p) => p.test(v)));
  };
}

/**
 * Compiles a rule's parameter conditions: the call matches when any one holds.
 * @example compileParameterConditions([{ path: 'requestParameters.cidrIp', matches: ['*\/0'], except: [] }])!(record)
 */
export function compileParameterConditions(specs: readonly ParameterConditionSpec[] | undefined): ParameterMatcher | null {
  if (!specs || specs.length === 0) return null;
  const conditions = specs.map(compileCondition);
  return (record) => conditions.some((holds) => holds(record));
}
