import type { ActionCatalogue } from '../policy/action-catalogue.ts';

/**
 * The fewest IAM action patterns of one service that match exactly a set of its actions, as far as the IAM
 * catalogue knows: `Prefix*` is used only where every catalogue action starting with Prefix is in the set,
 * so a pattern never widens to an action no rule names. Names are compared as IAM does, case-insensitively.
 * @example packActions('s3', ['DeleteBucket', 'DeleteBucketPolicy', ...], catalogue) // ['s3:DeleteBucket*', ...]
 */
export function packActions(service: string, wanted: readonly string[], catalogue: readonly string[]): string[] {
  const want = new Set(wanted.map((a) => a.toLowerCase()));
  const known = [...new Set([...catalogue, ...wanted].map((a) => a.toLowerCase()))].sort();
  if (want.size === 0) return [];
  // A service the catalogue does not know: nothing says what a wildcard would take in, so names only.
  if (catalogue.length === 0) return [...new Set(wanted)].sort().map((name) => `${service}:${name}`);
  if (known.every((a) => want.has(a))) return [`${service}:*`];
  const spelled = new Map([...catalogue, ...wanted].map((a) => [a.toLowerCase(), a]));
  const patterns: string[] = [];
  // Walk the wanted names in order; for each not yet covered, take the shortest prefix whose whole catalogue
  // range is wanted (a prefix's actions are contiguous in sorted order).
  const sorted = [...want].sort();
  let i = 0;
  while (i < sorted.length) {
    const name = sorted[i]!;
    let chosen = name;
    let covered = [name];
    for (let length = 1; length < name.length; length++) {
      const prefix = name.slice(0, length);
      const range = known.filter((a) => a.startsWith(prefix));
      if (range.every((a) => want.has(a))) {
        chosen = `${prefix}*`;
        covered = range;
        break;
      }
    }
    // The exact name, unless a prefix covering several names is shorter written out.
    const original = spelled.get(name) ?? name;
    const pattern = chosen.endsWith('*') && covered.length > 1 ? `${service}:${(spelled.get(covered[0]!) ?? covered[0]!).slice(0, chosen.length - 1)}*` : `${service}:${original}`;
    patterns.push(pattern);
    const done = new Set(chosen.endsWith('*') && covered.length > 1 ? covered : [name]);
    while (i < sorted.length && done.has(sorted[i]!)) i++;
  }
  return patterns;
}

/** Whether an IAM action pattern (`svc:Name*`, `svc:*`) matches an action, as IAM matches: case-insensitively. */
export function patternMatches(pattern: string, action: string): boolean {
  const escaped = pattern.toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`).test(action.toLowerCase());
}

/**
 * Canonical actions (`service:Name`) of any services, packed service by service (packActions), in a stable order.
 * @example packServiceActions(['s3:DeleteBucket', 'iam:PutRolePolicy'], catalogue) // ['iam:PutRolePolicy', 's3:DeleteBucket']
 */
export function packServiceActions(actions: Iterable<string>, catalogue: ActionCatalogue): string[] {
  const byService = new Map<string, string[]>();
  for (const action of actions) {
    const [service, name] = action.split(':') as [string, string];
    byService.set(service, [...(byService.get(service) ?? []), name]);
  }
  return [...byService.entries()].sort(([a], [b]) => a.localeCompare(b)).flatMap(([service, names]) => packActions(service, names, catalogue.actionsOf(service) ?? []));
}

/** A statement of a document the guardrail hands out (boundary, session policy): an allow or a deny, no condition. */
export interface PlainStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
}

/** The prevent rules' actions packed per service, one group per resource set (rule resources carry over). */
export interface PreventGroup {
  readonly resources: readonly string[];
  readonly patterns: readonly string[];
  /** Distinct actions of the group, before packing. */
  readonly actions: number;
}

export function preventGroups(
  rules: readonly { readonly actions: readonly string[]; readonly resourcePatterns: readonly string[] }[],
  catalogue: ActionCatalogue,
): PreventGroup[] {
  const byResources = new Map<string, Set<string>>();
  for (const rule of rules) {
    const key = JSON.stringify([...rule.resourcePatterns].sort());
    byResources.set(key, new Set([...(byResources.get(key) ?? []), ...rule.actions]));
  }
  return [...byResources.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, actions]) => ({ resources: JSON.parse(key) as string[], patterns: packServiceActions(actions, catalogue), actions: actions.size }));
}
