import { GuardrailError } from '../errors.ts';
import type { ActionCatalogue } from '../policy/action-catalogue.ts';
import type { CompiledPolicy } from '../policy/compile-policy.ts';
import type { AgentCondition } from '../respond/agent-conditions.ts';
import { keepSignalStatements, preventionConditions } from './keep-signal.ts';
import { document, QUOTAS, type PolicyDocument, type PolicyStatement } from '../respond/policy-document.ts';
import { preventGroups } from './pack-actions.ts';

/**
 * AWS attaches at most 5 SCPs to a root, OU or account, FullAWSAccess among them where it is kept: the
 * preventive ones get 4. Each is at most 5,120 characters as submitted (whitespace counts: submitted minified).
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
 */
export const MAX_PREVENTIVE_SCPS = 4;
export const PREVENTIVE_SCP_PREFIX = 'AgentGuardrail-Prevent-';


export class PreventionDoesNotFit extends GuardrailError {
  constructor(message: string) {
    super(message);
    this.name = 'PreventionDoesNotFit';
  }
}

export interface PreventiveScp {
  readonly name: string;
  readonly document: PolicyDocument;
}

export interface PreventiveScps {
  readonly policies: readonly PreventiveScp[];
  readonly summary: {
    readonly rules: readonly string[];
    /** Distinct IAM actions denied (as the catalogue knows them). */
    readonly actions: number;
    /** Action patterns written after packing, per signal. */
    readonly patterns: number;
    /** The IAM conditions each action is denied under (one statement per condition). */
    readonly conditions: readonly string[];
    /** Characters of each policy as submitted. */
    readonly sizes: readonly number[];
    /** Statements that keep the agent marked (keep-signal.ts). */
    readonly keepSignal: number;
  };
}

const size = (statements: readonly (Omit<PolicyStatement, 'Action'> & { Action: string | readonly string[] })[]) => JSON.stringify(document([...statements])).length;

/**
 * The SCPs that deny every `prevent: true` rule's actions to the agent sessions IAM can recognise, one
 * statement per signal (conditions on different keys cannot be ORed in one statement): `StringEquals
 * aws:CalledViaAWSMCP` on the configured MCP services (https://docs.aws.amazon.com/agent-toolkit/latest/userguide/security_iam_id-based-policy-examples.html),
 * `StringEquals aws:PrincipalTag/<key>` per session or role tag, `StringLike aws:SourceIdentity` per prefix,
 * `ArnLike aws:PrincipalArn` of the declared agent principals; then the statements that keep the agent marked
 * (keep-signal.ts). Packed into as few policies as fit, each within the SCP quota as submitted; monitor mode
 * compiles nothing.
 * @example compilePreventiveScps(policy, catalogue).policies[0].name // 'AgentGuardrail-Prevent-1'
 */
export function compilePreventiveScps(policy: CompiledPolicy, catalogue: ActionCatalogue): PreventiveScps {
  const ruleIds = policy.policy.rules.filter((rule) => rule.prevent).map((rule) => rule.id);
  const conditions: AgentCondition[] = preventionConditions(policy.policy.agents);
  if (policy.policy.mode === 'monitor' || conditions.length === 0) {
    return { policies: [], summary: { rules: policy.policy.mode === 'monitor' ? [] : ruleIds, actions: 0, patterns: 0, conditions: conditions.map((c) => c.sid), sizes: [], keepSignal: 0 } };
  }
  const groups = preventGroups(ruleIds.map((id) => policy.rules.find((r) => r.id === id)!), catalogue);
  const actions = groups.reduce((sum, group) => sum + group.actions, 0);

  type Building = Omit<PolicyStatement, 'Action'> & { Action: string[] };
  const policies: Building[][] = [[]];
  const fits = () => size(policies[policies.length - 1]!) <= QUOTAS.scpChars;
  groups.forEach((group, g) => {
    for (const condition of conditions) {
      const open = (part: number, pattern: string): Building => ({
        Sid: `Prevent${condition.sid}G${g}P${part}`, Effect: 'Deny', Action: [pattern], Resource: group.resources.length === 1 ? group.resources[0]! : [...group.resources], Condition: condition.condition,
      });
      let part = 0;
      let statement: Building | null = null;
      for (const pattern of group.patterns) {
        // Grow the statement (or open one) in the current policy while the policy still fits.
        if (statement) statement.Action.push(pattern);
        else policies[policies.length - 1]!.push((statement = open(part, pattern)));
        if (fits()) continue;
        if (statement.Action.length > 1) statement.Action.pop();
        else policies[policies.length - 1]!.pop();
        // This policy is full: the statement goes on in the next one.
        if (policies.length === MAX_PREVENTIVE_SCPS) {
          throw new PreventionDoesNotFit(
            `the prevent rules (${ruleIds.join(', ')}) deny ${actions} actions under ${conditions.length} conditions, more than ${MAX_PREVENTIVE_SCPS} SCPs of ` +
              `${QUOTAS.scpChars} characters hold: set prevent on fewer rules, name actions with wildcards, or recognise agents by fewer session tags`,
          );
        }
        statement = open(++part, pattern);
        policies.push([statement]);
      }
    }
  });
  // The statements that keep the agent marked, after the rules' denials, in the last policy while it fits.
  const prevented = new Set(ruleIds.flatMap((id) => policy.rules.find((r) => r.id === id)!.actions).map((a) => a.toLowerCase()));
  const keep = keepSignalStatements(policy.policy.agents, (action) => prevented.has(action.toLowerCase()));
  for (const statement of keep) {
    const last = policies[policies.length - 1]!;
    last.push({ ...statement, Action: [statement.Action].flat() });
    if (fits()) continue;
    last.pop();
    if (policies.length === MAX_PREVENTIVE_SCPS) {
      throw new PreventionDoesNotFit(`the prevent rules (${ruleIds.join(', ')}) and the ${keep.length} statements that keep the agent marked need more than ${MAX_PREVENTIVE_SCPS} SCPs of ${QUOTAS.scpChars} characters`);
    }
    policies.push([{ ...statement, Action: [statement.Action].flat() }]);
  }
  const documents = policies.filter((statements) => statements.length > 0).map((statements) => document(statements.map((s): PolicyStatement => ({ ...s, Action: s.Action.length === 1 ? s.Action[0]! : s.Action }))));
  return {
    policies: documents.map((doc, i) => ({ name: `${PREVENTIVE_SCP_PREFIX}${i + 1}`, document: doc })),
    summary: {
      rules: ruleIds,
      actions,
      patterns: groups.reduce((sum, group) => sum + group.patterns.length, 0),
      conditions: conditions.map((c) => c.sid),
      sizes: documents.map((doc) => JSON.stringify(doc).length),
      keepSignal: keep.length,
    },
  };
}
