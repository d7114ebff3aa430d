import type { CompiledPolicy } from '../policy/compile-policy.ts';
import type { ApplyPorts } from '../respond/apply-response.ts';
import type { GuardState } from '../state/degradable-state.ts';
import type { RoleTagReader } from './role-tags-on-miss.ts';
import type { AppliedResponses } from './applied-responses.ts';

/** Structured log lines (Powertools' Logger in Lambda). */
export interface LogPort {
  info(message: string, ...fields: Record<string, unknown>[]): void;
  warn(message: string, ...fields: Record<string, unknown>[]): void;
  error(message: string, ...fields: Record<string, unknown>[]): void;
}

/** Where findings and overrides are announced (the SNS topic in Lambda). */
export interface NotifierPort {
  notify(subject: string, message: Record<string, unknown>): Promise<void>;
}

export interface PipelineMetrics {
  count(name: 'Violations' | 'Containments' | 'ContainmentFailures' | 'Rejected' | 'Duplicate' | 'DuplicateInProgress' | 'AlreadyContained'): void;
  /** Milliseconds from the call (CloudTrail eventTime) to containment in place. */
  timeToContain(ms: number): void;
}

/** IAM in each account; `warm` starts the responder's credentials before the response is known. */
export type ContainmentPorts = ApplyPorts & { warm?(account: string): void };

/** What the pipeline runs on: the policy and the ports to state, IAM, notification and logs. */
export interface PipelineDependencies {
  readonly policy: CompiledPolicy;
  /** Detection state and ledger (the DynamoDB table). */
  readonly state: GuardState;
  readonly ports: ContainmentPorts;
  readonly notifier: NotifierPort;
  readonly logger: LogPort;
  readonly newId: () => string;
  /** Wall clock, epoch ms (leases, coalescing, time to contain): passed in, so tests can move it. */
  readonly now: () => number;
  /** Responses this execution environment saw in place, for a few seconds (applied-responses.ts); optional. */
  readonly appliedResponses?: AppliedResponses;
  /** Reads a role's tags from IAM when state has none yet (role-tags-on-miss.ts); optional. */
  readonly readRoleTags?: RoleTagReader;
  /** EMF metrics for the dashboard; optional so tests can leave them out. */
  readonly metrics?: PipelineMetrics;
}
