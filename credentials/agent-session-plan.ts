import type { ActionCatalogue } from '../functions/core/policy/action-catalogue.ts';
import type { CompiledPolicy } from '../functions/core/policy/compile-policy.ts';
import { compileSessionPolicy, type SessionPolicy } from '../functions/core/prevent/compile-session-policy.ts';
import { GuardrailError } from '../functions/core/errors.ts';

export class AgentSessionError extends GuardrailError {
  constructor(message: string) {
    super(message);
    this.name = 'AgentSessionError';
  }
}

/** What an agent's AssumeRole carries: every signal the guardrail and IAM recognise it by. */
export interface AgentSessionPlan {
  readonly roleSessionName: string;
  readonly sourceIdentity: string | null;
  readonly tags: readonly { readonly Key: string; readonly Value: string }[];
  /** All of them: a session the agent chains into keeps its tags. */
  readonly transitiveTagKeys: readonly string[];
  readonly sessionPolicy: SessionPolicy;
}

// RoleSessionName and SourceIdentity: 2-64 of [\w+=,.@-]; a source identity may not start with "aws:".
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
const STS_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * The AssumeRole an agent named `agentName` makes under this policy: the policy's session tags, all
 * transitive; a source identity of the first configured prefix and the agent's name (it persists across
 * role chaining and cannot be changed); a session policy denying the rules' actions.
 * @example agentSessionPlan(policy, catalogue, 'coder').sourceIdentity // 'agent-coder'
 */
export function agentSessionPlan(policy: CompiledPolicy, catalogue: ActionCatalogue, agentName: string): AgentSessionPlan {
  const { sessionTags, sourceIdentityPrefixes } = policy.policy.agents;
  const prefix = sourceIdentityPrefixes[0] ?? '';
  const name = `${prefix}${agentName}`;
  if (!STS_NAME.test(name) || name.toLowerCase().startsWith('aws:')) {
    throw new AgentSessionError(`agent name ${JSON.stringify(agentName)} makes ${JSON.stringify(name)}: a session name and source identity are 2-64 of letters, digits and +=,.@_-`);
  }
  const tags = Object.entries(sessionTags).map(([Key, Value]) => ({ Key, Value }));
  if (tags.length === 0 && sourceIdentityPrefixes.length === 0) {
    throw new AgentSessionError('the policy names no agents.sessionTags and no agents.sourceIdentityPrefixes: the session would carry no signal IAM or the guardrail could see');
  }
  return {
    roleSessionName: name,
    sourceIdentity: sourceIdentityPrefixes.length > 0 ? name : null,
    tags,
    transitiveTagKeys: tags.map((tag) => tag.Key),
    sessionPolicy: compileSessionPolicy(policy, catalogue),
  };
}
