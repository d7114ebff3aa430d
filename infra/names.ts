/**
 * Names other stacks and accounts rely on. Every resource the guardrail creates in a member account is
 * named AgentGuardrail…, so changing it is visible (the guardrail's own rules watch these names).
 */
import { GUARDRAIL_ROLES } from '../functions/core/detect/guardrail-principals.ts';
import { FORWARD_DEAD_LETTERS } from '../functions/heartbeat/heartbeat-names.ts';

export const NAMES = {
  bus: 'agent-guardrail',
  guardRole: GUARDRAIL_ROLES.guard,
  overrideRole: GUARDRAIL_ROLES.override,
  guardFunction: 'AgentGuardrail-Guard',
  overrideFunction: 'AgentGuardrail-Override',
  heartbeatRole: GUARDRAIL_ROLES.heartbeat,
  heartbeatFunction: 'AgentGuardrail-Heartbeat',
  responderRole: GUARDRAIL_ROLES.responder,
  responderPolicy: 'AgentGuardrail-Responder',
  scpRole: GUARDRAIL_ROLES.scp,
  /** One per stack instance: IAM is global, so the region is part of the name. */
  forwardRolePrefix: GUARDRAIL_ROLES.forwarderPrefix,
  forwardRulePrefix: 'AgentGuardrail-Forward-',
  forwardDeadLetters: FORWARD_DEAD_LETTERS,
  memberStackSet: 'AgentGuardrail-Member',
  /** The security account's key (state, findings, dead letters): the standing SCP finds it by this alias. */
  keyAlias: 'alias/agent-guardrail',
} as const;
