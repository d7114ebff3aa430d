import type { Finding, Verdict } from '../../functions/core/detect/finding.ts';

/** What a replay found, adding up: allow + violation + protected + exempt + invalid = events. */
export interface ReplaySummary {
  events: number;
  agentEvents: number;
  allow: number;
  violation: number;
  protected: number;
  exempt: number;
  invalid: number;
  /** Events first allowed, then found to be an agent's when their session's AssumeRole arrived later. */
  late: number;
  /** Events of sessions whose AssumeRole was not in the replay (their tags cannot be known). */
  sessionUnknownEvents: number;
  unknownSessions: number;
  /** Calls of unknown sessions that stopped waiting for their AssumeRole, to bound memory (oldest first). */
  parkedGivenUp: number;
  /** Rows printed after --verdict, --rule, --account (and, in the table, the allow rows left out). */
  shown: number;
  /** Records read again under an eventID already read (overlapping trails): not counted in `events`. */
  duplicates: number;
}

export function emptySummary(): ReplaySummary {
  return { events: 0, agentEvents: 0, allow: 0, violation: 0, protected: 0, exempt: 0, invalid: 0, late: 0, sessionUnknownEvents: 0, unknownSessions: 0, parkedGivenUp: 0, shown: 0, duplicates: 0 };
}

/**
 * Counts a finding. A late finding re-judges an event already counted as allowed when it was parked, so it
 * moves that event from allow to its new verdict: each event is counted once.
 */
export function countFinding(summary: ReplaySummary, finding: Finding, sessionUnknown: boolean): void {
  if (finding.late) {
    // The event was parked because its session's AssumeRole had not been seen: it was counted as allowed
    // and of an unknown session, and is neither now.
    summary.late++;
    summary.allow--;
    summary.sessionUnknownEvents--;
    summary[finding.verdict satisfies Verdict]++;
    if (finding.agent) summary.agentEvents++;
    return;
  }
  summary.events++;
  if (finding.agent) summary.agentEvents++;
  if (sessionUnknown) summary.sessionUnknownEvents++;
  summary[finding.verdict]++;
}
