import type { PolicyDocument } from '../respond/policy-document.ts';
import type { CloudTrailRecord } from '../cloudtrail/record-schema.ts';
import { PENDING_WAIT_MS, TAKEN_MEMORY_MS, type AgentSession, type Exemption, type GuardrailState, type PendingEvent, type Prefetched, type PrefetchKeys, type SessionKeys, indexedOnRole, sessionKeysOf, boundSessionKey, lineageEntry } from './guardrail-state.ts';
import type { EventClaim, Ledger, LedgerEntry, ResponseClaim } from './ledger.ts';
import { INDEX_LIMITS, pruneIndex } from './bounded-index.ts';

/** Bounds so a long or hostile replay cannot grow memory without limit; the oldest entries go first. */
const MAX_ENTRIES = 200_000;

/** Drops an index's ended and surplus entries (bounded-index.ts), as the state table does. */
function pruneInPlace(index: Map<string, number>, now: number): void {
  if (index.size <= INDEX_LIMITS.entries && ![...index.values()].some((until) => until < now)) return;
  for (const name of pruneIndex(Object.fromEntries(index), (until) => until, now).drop) index.delete(name);
}

function boundedSet<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as K);
}

interface ParkedEvent {
  readonly eventID: string;
  /** Emptied once gone, so the order queue holds no record text. */
  text: string;
  readonly expiresAt: number;
  readonly keys: readonly string[];
  /** Taken (its AssumeRole came) or evicted: no longer counted. */
  gone: boolean;
}

export interface InMemoryStateSeed {
  readonly exemptions?: readonly Exemption[];
  readonly quarantinedRoles?: readonly string[];
  readonly roleTags?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface InMemoryStateOptions {
  /**
   * At most this many calls wait for their session's AssumeRole; beyond it the longest-waiting is given up
   * (and counted in `parkedGivenUp`), so a long replay's memory stays bounded. Default: no bound.
   */
  readonly maxParked?: number;
}

/**
 * GuardrailState held in process memory: the state of one replay or one test.
 * @example const state = new InMemoryState({ quarantinedRoles: ['arn:aws:iam::111122223333:role/Dev'] });
 */
export class InMemoryState implements GuardrailState, Ledger {
  private readonly events = new Map<string, { status: 'in-progress' | 'completed'; leaseUntil: number }>();
  private readonly responses = new Map<string, number>();
  private readonly documents = new Map<string, Map<string, PolicyDocument>>();
  readonly ledger: LedgerEntry[] = [];
  private readonly sessions = new Map<string, AgentSession>();
  /**
   * Parked calls as JSON text (a third of the parsed record's memory): a long replay parks every rule-matching
   * call of each session whose AssumeRole it has not seen, for up to 12 hours of event time. One entry is
   * shared by the session's keys.
   */
  private readonly pending = new Map<string, ParkedEvent[]>();
  /** Every parked event in the order parked, for giving up the longest-waiting first. */
  private parkedOrder: ParkedEvent[] = [];
  private parkedHead = 0;
  private parkedCount = 0;
  private readonly maxParked: number;
  /** Calls given up waiting for their AssumeRole to keep within `maxParked`. */
  parkedGivenUp = 0;
  private readonly tags = new Map<string, Map<string, string>>();
  private readonly revocations = new Map<string, number>();
  private readonly roleSessions = new Map<string, Map<string, number>>();
  private readonly strikes = new Map<string, Map<string, number>>();
  private readonly exemptions: Exemption[];
  private readonly quarantined: Set<string>;

  constructor(seed: InMemoryStateSeed = {}, options: InMemoryStateOptions = {}) {
    this.maxParked = options.maxParked ?? Number.POSITIVE_INFINITY;
    this.exemptions = [...(seed.exemptions ?? [])];
    this.quarantined = new Set(seed.quarantinedRoles ?? []);
    for (const [role, tags] of Object.entries(seed.roleTags ?? {})) {
      this.tags.set(role, new Map(Object.entries(tags).map(([k, v]) => [k.toLowerCase(), v])));
    }
  }

