import type { Principal } from '../detect/principal.ts';
import type { SignalName } from '../detect/signals/signal.ts';
import type { CompiledRule } from '../policy/compile-policy.ts';
import type { AgentSignalsConfig, ResponseName } from '../policy/schema.ts';
import type { PolicyDocument } from './policy-document.ts';
import type { Scope } from './plan-response.ts';

/** Everything a response builder needs; all of it comes from a violation finding and the policy. */
export interface ResponseInput {
  readonly response: ResponseName;
  readonly scope: Scope;
  readonly principal: Principal;
  readonly signals: readonly SignalName[];
  readonly rule: CompiledRule;
  /** The IAM action of the call that broke the rule. */
  readonly action: string;
  /** Event time, epoch ms. */
  readonly at: number;
  /**
   * Revocation cuts tokens issued before this (epoch ms): a second past the time the containment is
   * applied, so tokens minted by the violating call or before the write landed are cut off too.
   */
  readonly revokeBefore: number;
  readonly agents: AgentSignalsConfig;
  /** aws:userid of the agent sessions recorded on the role: all bound beside the violating one. */
  readonly agentSessions?: readonly string[];
  /** The violating session is the agent's own (ResponsePlan.bindsOwnSession); absent: judged by the signals. */
  readonly bindsOwnSession?: boolean;
}

/** One policy the response leaves in place (the plan JSON contract of DESIGN.md §5). */
export interface PlannedWrite {
  readonly target: 'role' | 'user' | 'account';
  readonly account: string;
  /** Role or user name; the account id for an SCP. */
  readonly name: string;
  readonly policyName: string;
  readonly policyType: 'inline' | 'managed' | 'scp';
  readonly document: PolicyDocument;
  /**
   * The identity may be gone (a user the agent minted a key for and then deleted): nothing to contain there,
   * so IAM's NoSuchEntity skips the write instead of failing the containment.
   */
  readonly ifIdentityExists?: true;
}

export interface ResponseWrites {
  readonly writes: readonly PlannedWrite[];
  /** Tags to put on the contained role (quarantine marks the role so tampering is recognised). */
  readonly roleTags: Readonly<Record<string, string>>;
  /** Effects beside the documents: access keys to deactivate (plan shows them under `effects`). */
  readonly effects: readonly ResponseEffect[];
  /** Set when IAM cannot contain this principal here; the finding is reported instead. */
  readonly cannotContain: string | null;
  /**
   * The agent-scoped SCP that contains the agent when the identity's own policy space is used up (inline
   * quota and ten managed policies, which an agent can exhaust beforehand); absent where no IAM-visible
   * signal would keep people on the role out of it.
   */
  readonly scpFallback?: PlannedWrite;
}

/**
 * A response's effect other than a policy document. Only long-term (AKIA) keys are IAM's to deactivate:
 * a temporary (ASIA) key is cut off by aws:TokenIssueTime instead.
 */
export type ResponseEffect =
  | { readonly effect: 'deactivate-access-key'; readonly account: string; readonly userName: string; readonly accessKeyId: string }
  /** Every active long-term key of the user, listed when applied (long-term keys carry no token time). */
  | { readonly effect: 'deactivate-active-keys'; readonly account: string; readonly userName: string }
  /** A console password the agent set: deleted (it cannot be restored; release says so). */
  | { readonly effect: 'delete-login-profile'; readonly account: string; readonly userName: string };

export type ResponseBuilder = (input: ResponseInput) => ResponseWrites;
