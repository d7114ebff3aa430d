import { actionOf } from '../cloudtrail/action-names.ts';
import type { CloudTrailRecord } from '../cloudtrail/record-schema.ts';
import { roleKeyOf } from '../detect/observe-role-tags.ts';
import { holdsSession, identifyPrincipal } from '../detect/principal.ts';
import { roleNameWritten } from '../detect/tamper.ts';
import type { CompiledPolicy } from '../policy/compile-policy.ts';
import { boundSessionKey, sessionKeysOf, type AgentSession, type Prefetched, type PrefetchKeys, type SessionKeys } from '../state/guardrail-state.ts';
import type { GuardState } from '../state/degradable-state.ts';

/** The identity a containment of this principal writes to: `account/role|user/name`. */
export function identityKeyOf(account: string, target: 'role' | 'user', name: string): string {
  return `${account}/${target}/${name}`;
}

/**
 * The state items detection and containment of one record will read: the caller's session (by access
 * key and by role session), its role's tags, the quarantine flag of a role the call writes to, the
 * principal's exemption, the guardrail's own documents on the principal, and the agent sessions of its role and
 * of its lineage.
 */
export function prefetchKeys(record: CloudTrailRecord, policy: CompiledPolicy): PrefetchKeys {
  const principal = identifyPrincipal(record);
  const account = record.recipientAccountId ?? principal.account;
  const isSession = holdsSession(principal);
  const writtenRole = roleNameWritten(record);
  const target = isSession ? (['role', principal.roleName!] as const) : principal.kind === 'user' && principal.arn ? (['user', principal.arn.slice(principal.arn.lastIndexOf('/') + 1)] as const) : null;
  return {
    sessionKeys: isSession ? sessionKeysOf(principal) : [],
    roleTagKey: isSession && policy.agents.roleTags.size > 0 ? roleKeyOf(principal.account, principal.roleName!) : null,
    quarantineArn: writtenRole ? `arn:${principal.partition}:iam::${account}:role/${writtenRole}` : null,
    exemptionArn: principal.arn,
    identityKey: target ? identityKeyOf(principal.account, target[0], target[1]) : null,
    sessionRoleArn: principal.kind === 'role-session' ? principal.arn : null,
    // The lineage is read for a containment only: asked for where a rule watches the call, so a benign event's
    // batch reads nothing more (a tamper containment reads it on its own).
    lineageOrigin:
      principal.kind === 'role-session' && principal.roleSessionKey && policy.rulesFor(actionOf(record.eventSource, record.eventName)).length > 0
        ? boundSessionKey(principal.roleSessionKey, principal.issuedAt)
        : null,
  };
}

/**
 * The state as one event sees it: reads of prefetched items are answered from the batch, everything else
 * (and anything the event itself changes) goes to the store.
 */
export function withPrefetched(state: GuardState, keys: PrefetchKeys, prefetched: Prefetched): GuardState {
  const sessionKeys = new Set(keys.sessionKeys);
  let roleTags: typeof prefetched.roleTags | undefined = prefetched.roleTags ?? undefined;
  let quarantined: boolean | undefined = prefetched.quarantined;
  let exemption: typeof prefetched.exemption | undefined = prefetched.exemption;
  let documents: typeof prefetched.documents | undefined = prefetched.documents ?? undefined;
  const view: GuardState = Object.create(state) as GuardState;
  return Object.assign(view, {
    async findSession(k: SessionKeys, at: number): Promise<AgentSession | null> {
      const asked = sessionKeysOf(k);
      if (asked.length === 0 || !asked.every((key) => sessionKeys.has(key))) return state.findSession(k, at);
      for (const key of asked) {
        const session = prefetched.sessions.get(key);
        if (session && session.expiresAt >= at) return session;
      }
      return null;
    },
    async lineageSessions(origin: string, at: number) {
      if (origin !== keys.lineageOrigin || !prefetched.lineage) return state.lineageSessions(origin, at);
      return [...prefetched.lineage].filter(([, until]) => until >= at).map(([entry]) => entry);
    },
    async agentSessionsOn(roleArn: string, at: number) {
      if (roleArn !== keys.sessionRoleArn || !prefetched.roleSessions) return state.agentSessionsOn(roleArn, at);
      return [...prefetched.roleSessions].filter(([, until]) => until >= at).map(([key]) => key);
    },
    async putSession(session: AgentSession) {
      for (const key of sessionKeysOf(session)) sessionKeys.delete(key);
      return state.putSession(session);
    },
    // Tags missing from state were read from IAM before this view was made (role-tags-on-miss.ts).
    async roleTags(roleKey: string) {
      return roleKey === keys.roleTagKey && roleTags !== undefined ? roleTags : state.roleTags(roleKey);
    },
    async updateRoleTags(roleKey: string, set: ReadonlyMap<string, string>, remove: readonly string[]) {
      if (roleKey === keys.roleTagKey) roleTags = undefined;
      return state.updateRoleTags(roleKey, set, remove);
    },
    async isQuarantined(roleArn: string) {
      return roleArn === keys.quarantineArn && quarantined !== undefined ? quarantined : state.isQuarantined(roleArn);
    },
    async markQuarantined(roleArn: string, value: boolean) {
      if (roleArn === keys.quarantineArn) quarantined = undefined;
      return state.markQuarantined(roleArn, value);
    },
    async exemptionFor(principalArn: string, at: number) {
      if (principalArn !== keys.exemptionArn || exemption === undefined) return state.exemptionFor(principalArn, at);
      return exemption && exemption.until > at ? exemption : null;
    },
    async addExemption(principalArn: string, until: number, reason: string) {
      if (principalArn === keys.exemptionArn) exemption = undefined;
      return state.addExemption(principalArn, until, reason);
    },
    async writtenDocuments(identityKey: string) {
      return identityKey === keys.identityKey && documents !== undefined ? documents : state.writtenDocuments(identityKey);
    },
    async recordWritten(identityKey: string, policyName: string, document: Parameters<GuardState['recordWritten']>[2]) {
      if (identityKey === keys.identityKey) documents = undefined;
      return state.recordWritten(identityKey, policyName, document);
    },
  });
}
