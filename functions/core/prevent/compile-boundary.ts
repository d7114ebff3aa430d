import { GuardrailError } from '../errors.ts';
import type { ActionCatalogue } from '../policy/action-catalogue.ts';
import type { CompiledPolicy } from '../policy/compile-policy.ts';
import { QUOTAS } from '../respond/policy-document.ts';
import { preventGroups, type PlainStatement as BoundaryStatement } from './pack-actions.ts';

export interface BoundaryDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly BoundaryStatement[];
}

export class BoundaryDoesNotFit extends GuardrailError {
  constructor(message: string) {
    super(message);
    this.name = 'BoundaryDoesNotFit';
  }
}

/**
 * A permission boundary for roles that exist only for agents: everything the role's own policies allow, but
 * never a `prevent: true` rule's actions (on the rule's resources), and never a change to a boundary (which
 * would lift it). A boundary is a managed policy: at most 6,144 characters.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
 */
export function compileBoundary(policy: CompiledPolicy, catalogue: ActionCatalogue): BoundaryDocument {
  const rules = policy.policy.rules.filter((rule) => rule.prevent).map((rule) => policy.rules.find((r) => r.id === rule.id)!);
  const statements: BoundaryStatement[] = [{ Sid: 'WithinTheRolesOwnPolicies', Effect: 'Allow', Action: '*', Resource: '*' }];
  preventGroups(rules, catalogue).forEach(({ resources, patterns }, i) => {
    statements.push({ Sid: `NeverThePreventRules${i}`, Effect: 'Deny', Action: patterns, Resource: resources.length === 1 ? resources[0]! : resources });
  });
  statements.push({ Sid: 'NeverLiftABoundary', Effect: 'Deny', Action: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary', 'iam:PutRolePermissionsBoundary', 'iam:PutUserPermissionsBoundary'], Resource: '*' });
  const boundary: BoundaryDocument = { Version: '2012-10-17', Statement: statements };
  const size = JSON.stringify(boundary).length;
  if (size > QUOTAS.managedPolicyChars) {
    throw new BoundaryDoesNotFit(`the boundary would be ${size} characters; a managed policy holds at most ${QUOTAS.managedPolicyChars}: set prevent on fewer rules or name actions with wildcards`);
  }
  return boundary;
}
