import type { Finding } from '../detect/finding.ts';
import type { CompiledPolicy } from '../policy/compile-policy.ts';
import { RESPONSE_BUILDERS } from './builders/index.ts';
import type { ResponseWrites } from './response-input.ts';
import { agentCreations } from './agent-creations.ts';

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
  const rule = builtIn ?? policy.rules.find((r) => r.id === finding.rule)!;
  const revokeBefore = Math.max(Date.parse(detail.record.eventTime), appliedAt ?? 0) + 1000;
  const built = RESPONSE_BUILDERS[detail.plan.response]({
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
  });
  // What the agent created in this call is the agent's, contained with it (unless nothing is contained).
  if (built.cannotContain || detail.plan.response === 'notify') return built;
  const created = agentCreations(detail.record, revokeBefore);
  return created.writes.length + created.effects.length > 0
    ? { ...built, writes: [...built.writes, ...created.writes], effects: [...built.effects, ...created.effects] }
    : built;
}
