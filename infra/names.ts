/**
 * Names other stacks and accounts rely on. Every resource the guardrail creates in a member account is
 * named AgentGuardrail…, so changing it is visible (the guardrail's own rules watch these names).
 */
export const NAMES = {
  bus: 'agent-guardrail',
  guardRole: 'AgentGuardrail-GuardFunction',
  overrideRole: 'AgentGuardrail-OverrideFunction',
  guardFunction: 'AgentGuardrail-Guard',
  overrideFunction: 'AgentGuardrail-Override',
  responderRole: 'AgentGuardrailResponder',
  responderPolicy: 'AgentGuardrail-Responder',
  scpRole: 'AgentGuardrailScpResponder',
  /** One per stack instance: IAM is global, so the region is part of the name. */
  forwardRolePrefix: 'AgentGuardrail-EventForwarder-',
  forwardRulePrefix: 'AgentGuardrail-Forward-',
  forwardDeadLetters: 'AgentGuardrail-ForwardDeadLetters',
  memberStackSet: 'AgentGuardrail-Member',
} as const;
