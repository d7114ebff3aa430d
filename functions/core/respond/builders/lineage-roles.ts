import type { LineageRole } from '../../detect/finding.ts';
import { principalFromArn } from '../../detect/principal.ts';
import { document, type PolicyStatement } from '../policy-document.ts';
import type { PlannedWrite } from '../response-input.ts';
import { DENY_ACTION_POLICY, ruleDeny } from './deny-action.ts';
import { inlineWrite } from './target.ts';
import { roleSessionConditions } from '../agent-conditions.ts';

interface LineageInput {
  readonly lineage: readonly LineageRole[];
  /** The role the agent was contained in, which its sessions up the chain may not assume again. */
  readonly containedRoleArn: string;
  readonly actionPatterns: readonly string[];
  readonly resourcePatterns: readonly string[];
  readonly action: string;
}

/**
 * On every role the agent chained from, statements bound to each of the agent's sessions there (aws:userid and
 * issue time, one statement each, as on the contained role: lineageConditions in agent-conditions.ts) denying the rule's
 * actions, and one denying them sts:AssumeRole of the contained role: from a parent session the agent could
 * otherwise mint a new session of it, whose name no statement on the contained role can know in advance.
 * Statement ids match the contained role's (DenyAgentLineage + the resource set), so merging stays per rule.
 * @example lineageWrites({ lineage: [{ roleArn: devOpsArn, sessions: ['AROA…:agent-run'] }], ... })[0].name // 'DevOps'
 */
export function lineageWrites(input: LineageInput): PlannedWrite[] {
  const { scopeTag, base } = ruleDeny(input, input.action);
  const writes: PlannedWrite[] = [];
  for (const role of input.lineage) {
    const parent = principalFromArn(role.roleArn);
    if (!parent?.roleName || role.sessions.length === 0) continue;
    const statements: PolicyStatement[] = [];
    // Each session exactly (its name and issue time): a person's later session of the same name is free.
    for (const { sid, condition } of roleSessionConditions(role.sessions)) {
      // The agent chained from the contained role itself: its actions there are denied already, not re-entry.
      if (role.roleArn !== input.containedRoleArn) statements.push({ Sid: `DenyAgentLineage${sid}${scopeTag}`, ...base, Condition: condition });
      statements.push({ Sid: `DenyAgentReentry${sid}`, Effect: 'Deny', Action: 'sts:AssumeRole', Resource: input.containedRoleArn, Condition: condition });
    }
    writes.push(inlineWrite({ target: 'role', account: parent.account, name: parent.roleName }, DENY_ACTION_POLICY, document(statements)));
  }
  return writes;
}
