import type { ActionCatalogue } from './action-catalogue.ts';
import { wildcardToRegExp } from './wildcard.ts';

export type ExpansionResult =
  | { readonly ok: true; readonly actions: readonly string[] }
  | { readonly ok: false; readonly problem: string };

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(name.length / 4)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/**
 * Expands an action pattern against the IAM catalogue into canonical `service:Action` names.
 * A pattern that names an unknown service, an unknown action, or a wildcard matching nothing is a problem.
 * @example expandActionPattern('iam:Put*Policy', catalogue) // { ok: true, actions: ['iam:PutGroupPolicy', ...] }
 */
export function expandActionPattern(pattern: string, catalogue: ActionCatalogue): ExpansionResult {
  const [service, name] = pattern.split(':') as [string, string];
  const actions = catalogue.actionsOf(service);
  if (!actions) return { ok: false, problem: `unknown IAM service "${service}" in "${pattern}"` };
  if (!/[*?]/.test(name)) {
    const found = actions.find((action) => action.toLowerCase() === name.toLowerCase());
    if (found) return { ok: true, actions: [`${service}:${found}`] };
    const suggestion = closest(name, actions);
    const hint = suggestion ? ` (did you mean "${service}:${suggestion}"?)` : '';
    return { ok: false, problem: `unknown IAM action "${pattern}"${hint}` };
  }
  const matcher = wildcardToRegExp(name, 'i');
  const matched = actions.filter((action) => matcher.test(action)).map((action) => `${service}:${action}`);
  if (matched.length === 0) return { ok: false, problem: `"${pattern}" matches no IAM action of ${service}` };
  return { ok: true, actions: matched };
}
