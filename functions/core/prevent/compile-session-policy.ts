import type { ActionCatalogue } from '../policy/action-catalogue.ts';
import type { CompiledPolicy } from '../policy/compile-policy.ts';
import { packServiceActions, type PlainStatement as SessionStatement } from './pack-actions.ts';

/**
 * The plaintext of an AssumeRole session policy is at most 2,048 characters.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html (Policy)
 */
export const SESSION_POLICY_CHARS = 2048;

export interface SessionPolicy {
  readonly document: { readonly Version: '2012-10-17'; readonly Statement: readonly SessionStatement[] };
  /** Rules whose actions the session is denied. */
  readonly included: readonly string[];
  /** Rules that are not, and why: matched on parameters IAM cannot see, or no room left. */
  readonly leftOut: readonly { readonly rule: string; readonly why: string }[];
  /** Characters as submitted. */
  readonly size: number;
}

/**
 * A session policy for an agent's own sessions: everything the role allows (a session policy only narrows),
 * but never a rule's actions, the `prevent: true` rules first, then the others that respond with more than a
 * notification, each as long as the whole still fits. What does not fit, or cannot be said in IAM, is listed.
 */
export function compileSessionPolicy(policy: CompiledPolicy, catalogue: ActionCatalogue): SessionPolicy {
  const statements: SessionStatement[] = [{ Sid: 'AsTheRoleAllows', Effect: 'Allow', Action: '*', Resource: '*' }];
  const included: string[] = [];
  const leftOut: { rule: string; why: string }[] = [];
  const ordered = [...policy.policy.rules.filter((r) => r.prevent), ...policy.policy.rules.filter((r) => !r.prevent && r.response !== 'notify')];
  const render = () => ({ Version: '2012-10-17' as const, Statement: statements });
  for (const raw of ordered) {
    if (raw.match.parameters) {
      leftOut.push({ rule: raw.id, why: 'matches on parameters, which IAM does not see' });
      continue;
    }
    if (raw.match.actions.some((a) => a.startsWith('signin:'))) {
      leftOut.push({ rule: raw.id, why: 'a sign-in event, not an IAM action' });
      continue;
    }
    const rule = policy.rules.find((r) => r.id === raw.id)!;
    const patterns = packServiceActions(rule.actions, catalogue);
    const resources = rule.resourcePatterns;
    statements.push({ Sid: `Never${raw.id.replace(/[^A-Za-z0-9]/g, '')}`, Effect: 'Deny', Action: patterns.length === 1 ? patterns[0]! : patterns, Resource: resources.length === 1 ? resources[0]! : [...resources] });
    if (JSON.stringify(render()).length <= SESSION_POLICY_CHARS) {
      included.push(raw.id);
    } else {
      statements.pop();
      leftOut.push({ rule: raw.id, why: `no room: a session policy holds ${SESSION_POLICY_CHARS} characters` });
    }
  }
  const document = render();
  return { document, included, leftOut, size: JSON.stringify(document).length };
}
