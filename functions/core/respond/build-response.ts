import type { Finding } from '../detect/finding.ts';
import type { CompiledPolicy } from '../policy/compile-policy.ts';
import { RESPONSE_BUILDERS } from './builders/index.ts';
import { IAM_EXPRESSIBLE_SIGNALS } from './plan-response.ts';
import { mergeDocuments } from './policy-document.ts';
import type { PlannedWrite, ResponseInput, ResponseWrites } from './response-input.ts';
import { agentCreations } from './agent-creations.ts';
import { lineageWrites } from './builders/lineage-roles.ts';

/**
 * Where identity policies cannot reach the principal (an Identity Center role: its policies belong to the
 * permission set), an agent IAM can recognise is still contained: the response becomes an agent-scoped SCP on
 * the account (the agent's signals and its own session). What the finding claims to spare (people using the
 * same permission set) stays untouched. Without an IAM-visible signal it stays not contained, and says why.
 */
function withScpFallback(built: ResponseWrites, input: ResponseInput): ResponseWrites {
  const visible = input.signals.some((signal) => IAM_EXPRESSIBLE_SIGNALS.has(signal));
  if (input.principal.kind !== 'role-session' || !visible || input.response === 'notify' || input.response === 'scp-deny') return built;
  const scp = RESPONSE_BUILDERS['scp-deny'](input.response === 'quarantine-role' || input.response === 'revoke-sessions' ? { ...input, rule: { ...input.rule, actionPatterns: ['*'] } } : input);
  if (built.cannotContain) return { ...scp, cannotContain: null };
  // Ready for when the role's policy space turns out to be used up (apply-response.ts).
  return { ...built, scpFallback: scp.writes[0]! };
}

/**
 * What the agent's other sessions (its lineage on other roles) are denied: everything where it is quarantined or
 * its sessions revoked (it would otherwise go on from one of them), else the rule's actions.
 */
function lineageDeny(response: string, rule: { readonly actionPatterns: readonly string[]; readonly resourcePatterns: readonly string[] }) {
  return response === 'quarantine-role' || response === 'revoke-sessions' ? { actionPatterns: ['*'], resourcePatterns: ['*'] } : { actionPatterns: rule.actionPatterns, resourcePatterns: rule.resourcePatterns };
}

/** Writes to the same policy of the same identity become one (applied in parallel, two would race). */
function coalesce(writes: readonly PlannedWrite[]): PlannedWrite[] {
  const byPolicy = new Map<string, PlannedWrite>();
  for (const write of writes) {
    const key = [write.target, write.account, write.name, write.policyName, write.policyType].join('|');
    const earlier = byPolicy.get(key);
    byPolicy.set(key, earlier ? { ...earlier, document: mergeDocuments(earlier.document, write.document) } : write);
  }
  return [...byPolicy.values()];
}

/**
 * The writes a violation calls for, as pure data: what the guard would apply through the responder role.
 * Null for anything but a violation. `appliedAt` (the guard's clock) moves the revocation cut-off past the
 * write; without it (plan, replay) the cut-off is a second past the event.
 * @example buildResponse(violation, policy)?.writes[0].policyName // 'AgentGuardrail-DenyActions'
 */
export function buildResponse(finding: Finding, policy: CompiledPolicy, appliedAt?: number): ResponseWrites | null {
  const detail = finding.detail;
  if (finding.verdict !== 'violation' || !detail?.plan || !finding.rule) return null;
  const builtIn = [policy.tamperRule, policy.signalDropRule].find((r) => r.id === finding.rule);
  const found = builtIn ?? policy.rules.find((r) => r.id === finding.rule)!;
  const rule = detail.plan.denyAll ? { ...found, actionPatterns: ['*'] } : found;
  const revokeBefore = Math.max(Date.parse(detail.record.eventTime), appliedAt ?? 0) + 1000;
  const input = {
    response: detail.plan.response,
    scope: detail.plan.scope,
    principal: detail.principal,
    signals: finding.signals,
    rule,
    action: detail.action,
    at: Date.parse(detail.record.eventTime),
    // IAM's aws:TokenIssueTime has second precision: a second's margin past the write.
    revokeBefore,
    agents: policy.policy.agents,
    agentSessions: detail.agentSessions ?? [],
    ...(detail.plan.bindsOwnSession !== undefined ? { bindsOwnSession: detail.plan.bindsOwnSession } : {}),
  };
  // A person or pipeline minted an agent session after its agent's were revoked: that session is revoked as it
  // is minted (agentCreations), and nothing is written against the caller.
  if (detail.mintedOnly) {
    const created = agentCreations(detail.record, revokeBefore);
    return { writes: created.writes, effects: [], roleTags: {}, cannotContain: created.writes.length > 0 ? null : 'the minted session could not be named' };
  }
  const contained = withScpFallback(RESPONSE_BUILDERS[detail.plan.response](input), input);
  // The roles the agent chained from are bound too (lineage-roles.ts), wherever the contained role is.
  const fromLineage =
    detail.lineageRoles?.length && detail.principal.arn && detail.plan.response !== 'notify'
      ? lineageWrites({ lineage: detail.lineageRoles, containedRoleArn: detail.principal.arn, ...lineageDeny(detail.plan.response, rule), action: detail.action })
      : [];
  const built = fromLineage.length > 0 ? { ...contained, writes: coalesce([...contained.writes, ...fromLineage]) } : contained;
  // What the agent created in this call is the agent's, contained with it (unless nothing is contained).
  if (built.cannotContain || detail.plan.response === 'notify') return built;
  const created = agentCreations(detail.record, revokeBefore);
  return created.writes.length + created.effects.length > 0
    ? { ...built, writes: [...built.writes, ...created.writes], effects: [...built.effects, ...created.effects] }
    : built;
}
