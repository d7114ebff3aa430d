import { actionOf } from '../cloudtrail/action-names.ts';
import type { CloudTrailRecord } from '../cloudtrail/record-schema.ts';
import type { ValidationResult } from '../cloudtrail/validate-record.ts';
import type { CompiledPolicy, CompiledRule } from '../policy/compile-policy.ts';
import { IAM_EXPRESSIBLE_SIGNALS, planResponse, type ResponsePlan } from '../respond/plan-response.ts';
import { boundSessionKey, isSameSession, PENDING_WAIT_MS, wholeSecond, type AgentSession, type GuardrailState } from '../state/guardrail-state.ts';
import { isAgentOnlyIdentity, isDeclaredAgentPrincipal } from './agent-identity.ts';
import { agentHoldsSession, sessionBinding } from '../respond/agent-conditions.ts';
import { PREVENTIVE_PATHS } from '../respond/builders/target.ts';
import type { Finding, LineageRole, Verdict } from './finding.ts';
import { observeRoleTags, roleKeyOf } from './observe-role-tags.ts';
import { ASSUME_ROLE_EVENTS, observeSession, sessionsMintedBy } from './observe-session.ts';
import { holdsSession, identifyPrincipal, principalFromArn, type Principal } from './principal.ts';
import { protectionOf } from './protection.ts';
import { resourceArnsOf } from './resource-arns.ts';
import { SIGNAL_DETECTORS } from './signals/index.ts';
import type { Signal, SignalContext, SignalName } from './signals/signal.ts';
import { stopperReason } from './guardrail-stoppers.ts';
import { byDeployer, roleNameWritten, tamperReason, undoneItem } from './tamper.ts';

export interface Detector {
  /**
   * Evaluates one validated record. The first finding is the record's own; any further ones are late
   * violations of earlier calls, revealed because this record is the AssumeRole that tagged their session.
   */
  evaluate(record: CloudTrailRecord): Promise<Finding[]>;
}

const DETECTORS = Object.values(SIGNAL_DETECTORS);

interface Learned {
  /** Late violations revealed by this event. */
  readonly late: Finding[];
  /** What the event taught detection, for its own finding's reason. */
  readonly note: string | null;
  /** Set when the event is a caller stripping the agent signal from a session it mints. */
  readonly signalDrop: string | null;
  /** The session minted is contained, not the caller (a person or pipeline that launches agents). */
  readonly mintedOnly?: boolean;
  /** Violations of the session this event minted in a lineage already contained: contained as it is minted. */
  readonly containedAtMint?: readonly Finding[];
}
/** Roles of a chain bound beside the contained one (each is one more inline write). */
const MAX_LINEAGE_DEPTH = 3;
/** Roles of the agent's lineage written beside the contained one, at most, parents and descendants together. */
const MAX_LINEAGE_ROLES = 6;
const NOTHING_LEARNED: Learned = { late: [], note: null, signalDrop: null };

/** The finding for input that failed validation: answered, never acted on. */
export function invalidFinding(result: Extract<ValidationResult, { ok: false }>): Finding {
  return {
    eventID: result.eventID,
    eventName: result.eventName,
    account: null,
    principal: null,
    agent: false,
    signals: [],
    verdict: 'invalid',
    rule: null,
    response: null,
    reason: result.reason,
    late: false,
    detail: null,
  };
}

/** An AWS service event is AWS's own doing (key rotation, scheduled deletion): answered, never acted on. */
function serviceEventFinding(record: CloudTrailRecord, principal: Principal): Finding {
  const by = record.userIdentity.invokedBy ?? 'AWS';
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    account: record.recipientAccountId ?? principal.account,
    principal: principal.display,
    agent: false,
    signals: [],
    verdict: 'allow',
    rule: null,
    response: null,
    reason: `AWS service event (${by}): made by AWS, not by a principal's call`,
    late: false,
    detail: { record, action: actionOf(record.eventSource, record.eventName), principal, signalEvidence: [], plan: null },
  };
}

