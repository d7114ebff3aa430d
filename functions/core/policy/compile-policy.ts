import type { ActionCatalogue } from './action-catalogue.ts';
import { durationMs } from './duration.ts';
import { expandActionPattern } from './expand-action-pattern.ts';
import { SIGNAL_DROP_RULE_ID, TAMPER_RULE_ID, type ResponseName } from './constants.ts';
import type { Policy } from './schema.ts';
import { compileParameterConditions, type ParameterMatcher } from './parameter-conditions.ts';
import { wildcardToRegExp } from './wildcard.ts';
import { deployerRoleArns, guardrailRoleArns, type GuardrailDeployment } from '../detect/guardrail-principals.ts';

export interface CompiledRule {
  readonly id: string;
  readonly description: string;
  readonly response: ResponseName;
  /** agent: only what IAM can attribute to the agent; role: the whole role (or user), people on it too. */
  readonly scope: 'agent' | 'role';
  /** Action patterns as written in the policy. */
  readonly actionPatterns: readonly string[];
  /** Canonical IAM actions the patterns expand to. */
  readonly actions: readonly string[];
  /** null when the rule applies to any resource. */
  readonly resourceMatchers: readonly RegExp[] | null;
  /** Resource patterns as written ("*" when any). */
  readonly resourcePatterns: readonly string[];
  /** null when the rule applies in every account. */
  readonly accounts: ReadonlySet<string> | null;
  /** null when any parameters match; else true when the call has the harmful parameters. */
  readonly parameters: ParameterMatcher | null;
  readonly escalate: { readonly after: number; readonly withinMs: number; readonly to: ResponseName } | null;
}

export interface AgentMatchers {
  readonly mcpServices: ReadonlySet<string>;
  /** Tag keys lower-cased: IAM treats tag keys case-insensitively; values are compared exactly. */
  readonly sessionTags: ReadonlyMap<string, string>;
  readonly sourceIdentityPrefixes: readonly string[];
  readonly roleTags: ReadonlyMap<string, string>;
  readonly principalArns: readonly RegExp[];
  readonly userAgents: readonly RegExp[];
}

export interface CompiledPolicy {
  readonly policy: Policy;
  readonly mode: Policy['mode'];
  readonly agents: AgentMatchers;
  readonly protectedPrincipals: readonly RegExp[];
  /** The guardrail's own roles, by exact ARN (detect/guardrail-principals.ts). */
  readonly guardrailRoles: readonly RegExp[];
  /** Who may create roles with the guardrail's names (its deployments), by exact ARN pattern. */
  readonly deployerRoles: readonly RegExp[];
  readonly rules: readonly CompiledRule[];
  readonly tamperRule: CompiledRule;
  /** Built in: a caller that minted agent sessions of a role mints one without the signal (revoke-sessions). */
  readonly signalDropRule: CompiledRule;
  /** Rules whose actions include `action` (canonical `service:Action`); constant time for known actions. */
  rulesFor(action: string): readonly CompiledRule[];
}

export interface PolicyProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export type CompileResult =
  | { readonly ok: true; readonly policy: CompiledPolicy }
  | { readonly ok: false; readonly problems: readonly PolicyProblem[] };

const NO_RULES: readonly CompiledRule[] = Object.freeze([]);
// Distinct unknown actions seen at run time are cached up to this many, so hostile input cannot grow memory.
const MISS_CACHE_LIMIT = 10_000;

function tagMap(tags: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(tags).map(([key, value]) => [key.toLowerCase(), value]));
}

function buildTamperRule(response: ResponseName): CompiledRule {
  return {
    id: TAMPER_RULE_ID,
    description: "Nobody but the guardrail may change the guardrail's own policies, tags or quarantined roles.",
    response,
    scope: 'agent',
    actionPatterns: [],
    actions: [],
    resourceMatchers: null,
    resourcePatterns: ['*'],
    accounts: null,
    parameters: null,
    escalate: null,
  };
}

/**
 * Checks every action pattern against the IAM catalogue and compiles the policy into an action index,
 * so evaluating an event looks up its action instead of scanning every rule.
 * @example compilePolicy(policy, catalogue).ok // false when a rule names "iam:PutRolePolicyy"
 */
