import { GuardrailError } from '../errors.ts';
import type { AgentSignalsConfig } from '../policy/schema.ts';

export class TrustNeedsASignal extends GuardrailError {
  constructor(message: string) {
    super(message);
    this.name = 'TrustNeedsASignal';
  }
}

/** A trust policy statement names its principal, unlike an identity policy's. */
export interface TrustStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Principal: { readonly AWS: string };
  readonly Action: string;
  readonly Condition: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/**
 * The trust policy statements that let `caller` (the agent runner's base identity) assume a role only with
 * the agent's signal: every configured session tag (`aws:RequestTag`, with `sts:TagSession`, the permission
 * to pass tags) and a source identity with a configured prefix (`sts:SourceIdentity`, with
 * `sts:SetSourceIdentity`); a source identity persists across role chaining and cannot be changed. Each action
 * has its own statement, so each condition is read in the request it belongs to. Without these, the caller can
 * mint the same role's session without its signal; with them, the attempt is refused.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html (permissions required to add session tags)
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html (sts:SetSourceIdentity)
 */
export function compileTrust(agents: AgentSignalsConfig, caller: string): TrustStatement[] {
  const tags = Object.entries(agents.sessionTags);
  const prefixes = agents.sourceIdentityPrefixes;
  if (tags.length === 0 && prefixes.length === 0) {
    throw new TrustNeedsASignal('the policy names no agents.sessionTags and no agents.sourceIdentityPrefixes: there is no signal a trust policy could require');
  }
  type Condition = TrustStatement['Condition'];
  const requestTags: Condition = tags.length > 0 ? { StringEquals: Object.fromEntries(tags.map(([key, value]) => [`aws:RequestTag/${key}`, value])) } : {};
  // The tags passed as transitive, so a session the agent chains into from this one carries them too.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html (chaining roles with session tags)
  const transitive: Condition = tags.length > 0 ? { 'ForAnyValue:StringEquals': { 'sts:TransitiveTagKeys': tags.map(([key]) => key) } } : {};
  const sourceIdentity: Condition = prefixes.length > 0 ? { StringLike: { 'sts:SourceIdentity': prefixes.map((prefix) => `${prefix}*`) } } : {};
  const principal = { AWS: caller };
  const statements: TrustStatement[] = [
    { Sid: 'AgentAssumesWithItsSignal', Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', Condition: { ...requestTags, ...sourceIdentity } },
  ];
  if (tags.length > 0) statements.push({ Sid: 'AgentTagsItsSession', Effect: 'Allow', Principal: principal, Action: 'sts:TagSession', Condition: { ...requestTags, 'ForAnyValue:StringEquals': transitive['ForAnyValue:StringEquals']! } });
  if (prefixes.length > 0) statements.push({ Sid: 'AgentSetsItsSourceIdentity', Effect: 'Allow', Principal: principal, Action: 'sts:SetSourceIdentity', Condition: sourceIdentity });
  return statements;
}
