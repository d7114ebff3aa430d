/** Names other stacks and accounts rely on; the AgentGuardrail prefix also keeps detection off them. */
export const NAMES = {
  bus: 'agent-guardrail',
  guardRole: 'AgentGuardrail-GuardFunction',
  overrideRole: 'AgentGuardrail-OverrideFunction',
  guardFunction: 'AgentGuardrail-Guard',
  overrideFunction: 'AgentGuardrail-Override',
  responderRole: 'AgentGuardrailResponder',
  scpRole: 'AgentGuardrailScpResponder',
  forwardRole: 'AgentGuardrailEventForwarder',
  memberStackSet: 'AgentGuardrail-Member',
} as const;
