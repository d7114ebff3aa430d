import type { Finding } from '../detect/finding.ts';
import type { CompiledPolicy } from '../policy/compile-policy.ts';
import { RESPONSE_BUILDERS } from './builders/index.ts';
import type { ResponseEffect, ResponseWrites } from './response-input.ts';
import type { CloudTrailRecord } from '../cloudtrail/record-schema.ts';

/**
 * The writes a violation calls for, as pure data: what the guard would apply through the responder role.
 * Null for anything but a violation. `appliedAt` (the guard's clock) moves the revocation cut-off past the
 * write; without it (plan, replay) the cut-off is a second past the event.
 * @example buildResponse(violation, policy)?.writes[0].policyName // 'AgentGuardrail-DenyActions'
 */
export function buildResponse(finding: Finding, policy: CompiledPolicy, appliedAt?: number): ResponseWrites | null {
  const detail = finding.detail;
  if (finding.verdict !== 'violation' || !detail?.plan || !finding.rule) return null;
  const rule = finding.rule === policy.tamperRule.id ? policy.tamperRule : policy.rules.find((r) => r.id === finding.rule)!;
  const built = RESPONSE_BUILDERS[detail.plan.response]({
    response: detail.plan.response,
    scope: detail.plan.scope,
    principal: detail.principal,
    signals: finding.signals,
    rule,
    action: detail.action,
    at: Date.parse(detail.record.eventTime),
    // IAM's aws:TokenIssueTime has second precision: a second's margin past the write.
    revokeBefore: Math.max(Date.parse(detail.record.eventTime), appliedAt ?? 0) + 1000,
    agents: policy.policy.agents,
  });
  // A key the agent minted is the agent's: deactivated whatever the response (unless nothing is contained).
  const minted = built.cannotContain || detail.plan.response === 'notify' ? [] : mintedKeyEffects(detail.record);
  return minted.length > 0 ? { ...built, effects: [...built.effects, ...minted] } : built;
}

/** The long-term key a successful CreateAccessKey returned (responseElements.accessKey). */
function mintedKeyEffects(record: CloudTrailRecord): ResponseEffect[] {
  if (record.eventSource !== 'iam.amazonaws.com' || record.eventName !== 'CreateAccessKey' || record.errorCode) return [];
  const key = (record.responseElements as { accessKey?: { accessKeyId?: unknown; userName?: unknown } } | null | undefined)?.accessKey;
  if (typeof key?.accessKeyId !== 'string' || typeof key.userName !== 'string' || !/^AKIA[A-Z0-9]{12,124}$/.test(key.accessKeyId)) return [];
  const account = record.recipientAccountId ?? record.userIdentity.accountId!;
  return [{ effect: 'deactivate-access-key', account, userName: key.userName, accessKeyId: key.accessKeyId }];
}
