import type { AgentSession, Exemption, GuardrailState, PendingEvent, SessionKeys } from './guardrail-state.ts';
import type { Ledger, LedgerEntry } from './ledger.ts';

/** Bounds so a long or hostile replay cannot grow memory without limit; the oldest entries go first. */
const MAX_ENTRIES = 200_000;

function boundedSet<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as K);
}

export interface InMemoryStateSeed {
  readonly exemptions?: readonly Exemption[];
  readonly quarantinedRoles?: readonly string[];
  readonly roleTags?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/**
 * GuardrailState held in process memory: the state of one replay or one test.
 * @example const state = new InMemoryState({ quarantinedRoles: ['arn:aws:iam::111122223333:role/Dev'] });
 */
export class InMemoryState implements GuardrailState, Ledger {
  private readonly claimed = new Set<string>();
  private readonly responses = new Map<string, number>();
  readonly ledger: LedgerEntry[] = [];
  private readonly sessions = new Map<string, AgentSession>();
  private readonly pending = new Map<string, PendingEvent[]>();
  private readonly tags = new Map<string, Map<string, string>>();
  private readonly strikes = new Map<string, number[]>();
  private readonly exemptions: Exemption[];
  private readonly quarantined: Set<string>;

  constructor(seed: InMemoryStateSeed = {}) {
    this.exemptions = [...(seed.exemptions ?? [])];
    this.quarantined = new Set(seed.quarantinedRoles ?? []);
    for (const [role, tags] of Object.entries(seed.roleTags ?? {})) {
      this.tags.set(role, new Map(Object.entries(tags).map(([k, v]) => [k.toLowerCase(), v])));
    }
  }

  async findSession(keys: SessionKeys, at: number): Promise<AgentSession | null> {
    for (const key of [keys.accessKeyId, keys.roleSessionKey]) {
      if (!key) continue;
      const session = this.sessions.get(key);
      if (session && session.expiresAt >= at) return session;
    }
    return null;
  }

  async putSession(session: AgentSession): Promise<void> {
    if (session.accessKeyId) boundedSet(this.sessions, session.accessKeyId, session);
    if (session.roleSessionKey) boundedSet(this.sessions, session.roleSessionKey, session);
  }

  async addPending(keys: readonly string[], event: PendingEvent): Promise<void> {
    for (const key of keys) boundedSet(this.pending, key, [...(this.pending.get(key) ?? []), event]);
  }

  async takePending(keys: readonly string[], at: number): Promise<PendingEvent[]> {
    const taken = new Map<string, PendingEvent>();
    for (const key of keys) {
      for (const event of this.pending.get(key) ?? []) {
        if (event.expiresAt >= at) taken.set(event.record.eventID, event);
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

  async countStrike(subject: string, at: number, windowMs: number): Promise<number> {
    const recent = (this.strikes.get(subject) ?? []).filter((time) => time > at - windowMs && time <= at);
    recent.push(at);
    boundedSet(this.strikes, subject, recent);
    return recent.length;
  }

  async isQuarantined(roleArn: string): Promise<boolean> {
    return this.quarantined.has(roleArn);
  }

  async claimEvent(eventID: string, _at?: number): Promise<boolean> {
    if (this.claimed.has(eventID)) return false;
    this.claimed.add(eventID);
    return true;
  }

  async releaseEvent(eventID: string): Promise<void> {
    this.claimed.delete(eventID);
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

  async claimResponse(principalArn: string, responseKey: string, at: number, ttlMs: number): Promise<boolean> {
    const key = `${principalArn}|${responseKey}`;
    const until = this.responses.get(key);
    if (until !== undefined && until > at) return false;
    this.responses.set(key, at + ttlMs);
    return true;
  }

  async releaseResponse(principalArn: string, responseKey?: string): Promise<void> {
    for (const key of [...this.responses.keys()]) {
      if (responseKey ? key === `${principalArn}|${responseKey}` : key.startsWith(`${principalArn}|`)) this.responses.delete(key);
    }
  }
}
