// Names the run time needs without the policy schema (and zod) behind them.

/** Response names as written in guardrail.yaml; each is also a planner key (see respond/). */
export const RESPONSE_NAMES = ['revoke-sessions', 'deny-action', 'quarantine-role', 'scp-deny', 'notify'] as const;
export type ResponseName = (typeof RESPONSE_NAMES)[number];

/** Id of the built-in rule that guards the guardrail's own policies, tags and quarantined roles. */
export const TAMPER_RULE_ID = 'guardrail-tamper';

/** Id of the built-in rule for a caller that minted agent sessions of a role minting one without the signal. */
export const SIGNAL_DROP_RULE_ID = 'guardrail-signal-drop';