  async findSession(keys: SessionKeys, at: number): Promise<AgentSession | null> {
    for (const key of sessionKeysOf(keys)) {
      const session = this.sessions.get(key);
      if (session && session.expiresAt >= at) return session;
    }
    return null;
  }

  async putSession(session: AgentSession): Promise<void> {
    for (const key of sessionKeysOf(session)) boundedSet(this.sessions, key, session);
    if (indexedOnRole(session)) {
      const onRole = this.roleSessions.get(session.roleArn) ?? new Map<string, number>();
      const bound = boundSessionKey(session.roleSessionKey!, session.issuedAt);
      onRole.set(bound, Math.max(session.expiresAt, onRole.get(bound) ?? 0));
      // Event time, not a clock: a replay is deterministic. Bounded as the table's item is (bounded-index.ts).
      const now = session.issuedAt ?? Number.NEGATIVE_INFINITY;
      pruneInPlace(onRole, now);
      boundedSet(this.roleSessions, session.roleArn, onRole);
      if (session.origin) {
        const lineage = this.lineages.get(session.origin) ?? new Map<string, number>();
        const entry = lineageEntry(session.roleArn, bound);
        lineage.set(entry, Math.max(session.expiresAt, lineage.get(entry) ?? 0));
        pruneInPlace(lineage, now);
        boundedSet(this.lineages, session.origin, lineage);
      }
    }
  }

  private readonly lineages = new Map<string, Map<string, number>>();

  async lineageSessions(origin: string, at: number): Promise<string[]> {
    return [...(this.lineages.get(origin) ?? [])].filter(([, until]) => until >= at).map(([entry]) => entry);
  }

  async agentSessionsOn(roleArn: string, at: number): Promise<string[]> {
    return [...(this.roleSessions.get(roleArn) ?? [])].filter(([, until]) => until >= at).map(([key]) => key);
  }

  async addPending(keys: readonly string[], event: PendingEvent): Promise<void> {
    const parked: ParkedEvent = { eventID: event.record.eventID, text: JSON.stringify(event.record), expiresAt: event.expiresAt, keys, gone: false };
    // An event parked now tells the time; events arrive in about time order, so expired ones are at the front.
    const now = event.expiresAt - PENDING_WAIT_MS;
    for (const key of keys) {
      const list = this.pending.get(key) ?? [];
      let expired = 0;
      while (expired < list.length && list[expired]!.expiresAt < now) expired++;
      for (const old of list.splice(0, expired)) this.forget(old);
      list.push(parked);
      boundedSet(this.pending, key, list);
    }
    this.parkedOrder.push(parked);
    this.parkedCount++;
    while (this.parkedCount > this.maxParked) this.giveUpOldest();
  }

  private forget(parked: ParkedEvent): void {
    if (parked.gone) return;
    parked.gone = true;
    parked.text = '';
    this.parkedCount--;
    if (this.parkedOrder.length > 2 * this.parkedCount + 4096) {
      this.parkedOrder = this.parkedOrder.slice(this.parkedHead).filter((entry) => !entry.gone);
      this.parkedHead = 0;
    }
  }

  private giveUpOldest(): void {
    const oldest = this.parkedOrder[this.parkedHead++]!;
    if (this.parkedHead > 4096 && this.parkedHead * 2 > this.parkedOrder.length) {
      this.parkedOrder = this.parkedOrder.slice(this.parkedHead);
      this.parkedHead = 0;
    }
    if (oldest.gone) return;
    this.forget(oldest);
    this.parkedGivenUp++;
    for (const key of oldest.keys) {
      const list = this.pending.get(key);
      const at = list?.indexOf(oldest) ?? -1;
      if (at >= 0) list!.splice(at, 1);
      if (list?.length === 0) this.pending.delete(key);
    }
  }