/** The rules whose accounts and resources match; the event's resource ARNs are derived once, if needed. */
function applicableRules(rules: readonly CompiledRule[], record: CloudTrailRecord, principal: Principal): CompiledRule[] {
  let arns: string[] | undefined;
  const account = record.recipientAccountId ?? principal.account;
  return rules.filter((rule) => {
    if (rule.accounts && !rule.accounts.has(account)) return false;
    if (rule.parameters && !rule.parameters(record)) return false;
    if (!rule.resourceMatchers) return true;
    arns ??= resourceArnsOf(record, principal.partition);
    return arns.some((arn) => rule.resourceMatchers!.some((matcher) => matcher.test(arn)));
  });
}

/**
 * Builds the detection engine over a compiled policy and a state store.
 * @example const findings = await createDetector(policy, new InMemoryState()).evaluate(record);
 */
export function createDetector(policy: CompiledPolicy, state: GuardrailState): Detector {
  const { agents } = policy;

  /**
   * The findings for a session minted in a lineage a containment already bound (the agent chaining on from a
   * contained session): each rule it was contained under, applied to that one new session where it is, before
   * it makes a call.
   */
  function mintedSessionFindings(record: CloudTrailRecord, minted: AgentSession, ruleIds: readonly string[]): Finding[] {
    const role = principalFromArn(minted.roleArn);
    if (!role || !minted.roleSessionKey || !writable(minted.roleArn)) return [];
    const sessionName = minted.roleSessionKey.slice(minted.roleSessionKey.indexOf(':') + 1);
    const principal: Principal = {
      ...role,
      display: `arn:${role.partition}:sts::${role.account}:assumed-role/${role.roleName}/${sessionName}`,
      sessionName,
      roleSessionKey: minted.roleSessionKey,
      accessKeyId: minted.accessKeyId,
      issuedAt: minted.issuedAt ?? null,
    };
    const builtIn = [policy.tamperRule, policy.signalDropRule];
    return ruleIds.flatMap((id) => {
      const rule = policy.rules.find((r) => r.id === id) ?? builtIn.find((r) => r.id === id);
      if (!rule || rule.response === 'notify') return [];
      const plan: ResponsePlan = { ...planResponse(rule, principal, minted.signals, 1), bindsOwnSession: true };
      return [
        {
          eventID: record.eventID,
          eventName: record.eventName,
          account: role.account,
          principal: principal.display,
          agent: true,
          signals: [...minted.signals],
          verdict: 'violation' as const,
          rule: rule.id,
          response: plan.response,
          reason: `${principal.display} was minted by an agent already contained under ${rule.id} (${minted.evidence}): contained as it is minted. Response ${plan.response} (${plan.scope} scope).`,
          late: false,
          detail: { record, action: rule.actions[0] ?? 'sts:AssumeRole', principal, signalEvidence: [minted.evidence], plan },
        },
      ];
    });
  }

  /** The recorded agent session the principal's call was made in: by access key, or by name and issue time. */
  async function sessionOf(principal: Principal, at: number): Promise<AgentSession | null> {
    const session = await state.findSession(principal, at);
    return session && isSameSession(session, principal) ? session : null;
  }

  async function learn(record: CloudTrailRecord, principal: Principal, at: number): Promise<Learned> {
    const late: Finding[] = [];
    let note: string | null = null;
    let signalDrop: string | null = null;
    let mintedOnly = false;
    let containedAtMint: Finding[] = [];
    if (ASSUME_ROLE_EVENTS.has(record.eventName) && record.eventSource === 'sts.amazonaws.com') {
      const known = principal.kind === 'role-session' ? await sessionOf(principal, at) : null;
      // An AssumeRole made through the AWS MCP server (or from an agent session) mints an agent session.
      const viaMcp = [SIGNAL_DETECTORS['mcp-service'], SIGNAL_DETECTORS['mcp-context']]
        .map((detect) => detect({ record, principal, agents, session: null, roleTags: null }))
        .find((signal) => signal !== null);
      // A declared agent principal (a CI runner, an agent host) mints only agent sessions, tagged or not.
      const declared = isDeclaredAgentPrincipal(principal, agents);
      // What the caller's session itself is (a person's session through MCP, a runner): the lineage's origin.
      const callerOrigin = principal.roleSessionKey ? boundSessionKey(principal.roleSessionKey, principal.issuedAt) : (principal.accessKeyId ?? principal.arn);
      const minted = (signal: SignalName, evidence: string): AgentSession => ({ accessKeyId: null, roleSessionKey: null, roleArn: '', signals: [signal], evidence, expiresAt: at, origin: callerOrigin });
      const caller = known ?? (viaMcp ? minted(viaMcp.name, viaMcp.evidence) : declared ? minted('principal-arn', `minted by declared agent principal ${principal.arn}`) : null);
      let observed = observeSession(record, agents, caller);
      // Only an agent (one of its sessions, or a declared agent principal) strips a signal or mints its way back:
      // a person who mints an untagged session for herself, beside the tagged one she minted for her agent, is a
      // person.
      const callerIsAgent = known !== null || declared;
      const roleArn = typeof record.requestParameters?.roleArn === 'string' ? record.requestParameters.roleArn : null;
      const minter = principal.kind === 'role-session' ? principal.roleSessionKey : principal.arn;
      const marked = observed?.markedByRequest ?? false;
      if (observed?.session && minter && roleArn) {
        // A caller whose agent sessions of this role were revoked mints a new one: the revocation's cut-off
        // (aws:TokenIssueTime) spares it, so it is revoked in turn.
        const revokedAt = await state.revokedSince(roleArn, at);
        // The new session is the agent's and is revoked as it is minted; the caller is contained with it only
        // when it is an agent itself (a pipeline or a person that launches agents keeps working).
        if (revokedAt !== null && (await state.isAgentMinter(minter, roleArn, revokedAt))) {
          signalDrop = `AssumeRole of ${roleArn} by a caller whose agent sessions of it were revoked at ${new Date(revokedAt).toISOString()}`;
          mintedOnly = !callerIsAgent;
        }
        if (marked || callerIsAgent) await state.rememberAgentMinter(minter, roleArn, observed.session.expiresAt);
        // An agent session that chains without tags is followed by its lineage; a declared agent principal that
        // minted tagged sessions of the role and now mints one without is stripping the signal.
        if (declared && !known && !marked && record.eventName === 'AssumeRole' && (await state.isAgentMinter(minter, roleArn, at))) {
          signalDrop ??= `AssumeRole of ${roleArn} without the agent signal by a declared agent principal that minted agent sessions of it`;
        }
      }
      if (observed?.session) {
        await state.putSession(observed.session);
        note = `agent session recorded (${observed.session.evidence})`;
        // A session minted in a lineage already contained is the contained agent going on elsewhere.
        const rules = observed.session.origin && !signalDrop ? await state.containedLineage(observed.session.origin, at) : [];
        if (rules.length > 0) containedAtMint = mintedSessionFindings(record, observed.session, rules);
      }
      if (observed) {
        // Parked calls of this session are settled now: violations if it is an agent's, else dropped. A call of
        // another session that shares the name (issued at another time) waits on for its own AssumeRole.
        const parked = await state.takePending(observed.keys, at);
        const accessKeyId = observed.session?.accessKeyId ?? (record.responseElements as { credentials?: { accessKeyId?: unknown } } | null)?.credentials?.accessKeyId;
        const minted = { accessKeyId: typeof accessKeyId === 'string' ? accessKeyId : null, issuedAt: wholeSecond(at) };
        for (const event of parked) {
          const of = identifyPrincipal(event.record);
          if (!isSameSession(minted, of)) {
            await state.addPending([of.accessKeyId, of.roleSessionKey].filter((k): k is string => k !== null), event);
          } else if (observed.session) late.push(...(await evaluate(event.record, true)));
        }
      }
    }
    const tagChange = observeRoleTags(record);
    if (tagChange) await state.updateRoleTags(tagChange.roleKey, tagChange.set, tagChange.remove);
    return { late, note, signalDrop, mintedOnly, containedAtMint };
  }

  /** Roles of a chain worth writing to: never a protected role, nor an Identity Center one (IAM refuses writes). */
  const writable = (roleArn: string) => {
    const asPrincipal = principalFromArn(roleArn);
    return asPrincipal !== null && !asPrincipal.isIdentityCenter && !protectionOf(asPrincipal, policy);
  };

  /**
   * The other roles of the agent's lineage, each with the agent's sessions on it: the ones it was chained from,
   * nearest first (from any of them it could assume the contained role again under a new session name, which no
   * statement on the contained role can name in advance; bounded by depth, and a role met twice ends the walk),
   * then the ones it chained into or minted on (`origin`'s index). At most MAX_LINEAGE_ROLES roles.
   */
  async function lineageOf(session: AgentSession | null, containedRole: string, origin: string | null, at: number): Promise<LineageRole[]> {
    const roles: LineageRole[] = [];
    let parent = session?.parent ?? null;
    const seen = new Set<string>();
    while (parent && seen.size < MAX_LINEAGE_DEPTH && !seen.has(parent.roleArn)) {
      seen.add(parent.roleArn);
      // A protected role of the chain (the guardrail's, service-linked, or one the policy protects) is never
      // written, nor an Identity Center role (IAM refuses writes to it): the chain is followed past them.
      if (writable(parent.roleArn)) {
        const recorded = await state.agentSessionsOn(parent.roleArn, at);
        roles.push({ roleArn: parent.roleArn, sessions: [...new Set([boundSessionKey(parent.roleSessionKey, parent.issuedAt), ...recorded])].sort() });
      }
      parent = (await state.findSession({ accessKeyId: null, roleSessionKey: parent.roleSessionKey }, at))?.parent ?? null;
    }
    // Downwards and sideways: every session of the agent's lineage on another role (ones it chained into or
    // minted before this containment) is bound where it is; the contained role's are bound by the response.
    if (origin) {
      const byRole = new Map<string, string[]>();
      for (const entry of await state.lineageSessions(origin, at)) {
        const space = entry.indexOf(' ');
        const roleArn = entry.slice(0, space);
        if (roleArn === containedRole || !writable(roleArn)) continue;
        byRole.set(roleArn, [...(byRole.get(roleArn) ?? []), entry.slice(space + 1)]);
      }
      for (const [roleArn, sessions] of [...byRole].sort(([a], [b]) => a.localeCompare(b))) {
        const known = roles.find((role) => role.roleArn === roleArn);
        const merged = [...new Set([...(known?.sessions ?? []), ...sessions])].sort();
        if (known) roles[roles.indexOf(known)] = { roleArn, sessions: merged };
        else if (roles.length < MAX_LINEAGE_ROLES) roles.push({ roleArn, sessions: merged });
      }
    }
    return roles;
  }

  async function evaluate(record: CloudTrailRecord, isLate = false): Promise<Finding[]> {
    const at = Date.parse(record.eventTime);
    const identified = identifyPrincipal(record);
    if (record.eventType === 'AwsServiceEvent') return [serviceEventFinding(record, identified)];
    const learned = isLate ? NOTHING_LEARNED : await learn(record, identified, at);
    const lateFindings = learned.late;

    const isRoleSession = identified.kind === 'role-session';
    const session = holdsSession(identified) ? await sessionOf(identified, at) : null;
    // A token's issue time is its session's where the call does not carry it (an IAM user's GetSessionToken).
    const principal = session?.issuedAt != null && identified.issuedAt === null ? { ...identified, issuedAt: session.issuedAt } : identified;
    const roleTags =
      isRoleSession && agents.roleTags.size > 0 ? await state.roleTags(roleKeyOf(principal.account, principal.roleName!)) : null;
    const context: SignalContext = { record, principal, agents, session, roleTags };
    const signals: Signal[] = [];
    for (const detect of DETECTORS) {
      const signal = detect(context);
      if (signal && !signals.some((s) => s.name === signal.name)) signals.push(signal);
    }
    const isAgent = signals.length > 0;
    const action = actionOf(record.eventSource, record.eventName);
    // The agent a strike counts against: its lineage's first session, else this session, else the identity.
    const ownKey = principal.roleSessionKey ? boundSessionKey(principal.roleSessionKey, principal.issuedAt) : principal.accessKeyId?.startsWith('ASIA') ? principal.accessKeyId : null;
    const agentKey = session?.origin ?? ownKey ?? principal.arn ?? principal.display;
    if (!isLate) for (const minted of sessionsMintedBy(record, signals, principal, session?.origin ?? ownKey)) await state.putSession(minted);

    const writtenRole = roleNameWritten(record);
    const quarantined = writtenRole
      ? await state.isQuarantined(`arn:${principal.partition}:iam::${record.recipientAccountId ?? principal.account}:role/${writtenRole}`)
      : false;
    // Putting back what a containment took away (a key, a console password) is tampering too.
    const undo = undoneItem(record, record.recipientAccountId ?? principal.account);
    const undone = undo && (await state.wasTaken(undo.key, at)) ? undo.what : null;
    const iamTamper = tamperReason(record, quarantined, policy.deployerRoles, agents.roleTags) ?? undone ?? learned.signalDrop;
    const candidates = iamTamper ? [] : applicableRules(policy.rulesFor(action), record, principal);
    // A call that would stop the guardrail is tampering whoever makes it (but a deployment); an agent's
    // keeps the policy's own rule where one applies, with its (usually stronger) response.
    const agentRule = isAgent ? candidates[0] : undefined;
    const stopper = iamTamper || agentRule ? null : stopperReason(record);
    // A deployment is exempt, but not an agent working through a deployer role: it is an agent all the same.
    const tamper = iamTamper ?? (stopper && !(byDeployer(record, policy.deployerRoles) && !isAgent) ? stopper : null);
    const rule = learned.signalDrop ? policy.signalDropRule : tamper ? policy.tamperRule : agentRule;

    let agentSessions: readonly string[] | undefined;
    let lineageRoles: LineageRole[] | undefined;
    const finding = (verdict: Verdict, reason: string, plan: ResponsePlan | null = null): Finding => ({
      eventID: record.eventID,
      eventName: record.eventName,
      account: record.recipientAccountId ?? principal.account,
      principal: principal.display,
      agent: isAgent,
      signals: signals.map((s) => s.name),
      verdict,
      rule: rule?.id ?? null,
      response: plan?.response ?? null,
      reason: isLate ? `late (AssumeRole arrived after the call): ${reason}` : reason,
      late: isLate,
      detail: {
        record,
        action,
        principal,
        signalEvidence: signals.map((s) => s.evidence),
        plan,
        ...(agentSessions?.length ? { agentSessions } : {}),
        ...(lineageRoles?.length ? { lineageRoles } : {}),
        ...(learned.mintedOnly ? { mintedOnly: true } : {}),
        ...(isAgent && agentKey ? { origin: agentKey } : {}),
      },
    });

    if (!rule) {
      if (candidates.length > 0 && isRoleSession && !isLate) {
        // Its AssumeRole may still arrive with agent tags: park the call under the session's keys.
        const keys = [principal.accessKeyId, principal.roleSessionKey].filter((k): k is string => k !== null);
        if (keys.length > 0) await state.addPending(keys, { record, expiresAt: at + PENDING_WAIT_MS });
      }
      const reason =
        candidates.length > 0
          ? `${action} matches ${candidates[0]!.id} but no agent signal`
          : learned.note ?? `no rule matches ${action}`;
      return [finding('allow', reason), ...lateFindings, ...(learned.containedAtMint ?? [])];
    }

    const attempt = record.errorCode ? ` (attempt failed: ${record.errorCode})` : '';
    const what = tamper ?? `${action}${attempt}`;
    const by = isAgent ? `agent (${signals.map((s) => s.evidence).join('; ')})` : principal.display ?? 'unknown principal';
    const protection = protectionOf(principal, policy);
    // Protection forbids containing the role, not the agent's own requests: on a role the policy protects,
    // an agent IAM can recognise is contained by an agent-scoped SCP alone, and the role is never written.
    const agentOnProtectedRole =
      protection?.kind === 'policy' && isRoleSession && signals.some((s) => IAM_EXPRESSIBLE_SIGNALS.has(s.name)) && rule.response !== 'notify';
    if (protection && !agentOnProtectedRole) return [finding('protected', `${what} by ${protection.reason}: breaks ${rule.id}, not contained`), ...lateFindings];
    const exemption = principal.arn ? await state.exemptionFor(principal.arn, at) : null;
    if (exemption) {
      return [finding('exempt', `${what} by ${by}: breaks ${rule.id}, exempt until ${new Date(exemption.until).toISOString()} (${exemption.reason})`), ...lateFindings];
    }
    const strikes = rule.escalate
      ? await state.countStrike(`${agentKey}|${rule.id}`, record.eventID, at, rule.escalate.withinMs, rule.escalate.after)
      : 1;
    const agentOnly = isAgentOnlyIdentity(principal, roleTags, agents);
    const planned = planResponse(rule, principal, signals.map((s) => s.name), strikes, agentOnly);
    const stopsEverything = planned.response === 'quarantine-role' || planned.response === 'revoke-sessions';
    // A recorded agent session is the agent's own, whatever signal name it carries (one minted through MCP
    // carries 'mcp-service', and its direct calls are the agent's still).
    const bindsOwnSession = session !== null || agentHoldsSession(signals.map((s) => s.name));
    const contained: ResponsePlan = agentOnProtectedRole ? { ...planned, response: 'scp-deny', scope: 'agent', ...(stopsEverything ? { denyAll: true } : {}) } : planned;
    const plan: ResponsePlan = { ...contained, bindsOwnSession };
    // Every agent session recorded on the role is bound, not only this one: a chained session without the
    // tag, or one marked only by its user agent, is the same agent.
    if (isRoleSession && principal.arn && (plan.scope === 'agent' || plan.scope === 'session') && isAgent) {
      // The whole list, this session included (agent-conditions.ts: lineageCondition says why).
      agentSessions = (await state.agentSessionsOn(principal.arn, at)).sort();
    }
    // Whatever the scope on this role, the sessions the agent chained from are bound where they are.
    if (isRoleSession && isAgent && principal.arn && plan.response !== 'notify') lineageRoles = await lineageOf(session, principal.arn, agentKey, at);
    // The agent's sessions of the role are revoked: one it mints after this is revoked again (learn above).
    if (plan.response === 'revoke-sessions' && isRoleSession && principal.arn) await state.rememberRevocation(principal.arn, at);
    const escalation = `${plan.escalated ? `, escalated after ${strikes} strikes` : ''}${agentOnProtectedRole ? `; ${protection!.reason}: its agent requests only, by SCP` : ''}`;
    // What the response cannot reach, said where it is read: the chain's parent sessions are bound, but a new
    // session they chain into another role is known only from its AssumeRole or first call.
    const limit = lineageRoles?.length
      ? ` Not preventable here: a parent session (${lineageRoles.map((r) => r.roleArn).join(', ')}) chaining into another role is contained on its first call there; a trust policy requiring the agent tag on AssumeRole (agent-guardrail compile trust) prevents it.`
      : '';
    // Never truncated silently: how the role's other agent sessions are bound, when not all exactly.
    const binding = agentSessions ? sessionBinding(agentSessions, principal) : null;
    const overflow =
      binding && binding.byName + binding.unbound > 0
        ? ` ${binding.exact + binding.byName + binding.unbound} other agent sessions on the role: ${binding.exact} bound exactly, ${binding.byName} by name alone (a later session reusing one of those names is bound too)${binding.unbound > 0 ? `, ${binding.unbound} only by the agent's signals IAM sees${plan.scope === 'agent' ? '' : ' (none here: those sessions are not contained)'}` : ''}.`
        : '';
    const shared =
      learned.mintedOnly
        ? ' Contained in the session it minted only: the caller is not an agent and keeps working.'
        : plan.scope === 'agent' && !bindsOwnSession && plan.response !== 'notify'
          ? ` Seen only through the MCP server on ${principal.display}'s credentials: its requests through MCP are contained, its direct calls are that person's as far as AWS can tell and are not; prevent them: ${PREVENTIVE_PATHS}.`
          : '';
    return [
      finding('violation', `${what} by ${by}: ${rule.description} Response ${plan.response} (${plan.scope} scope${escalation}).${limit}${overflow}${shared}`, plan),
      ...lateFindings,
      ...(learned.containedAtMint ?? []),
    ];
  }

  return { evaluate: (record) => evaluate(record) };
}