export function compilePolicy(policy: Policy, catalogue: ActionCatalogue, deployment: GuardrailDeployment | null = null): CompileResult {
  const problems: PolicyProblem[] = [];
  const index = new Map<string, CompiledRule[]>();
  const wildcardFallback = new Map<string, { matcher: RegExp; rule: CompiledRule }[]>();
  const rules: CompiledRule[] = [];

  policy.rules.forEach((rule, ruleIndex) => {
    const actions: string[] = [];
    rule.match.actions.forEach((pattern, actionIndex) => {
      const expansion = expandActionPattern(pattern, catalogue);
      if (expansion.ok) actions.push(...expansion.actions);
      else problems.push({ path: ['rules', ruleIndex, 'match', 'actions', actionIndex], message: expansion.problem });
    });
    const anyResource = rule.match.resources.includes('*');
    const compiled: CompiledRule = {
      id: rule.id,
      description: rule.description,
      response: rule.response,
      scope: rule.scope,
      actionPatterns: rule.match.actions,
      actions: [...new Set(actions)],
      resourceMatchers: anyResource ? null : rule.match.resources.map((pattern) => wildcardToRegExp(pattern)),
      resourcePatterns: anyResource ? ['*'] : rule.match.resources,
      accounts: rule.match.accounts.length > 0 ? new Set(rule.match.accounts) : null,
      parameters: compileParameterConditions(rule.match.parameters),
      escalate: rule.escalate
        ? { after: rule.escalate.after, withinMs: durationMs(rule.escalate.within), to: rule.escalate.to }
        : null,
    };
    rules.push(compiled);
    for (const action of compiled.actions) {
      const key = action.toLowerCase();
      const list = index.get(key) ?? [];
      if (!list.includes(compiled)) list.push(compiled);
      index.set(key, list);
    }
    // Events can carry actions newer than the catalogue; wildcards must still match them.
    for (const pattern of rule.match.actions) {
      if (!/[*?]/.test(pattern)) continue;
      const service = pattern.slice(0, pattern.indexOf(':'));
      const list = wildcardFallback.get(service) ?? [];
      list.push({ matcher: wildcardToRegExp(pattern, 'i'), rule: compiled });
      wildcardFallback.set(service, list);
    }
  });
  if (problems.length > 0) return { ok: false, problems };

  const exact = new Map<string, readonly CompiledRule[]>();
  for (const [key, list] of index) exact.set(key, list);
  const misses = new Map<string, readonly CompiledRule[]>();

  // Canonical spellings first, so the common case needs no lower-casing.
  const canonical = new Map<string, readonly CompiledRule[]>();
  for (const rule of rules) for (const action of rule.actions) canonical.set(action, exact.get(action.toLowerCase())!);

  function rulesFor(action: string): readonly CompiledRule[] {
    const direct = canonical.get(action) ?? misses.get(action);
    if (direct) return direct;
    const key = action.toLowerCase();
    const hit = exact.get(key) ?? misses.get(key);
    if (hit) return hit;
    const service = key.slice(0, key.indexOf(':'));
    const matched = (wildcardFallback.get(service) ?? []).filter((entry) => entry.matcher.test(key)).map((e) => e.rule);
    const result = matched.length > 0 ? [...new Set(matched)] : NO_RULES;
    if (misses.size < MISS_CACHE_LIMIT) misses.set(key, result).set(action, result);
    return result;
  }

  return {
    ok: true,
    policy: {
      policy,
      mode: policy.mode,
      agents: {
        mcpServices: new Set(policy.agents.mcpServices),
        sessionTags: tagMap(policy.agents.sessionTags),
        sourceIdentityPrefixes: policy.agents.sourceIdentityPrefixes,
        roleTags: tagMap(policy.agents.roleTags),
        principalArns: policy.agents.principalArnPatterns.map((p) => wildcardToRegExp(p)),
        userAgents: policy.agents.userAgentPatterns.map((p) => wildcardToRegExp(p, 'i')),
      },
      protectedPrincipals: policy.protected.principalArnPatterns.map((p) => wildcardToRegExp(p)),
      guardrailRoles: guardrailRoleArns(deployment),
      deployerRoles: deployerRoleArns(deployment),
      rules,
      tamperRule: buildTamperRule(policy.tamper.response),
      signalDropRule: {
        ...buildTamperRule('revoke-sessions'),
        id: SIGNAL_DROP_RULE_ID,
        description:
          'A caller that minted agent sessions of a role may not mint one without the agent signal (stripping it), nor mint one after they were revoked (minting its way back).',
      },
      rulesFor,
    },
  };
}