  async takePending(keys: readonly string[], at: number): Promise<PendingEvent[]> {
    const taken = new Map<string, PendingEvent>();
    for (const key of keys) {
      for (const event of this.pending.get(key) ?? []) {
        if (!event.gone && event.expiresAt >= at && !taken.has(event.eventID)) {
          taken.set(event.eventID, { record: JSON.parse(event.text) as CloudTrailRecord, expiresAt: event.expiresAt });
        }
        this.forget(event);
      }
      this.pending.delete(key);
    }
    return [...taken.values()];
  }

  async roleTags(roleKey: string): Promise<ReadonlyMap<string, string> | null> {
    return this.tags.get(roleKey) ?? null;
  }

  async updateRoleTags(roleKey: string, set: ReadonlyMap<string, string>, remove: readonly string[]): Promise<void> {
    const tags = new Map(this.tags.get(roleKey) ?? []);
    for (const [key, value] of set) tags.set(key, value);
    for (const key of remove) tags.delete(key);
    boundedSet(this.tags, roleKey, tags);
  }

  async exemptionFor(principalArn: string, at: number): Promise<Exemption | null> {
    return this.exemptions.find((e) => e.principalArn === principalArn && e.until > at) ?? null;
  }

  /**
   * As the table does it (dynamodb-state.ts): the window holds at most `enough` strikes, past which the count
   * cannot matter, so each call costs at most that many steps and an agent's loop replays in linear time.
   * Strikes are kept in place (no copy per call); stale ones are dropped when room is needed.
   */
  async countStrike(subject: string, eventID: string, at: number, windowMs: number, enough = Number.POSITIVE_INFINITY): Promise<number> {
    let strikes = this.strikes.get(subject);
    if (!strikes) {
      strikes = new Map();
      boundedSet(this.strikes, subject, strikes);
    }
    const from = at - windowMs;
    const inWindow = () => {
      let count = 0;
      for (const time of strikes!.values()) if (time > from && time <= at) count++;
      return count;
    };
    if (!strikes.has(eventID) && strikes.size >= enough) {
      for (const [id, time] of strikes) if (time <= from) strikes.delete(id);
      if (strikes.size >= enough) return Math.max(inWindow(), enough);
    }
    if (!strikes.has(eventID)) strikes.set(eventID, at);
    if (strikes.size > 64 && !Number.isFinite(enough)) for (const [id, time] of strikes) if (time <= from) strikes.delete(id);
    return inWindow();
  }

  async writtenDocuments(identityKey: string): Promise<ReadonlyMap<string, PolicyDocument>> {
    return new Map(this.documents.get(identityKey) ?? []);
  }

  async recordWritten(identityKey: string, policyName: string, document: PolicyDocument | null): Promise<void> {
    const documents = new Map(this.documents.get(identityKey) ?? []);
    if (document) documents.set(policyName, document);
    else documents.delete(policyName);
    boundedSet(this.documents, identityKey, documents);
  }

  async prefetch(keys: PrefetchKeys, at: number): Promise<Prefetched> {
    const sessions = new Map<string, AgentSession>();
    for (const key of keys.sessionKeys) {
      const session = this.sessions.get(key);
      if (session && session.expiresAt >= at) sessions.set(key, session);
    }
    return {
      sessions,
      roleTags: keys.roleTagKey ? await this.roleTags(keys.roleTagKey) : null,
      quarantined: keys.quarantineArn ? this.quarantined.has(keys.quarantineArn) : false,
      exemption: keys.exemptionArn ? await this.exemptionFor(keys.exemptionArn, at) : null,
      documents: keys.identityKey ? await this.writtenDocuments(keys.identityKey) : null,
      roleSessions: keys.sessionRoleArn ? new Map(this.roleSessions.get(keys.sessionRoleArn) ?? []) : null,
      lineage: keys.lineageOrigin ? new Map(this.lineages.get(keys.lineageOrigin) ?? []) : null,
    };
  }

  private readonly minters = new Map<string, number>();

  async rememberAgentMinter(caller: string, roleArn: string, expiresAt: number): Promise<void> {
    boundedSet(this.minters, `${caller}|${roleArn}`, Math.max(expiresAt, this.minters.get(`${caller}|${roleArn}`) ?? 0));
  }

