import type { Finding, Verdict } from '../../functions/core/detect/finding.ts';
import type { CompiledPolicy } from '../../functions/core/policy/compile-policy.ts';
import { PlannedResponses, type PlannedResponse } from '../replay/planned-responses.ts';
import { shortPrincipal } from '../table/finding-table.ts';

/** One dot on a principal's timeline. */
export interface TimelineEvent {
  readonly at: number;
  readonly eventName: string;
  readonly verdict: Verdict;
  readonly rule: string | null;
  readonly late: boolean;
}

export interface PrincipalTimeline {
  readonly principal: string;
  readonly account: string;
  readonly events: TimelineEvent[];
  /** Events beyond the ones kept for drawing. */
  dropped: number;
}

export interface ReportedViolation {
  readonly finding: Finding;
  readonly principal: string;
  readonly evidence: readonly string[];
  readonly planned: PlannedResponse | null;
  readonly sessionUnknown: boolean;
}

// Bounds, so a report of a long replay stays a page people can open.
const MAX_TIMELINES = 200;
const MAX_EVENTS_PER_TIMELINE = 2_000;
const MAX_FINDINGS = 1_000;

/**
 * Keeps what the HTML report shows while a replay runs: a timeline of agent-driven activity per principal,
 * every violation with its signals and planned response, and the other findings that are not an allow.
 */
export class ReportCollector {
  readonly timelines = new Map<string, PrincipalTimeline>();
  readonly violations: ReportedViolation[] = [];
  readonly others: { finding: Finding; principal: string }[] = [];
  omittedFindings = 0;
  omittedTimelines = 0;
  private readonly planned: PlannedResponses;

  constructor(policy: CompiledPolicy) {
    this.planned = new PlannedResponses(policy);
  }

  add(finding: Finding, sessionUnknown: boolean): void {
    const principal = shortPrincipal(finding);
    // Every violation is planned, shown or not, so documents merge as the guard would merge them.
    const planned = finding.verdict === 'violation' ? this.planned.plan(finding) : null;
    if (finding.agent || finding.verdict !== 'allow') this.addToTimeline(finding, principal);
    if (finding.verdict === 'allow') return;
    if (this.violations.length + this.others.length >= MAX_FINDINGS) {
      this.omittedFindings++;
      return;
    }
    if (finding.verdict === 'violation') {
      this.violations.push({ finding, principal, evidence: finding.detail?.signalEvidence ?? [], planned, sessionUnknown });
    } else {
      this.others.push({ finding, principal });
    }
  }

  private addToTimeline(finding: Finding, principal: string): void {
    const record = finding.detail?.record;
    if (!record) return;
    const key = `${finding.account}|${principal}`;
    let timeline = this.timelines.get(key);
    if (!timeline) {
      if (this.timelines.size >= MAX_TIMELINES) {
        this.omittedTimelines++;
        return;
      }
      timeline = { principal, account: finding.account ?? '-', events: [], dropped: 0 };
      this.timelines.set(key, timeline);
    }
    if (timeline.events.length >= MAX_EVENTS_PER_TIMELINE && finding.verdict === 'allow') {
      timeline.dropped++;
      return;
    }
    timeline.events.push({ at: Date.parse(record.eventTime), eventName: record.eventName, verdict: finding.verdict, rule: finding.rule, late: finding.late });
  }
}
