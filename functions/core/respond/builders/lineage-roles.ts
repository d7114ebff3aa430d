import type { LineageRole } from '../../detect/finding.ts';
import { principalFromArn } from '../../detect/principal.ts';
import { document, type PolicyStatement } from '../policy-document.ts';
import type { PlannedWrite } from '../response-input.ts';
import { DENY_ACTION_POLICY, ruleDeny } from './deny-action.ts';
import { inlineWrite } from './target.ts';

interface LineageInput {
  readonly lineage: readonly LineageRole[];
  /** The role the agent was contained in, which its sessions up the chain may not assume again. */
  readonly containedRoleArn: string;
  readonly actionPatterns: readonly string[];
  readonly resourcePatterns: readonly string[];
  readonly action: string;
}

/**
 * On every role the agent chained from, a statement bound to the agent's sessions there (aws:userid, the
 * whole list, as on the contained role: lineageCondition in agent-conditions.ts says why) denying the rule's
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
    const condition = { StringEquals: { 'aws:userid': [...role.sessions] } };
    const reentry: PolicyStatement = { Sid: 'DenyAgentReentry', Effect: 'Deny', Action: 'sts:AssumeRole', Resource: input.containedRoleArn, Condition: condition };
    // The agent chained from the contained role itself: its actions there are denied already, not re-entry.
    const statements: PolicyStatement[] =
      role.roleArn === input.containedRoleArn
        ? [reentry]
        : [{ Sid: `DenyAgentLineage${scopeTag}`, ...base, Condition: condition }, reentry];
    writes.push(inlineWrite({ target: 'role', account: parent.account, name: parent.roleName }, DENY_ACTION_POLICY, document(statements)));
  }
  return writes;
}
