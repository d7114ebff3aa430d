import type { CloudTrailRecord } from '../cloudtrail/record-schema.ts';
import type { ResponseName } from '../policy/schema.ts';
import type { ResponsePlan } from '../respond/plan-response.ts';
import type { Principal } from './principal.ts';
import type { SignalName } from './signals/signal.ts';

export const VERDICTS = ['allow', 'violation', 'protected', 'exempt', 'invalid'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** What detection concluded about one event. The first ten fields are the replay JSON contract. */
export interface Finding {
  readonly eventID: string | null;
  readonly eventName: string | null;
  readonly account: string | null;
  readonly principal: string | null;
  readonly agent: boolean;
  readonly signals: readonly SignalName[];
  readonly verdict: Verdict;
  readonly rule: string | null;
  readonly response: ResponseName | null;
  readonly reason: string;
  /** True for a violation found when its session's AssumeRole arrived after the call. */
  readonly late: boolean;
  /** Evidence for planning and reports; null for invalid input. */
  readonly detail: FindingDetail | null;
}

export interface FindingDetail {
  readonly record: CloudTrailRecord;
  readonly action: string;
  readonly principal: Principal;
  readonly signalEvidence: readonly string[];
  readonly plan: ResponsePlan | null;
  /** aws:userid of the agent sessions recorded on the violating session's role (all bound). */
  readonly agentSessions?: readonly string[];
  /** The roles the agent chained from, each with the agent sessions on it (all bound there too). */
  readonly lineageRoles?: readonly LineageRole[];
  /** Only the session this AssumeRole minted is contained: the caller is a person or pipeline, not an agent. */
  readonly mintedOnly?: boolean;
  /** The agent's lineage (its first session): a containment is remembered there for the sessions it mints next. */
  readonly origin?: string;
}

export interface LineageRole {
  readonly roleArn: string;
  /** aws:userid of the agent's sessions on the role. */
  readonly sessions: readonly string[];
}
