import type { CloudTrailRecord } from '../cloudtrail/record-schema.ts';
import type { SignalName } from '../detect/signals/signal.ts';

/** An agent session recorded from its AssumeRole event. */
export interface AgentSession {
  readonly accessKeyId: string | null;
  /** `roleId:sessionName` (the session's principalId). */
  readonly roleSessionKey: string | null;
  readonly roleArn: string;
  readonly signals: readonly SignalName[];
  /** What marked it ("session tag ai-agent=true"). */
  readonly evidence: string;
  /** Epoch ms; after this the session is gone and the entry may be dropped. */
  readonly expiresAt: number;
}

/** A call that would break a rule if its session turns out to be an agent's (its AssumeRole not yet seen). */
export interface PendingEvent {
  readonly record: CloudTrailRecord;
  readonly expiresAt: number;
}

export interface Exemption {
  readonly principalArn: string;
  readonly until: number;
  readonly reason: string;
}

/**
 * Everything detection remembers between events. In-memory for replay and tests; DynamoDB in Lambda.
 * Times are passed in (event time), never read from a clock, so replay is deterministic.
 */
export interface GuardrailState {
  findSession(keys: SessionKeys, at: number): Promise<AgentSession | null>;
  putSession(session: AgentSession): Promise<void>;
  /** Parks an event under each key until its session's AssumeRole arrives or it expires. */
  addPending(keys: readonly string[], pending: PendingEvent): Promise<void>;
  /** Removes and returns the parked events under any of the keys (each event once). */
  takePending(keys: readonly string[], at: number): Promise<PendingEvent[]>;
  /** Tags of a role, keyed `account/roleName`, lower-cased keys; null when unknown. */
  roleTags(roleKey: string): Promise<ReadonlyMap<string, string> | null>;
  updateRoleTags(roleKey: string, set: ReadonlyMap<string, string>, remove: readonly string[]): Promise<void>;
  exemptionFor(principalArn: string, at: number): Promise<Exemption | null>;
  /** Records a strike and returns how many fall within the window ending at `at`. */
  countStrike(subject: string, at: number, windowMs: number): Promise<number>;
  isQuarantined(roleArn: string): Promise<boolean>;
}

export interface SessionKeys {
  readonly accessKeyId: string | null;
  readonly roleSessionKey: string | null;
}
