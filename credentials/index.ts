// agent-guardrail/credentials: the credential provider for self-managed MCP servers and agent runners.
export { fromAgentSession, REFRESH_BEFORE_EXPIRY_MS, type AgentSessionOptions, type AgentSessionProvider } from './from-agent-session.ts';
export { agentSessionPlan, AgentSessionError, type AgentSessionPlan } from './agent-session-plan.ts';
