import type { CloudTrailRecord } from '../../cloudtrail/record-schema.ts';
import type { AgentMatchers } from '../../policy/compile-policy.ts';
import type { AgentSession } from '../../state/guardrail-state.ts';
import type { Principal } from '../principal.ts';

/** Names of the facts that mark activity as agent-driven, as reported in findings. */
export const SIGNAL_NAMES = [
  'mcp-service',
  'mcp-context',
  'session-tag',
  'source-identity',
  'role-tag',
  'principal-arn',
  'user-agent',
] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];

export interface Signal {
  readonly name: SignalName;
  /** What was seen, for the reason text ("invokedBy aws-mcp.amazonaws.com"). */
  readonly evidence: string;
}

export interface SignalContext {
  readonly record: CloudTrailRecord;
  readonly principal: Principal;
  readonly agents: AgentMatchers;
  /** The agent session this call belongs to, when one is known. */
  readonly session: AgentSession | null;
  /** Tags of the session issuer's role, when known. */
  readonly roleTags: ReadonlyMap<string, string> | null;
}

export type SignalDetector = (context: SignalContext) => Signal | null;
