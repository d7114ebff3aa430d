import type { CloudTrailRecord } from '../../functions/core/cloudtrail/record-schema.ts';
import type { Finding } from '../../functions/core/detect/finding.ts';
import { ASSUME_ROLE_EVENTS } from '../../functions/core/detect/observe-session.ts';

/**
 * Which role sessions were minted inside the replay. Session tags show only in the AssumeRole event, so a
 * replay that starts after a session's AssumeRole cannot know whether the session is an agent's: its calls
 * are marked `session: unknown` and the sessions counted, rather than read as a human's.
 */
export class MintedSessions {
  private readonly minted = new Set<string>();
  private readonly unknown = new Set<string>();

  /** Learns the keys of a session minted by this record, if it is an AssumeRole. */
  observe(record: CloudTrailRecord): void {
    if (record.eventSource !== 'sts.amazonaws.com' || !ASSUME_ROLE_EVENTS.has(record.eventName)) return;
    const response = record.responseElements as { credentials?: { accessKeyId?: unknown }; assumedRoleUser?: { assumedRoleId?: unknown } } | null | undefined;
    const key = response?.credentials?.accessKeyId;
    const roleSession = response?.assumedRoleUser?.assumedRoleId;
    if (typeof key === 'string') this.minted.add(key);
    if (typeof roleSession === 'string') this.minted.add(roleSession);
  }

  /**
   * True when the finding is a call of a role session whose AssumeRole the replay has not seen and no other
   * signal already marks as an agent's: its verdict could change if the session carried agent tags.
   */
  isUnknown(finding: Finding): boolean {
    const principal = finding.detail?.principal;
    if (!principal || principal.kind !== 'role-session' || finding.agent) return false;
    const key = principal.accessKeyId ?? principal.roleSessionKey;
    if (key === null || this.minted.has(key) || (principal.roleSessionKey && this.minted.has(principal.roleSessionKey))) return false;
    this.unknown.add(key);
    return true;
  }

  /** Sessions seen calling whose AssumeRole never appeared in the replay. */
  unknownCount(): number {
    let count = 0;
    for (const key of this.unknown) if (!this.minted.has(key)) count++;
    return count;
  }
}
