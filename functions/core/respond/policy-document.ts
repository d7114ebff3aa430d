/** The subset of the IAM policy grammar the guardrail writes. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/**
 * IAM quotas the guardrail must respect (IAM and STS quotas page; Organizations quotas page). IAM counts
 * policy size without white space.
 */
export const QUOTAS = {
  /** All inline policies of one role together. */
  roleInlineChars: 10_240,
  /** All inline policies of one user together. */
  userInlineChars: 2_048,
  /** One customer-managed policy. */
  managedPolicyChars: 6_144,
  /** Managed policies attached to one role or user (default quota). */
  managedPoliciesPerPrincipal: 10,
  /** One service control policy. */
  scpChars: 5_120,
} as const;

/** Size as IAM counts it: the JSON without white space outside strings. */
export function policySize(document: PolicyDocument): number {
  return JSON.stringify(document).length;
}

export function document(statements: readonly PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

function asList(value: string | readonly string[]): string[] {
  return typeof value === 'string' ? [value] : [...value];
}

function single(values: string[]): string | string[] {
  return values.length === 1 ? values[0]! : values;
}

/**
 * Merges new statements into an existing guardrail document: a statement with the same Sid gains the new
 * actions and resources (sorted, deduplicated) and takes the new condition, so repeating a response
 * updates one document instead of adding another, and applying the same response twice changes nothing.
 * @example mergeDocuments(previous, next).Statement.length // same Sids → same count
 */
export function mergeDocuments(existing: PolicyDocument | null, next: PolicyDocument): PolicyDocument {
  const bySid = new Map((existing?.Statement ?? []).map((s) => [s.Sid, s]));
  for (const statement of next.Statement) {
    const previous = bySid.get(statement.Sid);
    bySid.set(statement.Sid, previous ? { ...statement, Action: [...asList(previous.Action), ...asList(statement.Action)], Resource: [...asList(previous.Resource), ...asList(statement.Resource)] } : statement);
  }
  return document([...bySid.values()].map(normalize).sort((a, b) => a.Sid.localeCompare(b.Sid)));
}

/** One canonical form (sorted, deduplicated, a lone value unwrapped), so equal documents compare equal. */
function normalize(statement: PolicyStatement): PolicyStatement {
  const actions = [...new Set(asList(statement.Action))].sort();
  const resources = [...new Set(asList(statement.Resource))].sort();
  return {
    ...statement,
    Action: single(actions.includes('*') ? ['*'] : actions),
    Resource: single(resources.includes('*') ? ['*'] : resources),
  };
}
