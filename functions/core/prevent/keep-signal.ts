import type { AgentSignalsConfig } from '../policy/schema.ts';
import { agentConditions, sidPart, type AgentCondition } from '../respond/agent-conditions.ts';
import type { PolicyStatement } from '../respond/policy-document.ts';

/**
 * Calls that mint credentials IAM could no longer tell from a person's: long-term keys and console passwords,
 * and temporary credentials that carry no session tag or source identity of the agent's.
 */
export const MINTING_ACTIONS = ['iam:CreateAccessKey', 'iam:CreateLoginProfile', 'iam:UpdateLoginProfile', 'sts:GetFederationToken', 'sts:GetSessionToken'] as const;

type Condition = NonNullable<PolicyStatement['Condition']>;

/**
 * The role ARN patterns `aws:PrincipalArn` can hold for the declared agent principals: IAM sets it to the role's
 * ARN for a role session, so an assumed-role pattern is written as its role's (only where it takes every session
 * of the role: a pattern on session names has no IAM key to match). Others (a user's, a role's) are kept as they are.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html (aws:PrincipalArn)
 */
export function principalArnConditionPatterns(patterns: readonly string[]): string[] {
  const out = new Set<string>();
  for (const pattern of patterns) {
    const assumed = /^arn:([^:]+):sts::([^:]+):assumed-role\/([^/]+)\/\*$/.exec(pattern);
    if (assumed) out.add(`arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}`);
    else if (/^arn:[^:]+:iam::[^:]+:(role|user)\//.test(pattern)) out.add(pattern);
  }
  return [...out].sort();
}

/**
 * The conditions that select an agent's requests in a preventive SCP: every signal IAM evaluates. The AWS MCP
 * server by the configured services (`aws:CalledViaAWSMCP`, not any MCP server); session tags and agent role
 * tags (`aws:PrincipalTag`: a role's tags are its sessions' principal tags); source identity; and the declared
 * agent principals (`ArnLike aws:PrincipalArn`). Statements are ORed, so each condition is its own statement.
 */
export function preventionConditions(agents: AgentSignalsConfig): AgentCondition[] {
  const conditions = agentConditions(['session-tag', 'source-identity'], agents);
  if (agents.mcpServices.length > 0) conditions.push({ sid: 'ViaMcp', condition: { StringEquals: { 'aws:CalledViaAWSMCP': agents.mcpServices.length === 1 ? agents.mcpServices[0]! : [...agents.mcpServices] } } });
  for (const [key, value] of Object.entries(agents.roleTags)) {
    if (agents.sessionTags[key] === value) continue; // the same principal tag as a session tag: already there
    conditions.push({ sid: `RoleTag${sidPart(key)}`, condition: { StringEquals: { [`aws:PrincipalTag/${key}`]: value } } });
  }
  const arns = principalArnConditionPatterns(agents.principalArnPatterns);
  if (arns.length > 0) conditions.push({ sid: 'AgentPrincipal', condition: { ArnLike: { 'aws:PrincipalArn': arns.length === 1 ? arns[0]! : arns } } });
  return conditions;
}

const merged = (a: Condition, b: Condition): Condition => {
  const out: Record<string, Record<string, string | readonly string[]>> = {};
  for (const part of [a, b]) for (const [operator, keys] of Object.entries(part)) out[operator] = { ...(out[operator] ?? {}), ...keys };
  return out;
};

/**
 * SCP statements that keep the agent marked: an agent may not shed what IAM recognises it by.
 * - It mints no credentials that carry none of its signals (MINTING_ACTIONS).
 * - Its AssumeRole carries an agent source identity (it persists across role chaining and cannot be changed:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html), the one
 *   it already has or one it sets; through the MCP server or as a declared principal (no incoming transitive
 *   tags) it also passes the agent tags as transitive (`sts:TransitiveTagKeys`:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html, chaining roles with session tags).
 * - Its sts:TagSession never sets a signal key to another value (`aws:RequestTag`), where no source identity
 *   is configured (with one, the new session is marked by it whatever its tags say).
 * - Its iam:UntagRole never removes an agent role tag (`aws:TagKeys`).
 * `deniedAlready`: minting actions the prevent rules deny to the same agents already, left out.
 * @example keepSignalStatements(agents)[0].Action // ['iam:CreateAccessKey', ...]
 */
export function keepSignalStatements(agents: AgentSignalsConfig, deniedAlready: (action: string) => boolean = () => false): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  const tags = Object.entries(agents.sessionTags);
  const prefixes = agents.sourceIdentityPrefixes.map((prefix) => `${prefix}*`);
  const roleTagKeys = Object.keys(agents.roleTags);
  const deny = (Sid: string, Action: string | readonly string[], Condition: Condition): PolicyStatement => ({ Sid, Effect: 'Deny', Action, Resource: '*', Condition });
  // Minting calls a prevent rule denies already (no-credential-minting) need no second statement.
  const minting = MINTING_ACTIONS.filter((action) => !deniedAlready(action));
  for (const { sid, condition } of preventionConditions(agents)) {
    if (minting.length > 0) statements.push(deny(`KeepMint${sid}`, minting.length === 1 ? minting[0]! : minting, condition));
    if (prefixes.length > 0 && sid !== 'SourceIdentity') {
      statements.push(deny(`KeepSi${sid}`, 'sts:AssumeRole', merged(condition, { StringNotLike: { 'sts:SourceIdentity': prefixes, 'aws:SourceIdentity': prefixes } })));
    }
    if (tags.length > 0 && (sid === 'ViaMcp' || sid === 'AgentPrincipal')) {
      statements.push(deny(`KeepTransitive${sid}`, 'sts:AssumeRole', merged(condition, { 'ForAllValues:StringNotEquals': { 'sts:TransitiveTagKeys': tags.map(([key]) => key) } })));
    }
    // With a source identity required on every AssumeRole (above), a session tag set to another value leaves the
    // new session marked all the same: the tag check is needed only where no source identity is configured.
    if (prefixes.length === 0) for (const [key, value] of tags) {
      statements.push(deny(`KeepTag${sidPart(key)}${sid}`, 'sts:TagSession', merged(condition, { Null: { [`aws:RequestTag/${key}`]: 'false' }, StringNotEquals: { [`aws:RequestTag/${key}`]: value } })));
    }
    if (roleTagKeys.length > 0) {
      statements.push(deny(`KeepRoleTag${sid}`, 'iam:UntagRole', merged(condition, { 'ForAnyValue:StringEquals': { 'aws:TagKeys': roleTagKeys } })));
    }
  }
  return statements;
}