  async isAgentMinter(caller: string, roleArn: string, at: number): Promise<boolean> {
    return (this.minters.get(`${caller}|${roleArn}`) ?? 0) >= at;
  }

  async rememberRevocation(roleArn: string, at: number): Promise<void> {
    boundedSet(this.revocations, roleArn, Math.max(at, this.revocations.get(roleArn) ?? 0));
  }

  async revokedSince(roleArn: string, at: number): Promise<number | null> {
    const revokedAt = this.revocations.get(roleArn);
    return revokedAt !== undefined && revokedAt <= at && at - revokedAt <= PENDING_WAIT_MS ? revokedAt : null;
  }

  private readonly taken = new Map<string, number>();
  private readonly containedLineages = new Map<string, Map<string, number>>();

  async rememberContainedLineage(origin: string, ruleId: string, at: number): Promise<void> {
    const rules = new Map(this.containedLineages.get(origin) ?? []);
    rules.set(ruleId, Math.max(at, rules.get(ruleId) ?? 0));
    boundedSet(this.containedLineages, origin, rules);
  }

  async containedLineage(origin: string, at: number): Promise<string[]> {
    return [...(this.containedLineages.get(origin) ?? [])].filter(([, when]) => when <= at && at - when <= PENDING_WAIT_MS).map(([rule]) => rule);
  }

  async rememberTaken(item: string, at: number): Promise<void> {
    boundedSet(this.taken, item, Math.max(at, this.taken.get(item) ?? 0));
  }

  async wasTaken(item: string, at: number): Promise<boolean> {
    const takenAt = this.taken.get(item);
    return takenAt !== undefined && at - takenAt <= TAKEN_MEMORY_MS;
  }

  async isQuarantined(roleArn: string): Promise<boolean> {
    return this.quarantined.has(roleArn);
  }

  async claimEvent(eventID: string, now: number, leaseUntil: number): Promise<EventClaim> {
    const held = this.events.get(eventID);
    if (held?.status === 'completed') return 'completed';
    if (held && held.leaseUntil > now) return 'in-progress';
    boundedSet(this.events, eventID, { status: 'in-progress', leaseUntil });
    return 'claimed';
  }

  /** What completed events noted (completeEvent's `note`), by event. */
  readonly eventNotes = new Map<string, string>();

  async completeEvent(eventID: string, _now?: number, note?: string): Promise<void> {
    boundedSet(this.events, eventID, { status: 'completed', leaseUntil: Number.POSITIVE_INFINITY });
    if (note) boundedSet(this.eventNotes, eventID, note);
  }

  async releaseEvent(eventID: string): Promise<void> {
    this.events.delete(eventID);
  }

  async write(entry: LedgerEntry): Promise<void> {
    this.ledger.push(entry);
  }

  async entriesFor(principalArn: string): Promise<LedgerEntry[]> {
    return this.ledger.filter((e) => e.principalArn === principalArn);
  }

  async addExemption(principalArn: string, until: number, reason: string): Promise<void> {
    this.exemptions.push({ principalArn, until, reason });
  }

  async markQuarantined(roleArn: string, quarantined: boolean): Promise<void> {
    if (quarantined) this.quarantined.add(roleArn);
    else this.quarantined.delete(roleArn);
  }

  async claimResponse(claim: ResponseClaim, intent: LedgerEntry): Promise<boolean> {
    const key = `${claim.principalArn}|${claim.responseKey}`;
    const until = this.responses.get(key);
    this.ledger.push(intent);
    if (until !== undefined && until > claim.now) return false;
    this.responses.set(key, claim.leaseUntil);
    return true;
  }

  async confirmResponse(principalArn: string, responseKey: string, until: number): Promise<void> {
    this.responses.set(`${principalArn}|${responseKey}`, until);
  }

  async releaseResponse(principalArn: string, responseKey?: string): Promise<void> {
    for (const key of [...this.responses.keys()]) {
      if (responseKey ? key === `${principalArn}|${responseKey}` : key.startsWith(`${principalArn}|`)) this.responses.delete(key);
    }
  }
}
