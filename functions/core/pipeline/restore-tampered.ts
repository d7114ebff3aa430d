import type { Finding } from '../detect/finding.ts';
import { roleNameWritten } from '../detect/tamper.ts';
import { TAMPER_RULE_ID } from '../policy/constants.ts';
import { reapplyContainment, type AppliedChange } from '../respond/apply-response.ts';
import { activeContainments } from '../state/ledger.ts';
import type { EventContext } from './event-context.ts';

/**
 * Tampering removed or changed a guardrail document or tag on a role: put back what the ledger says the
 * guardrail last wrote there, counting what this very event's containment just wrote (`justApplied`, not
 * yet ledgered) as the latest. Ledgered as its own entry.
 */
export async function restoreTampered(finding: Finding, justApplied: readonly AppliedChange[], ctx: EventContext): Promise<void> {
  const record = finding.detail!.record;
  const roleName = roleNameWritten(record);
  if (!roleName) return;
  const account = record.recipientAccountId ?? record.userIdentity.accountId!;
  const roleArn = `arn:${finding.detail!.principal.partition}:iam::${account}:role/${roleName}`;
  const changes = [...activeContainments(await ctx.state.entriesFor(roleArn)).flatMap((e) => e.changes), ...justApplied];
  if (changes.length === 0) return;
  const reapplied = await reapplyContainment(changes, ctx.deps.ports);
  if (reapplied.length === 0) return;
  await ctx.state.write({
    id: ctx.deps.newId(), principalArn: roleArn, account, at: Date.parse(record.eventTime), source: 'guard', eventID: finding.eventID,
    rule: TAMPER_RULE_ID, response: 're-apply', outcome: 'contained', reason: `re-applied after tampering: ${reapplied.join(', ')}`, changes: [],
  });
}
