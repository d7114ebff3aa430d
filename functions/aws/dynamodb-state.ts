import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { CloudTrailRecord } from '../core/cloudtrail/record-schema.ts';
import type { PolicyDocument } from '../core/respond/policy-document.ts';
import { PENDING_WAIT_MS, TAKEN_MEMORY_MS, type AgentSession, type Exemption, type GuardrailState, type PendingEvent, type Prefetched, type PrefetchKeys, type SessionKeys, indexedOnRole, sessionKeysOf, boundSessionKey, lineageEntry } from '../core/state/guardrail-state.ts';
import type { EventClaim, Ledger, LedgerEntry, ResponseClaim } from '../core/state/ledger.ts';
import { pruneIndex } from '../core/state/bounded-index.ts';

/**
 * Detection state and the ledger in one DynamoDB table (`pk`, `sk`, TTL attribute `expiresAt` in epoch
 * seconds). Item kinds are told apart by the key prefix.
 */
const ONE = '_';
const EVENT_CLAIM_DAYS = 7;
// Stale strikes are pruned once this many have accumulated (one extra write, rarely).
const STRIKE_PRUNE_AT = 20;
// A guardrail document is kept as attribute `doc:<policy name>` of the identity's DOCS item.
const DOC_PREFIX = 'doc:';

const ttl = (ms: number) => Math.ceil(ms / 1000);
const pad = (ms: number) => String(ms).padStart(15, '0');
/** DynamoDB refuses a write that would take an item past 400 KB with a ValidationException naming the size. */
const isItemTooLarge = (error: unknown) => (error as Error).name === 'ValidationException' && /size/i.test((error as Error).message);

const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException';

function documentsOf(item: Record<string, unknown> | undefined): Map<string, PolicyDocument> {
  const documents = new Map<string, PolicyDocument>();
  for (const [name, value] of Object.entries(item ?? {})) {
    if (name.startsWith(DOC_PREFIX) && typeof value === 'string') documents.set(name.slice(DOC_PREFIX.length), JSON.parse(value) as PolicyDocument);
  }
  return documents;
}

// Item readers shared by the single reads and the batched prefetch.
/** The aws:userid of a role's agent sessions live at `at`, from its ROLESESSIONS item. */
function liveRoleSessions(item: Record<string, unknown> | undefined, at: number): string[] {
  const sessions = (item?.sessions as Record<string, number> | undefined) ?? {};
  return Object.entries(sessions).filter(([, until]) => until >= at).map(([userId]) => userId);
}

function liveSession(item: Record<string, unknown> | undefined, at: number): AgentSession | null {
  const session = item?.session as AgentSession | undefined;
  return session && session.expiresAt >= at ? session : null;
}

const tagsOf = (item: Record<string, unknown> | undefined) => (item ? new Map(Object.entries(item.tags as Record<string, string>)) : null);

function liveExemption(principalArn: string, item: Record<string, unknown> | undefined, at: number): Exemption | null {
  if (!item || (item.until as number) <= at) return null;
  return { principalArn, until: item.until as number, reason: item.reason as string };
}

export class DynamoDbState implements GuardrailState, Ledger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private async getItem(pk: string): Promise<Record<string, unknown> | undefined> {
    // Strongly consistent: a session or tag written by the previous event must be seen by this one.
    const response = await this.client.send(new GetCommand({ TableName: this.table, Key: { pk, sk: ONE }, ConsistentRead: true }));
    return response.Item;
  }

  async findSession(keys: SessionKeys, at: number): Promise<AgentSession | null> {
    for (const key of sessionKeysOf(keys)) {
      const session = liveSession(await this.getItem(`SESSION#${key}`), at);
      if (session) return session;
    }
    return null;
  }

  async putSession(session: AgentSession): Promise<void> {
    if (indexedOnRole(session)) {
      const bound = boundSessionKey(session.roleSessionKey!, session.issuedAt);
      // Event time prunes the index (never a clock: state times are event times); unknown, only the limits do.
      const now = session.issuedAt ?? null;
      await this.indexOnRole(session.roleArn, bound, session.expiresAt, now);
      // The agent's whole lineage, across roles: a containment binds every session of it where it is.
      if (session.origin) await this.indexOnRole(session.origin, lineageEntry(session.roleArn, bound), session.expiresAt, now, 'LINEAGE');
    }
    for (const key of sessionKeysOf(session)) {
      await this.client.send(new PutCommand({ TableName: this.table, Item: { pk: `SESSION#${key}`, sk: ONE, session, expiresAt: ttl(session.expiresAt) } }));
    }
  }

  /**
   * One item per role lists its agent sessions (aws:userid → live until), so the event's one BatchGetItem
   * reads it with everything else. The map entry is set in place; the first session of a role creates the
   * item (a concurrent creator makes the update path win on retry).
   */
  private indexOnRole(roleArn: string, userId: string, until: number, now: number | null, index: 'ROLESESSIONS' | 'LINEAGE' = 'ROLESESSIONS'): Promise<void> {
    return this.setInMap(`${index}#${roleArn}`, 'sessions', userId, until, (value) => value, now);
  }

  /**
   * Sets one entry of an item's map (`map.key = value`) in place; the first entry creates the item (a concurrent
   * creator makes the update path win on the next attempt). The item stays bounded (bounded-index.ts): what the
   * write returns is pruned in a second write when entries ended or the item is over its limits, and the item's
   * TTL is set to its latest-living entry (the write itself sets this entry's).
   */
  private async setInMap(pk: string, map: 'sessions' | 'rules', key: string, value: number, liveUntil: (value: number) => number, now: number | null): Promise<void> {
    const Key = { pk, sk: ONE };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const { Attributes } = await this.client.send(
          new UpdateCommand({
            TableName: this.table,
            Key,
            // Names through placeholders: RULES is one of DynamoDB's reserved words.
            UpdateExpression: 'SET #map.#key = :value, expiresAt = :ttl',
            ConditionExpression: 'attribute_exists(#map)',
            ExpressionAttributeNames: { '#map': map, '#key': key },
            ExpressionAttributeValues: { ':value': value, ':ttl': ttl(liveUntil(value)) },
            ReturnValues: 'ALL_NEW',
          }),
        );
        await this.pruneMap(Key, map, (Attributes?.[map] as Record<string, number> | undefined) ?? {}, liveUntil(value), liveUntil, now);
        return;
      } catch (error) {
        // An index written before it was bounded can sit at the 400 KB edge, where DynamoDB refuses the write:
        // prune it first, then write again.
        if (isItemTooLarge(error) && attempt < 2) {
          const item = await this.getItem(pk);
          await this.pruneMap(Key, map, (item?.[map] as Record<string, number> | undefined) ?? {}, liveUntil(value), liveUntil, now);
          continue;
        }
        if (!isConditionFailure(error)) throw error;
      }
      try {
        await this.client.send(new PutCommand({ TableName: this.table, Item: { ...Key, [map]: { [key]: value }, expiresAt: ttl(liveUntil(value)) }, ConditionExpression: 'attribute_not_exists(pk)' }));
        return;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
  }

  /** Drops an index's ended and surplus entries, and sets its TTL to its latest-living entry, where needed. */
  private async pruneMap(Key: Record<string, string>, map: string, entries: Record<string, number>, written: number, liveUntil: (value: number) => number, now: number | null): Promise<void> {
    const { drop, liveUntil: latest } = pruneIndex(entries, liveUntil, now ?? Number.NEGATIVE_INFINITY);
    const ttlBehind = latest !== null && latest > written;
    // An expression names at most a few hundred attributes in 4 KB: 100 entries a write.
    for (let start = 0; start < Math.max(drop.length, ttlBehind ? 1 : 0); start += 100) {
      const chunk = drop.slice(start, start + 100);
      const names = Object.fromEntries(chunk.map((name, i) => [`#d${i}`, name]));
      const setTtl = start === 0 && ttlBehind;
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key,
          UpdateExpression: [chunk.length > 0 ? `REMOVE ${chunk.map((_, i) => `#map.#d${i}`).join(', ')}` : '', setTtl ? 'SET expiresAt = :ttl' : ''].filter(Boolean).join(' '),
          ExpressionAttributeNames: { ...(chunk.length > 0 ? { '#map': map } : {}), ...names },
          ...(setTtl ? { ExpressionAttributeValues: { ':ttl': ttl(latest) } } : {}),
        }),
      );
    }
  }

  async lineageSessions(origin: string, at: number): Promise<string[]> {
    return liveRoleSessions(await this.getItem(`LINEAGE#${origin}`), at);
  }

  async agentSessionsOn(roleArn: string, at: number): Promise<string[]> {
    return liveRoleSessions(await this.getItem(`ROLESESSIONS#${roleArn}`), at);
  }


  async addPending(keys: readonly string[], pending: PendingEvent): Promise<void> {
    for (const key of keys) {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `PENDING#${key}`, sk: pending.record.eventID, record: JSON.stringify(pending.record), pendingUntil: pending.expiresAt, expiresAt: ttl(pending.expiresAt) },
        }),
      );
    }
  }

  async takePending(keys: readonly string[], at: number): Promise<PendingEvent[]> {
    const taken = new Map<string, PendingEvent>();
    for (const key of keys) {
      const response = await this.client.send(
        new QueryCommand({ TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `PENDING#${key}` }, ConsistentRead: true }),
      );
      const items = response.Items ?? [];
      for (const item of items) {
        if ((item.pendingUntil as number) >= at) {
          taken.set(item.sk as string, { record: JSON.parse(item.record as string) as CloudTrailRecord, expiresAt: item.pendingUntil as number });
        }
      }
      for (let i = 0; i < items.length; i += 25) {
        await this.client.send(
          new BatchWriteCommand({
            RequestItems: { [this.table]: items.slice(i, i + 25).map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })) },
          }),
        );
      }
    }
    return [...taken.values()];
  }

  async roleTags(roleKey: string): Promise<ReadonlyMap<string, string> | null> {
    return tagsOf(await this.getItem(`ROLETAGS#${roleKey}`));
  }

  async updateRoleTags(roleKey: string, set: ReadonlyMap<string, string>, remove: readonly string[]): Promise<void> {
    const tags = new Map(await this.roleTags(roleKey));
    for (const [key, value] of set) tags.set(key, value);
    for (const key of remove) tags.delete(key);
    await this.client.send(new PutCommand({ TableName: this.table, Item: { pk: `ROLETAGS#${roleKey}`, sk: ONE, tags: Object.fromEntries(tags) } }));
  }

  async exemptionFor(principalArn: string, at: number): Promise<Exemption | null> {
    return liveExemption(principalArn, await this.getItem(`EXEMPT#${principalArn}`), at);
  }

  async addExemption(principalArn: string, until: number, reason: string): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.table, Item: { pk: `EXEMPT#${principalArn}`, sk: ONE, until, reason, expiresAt: ttl(until) } }));
  }

  async countStrike(subject: string, eventID: string, at: number, windowMs: number, enough: number, retried = false): Promise<number> {
    // One UpdateItem adds the event to the subject's window (a string set: adding it again changes nothing,
    // so a redelivery counts no second strike) and returns the window; the count is read from it. The set
    // holds at most `enough` strikes (the rule's escalation threshold): past it the count cannot matter.
    const Key = { pk: `STRIKE#${subject}`, sk: ONE };
    const entry = `${pad(at)}#${eventID}`;
    const from = pad(at - windowMs + 1);
    const until = `${pad(at)}#~`;
    const inWindow = (strikes: Iterable<string>) => [...strikes].filter((s) => s >= from && s <= until);
    try {
      const response = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key,
          UpdateExpression: 'ADD strikes :entry SET expiresAt = :ttl',
          ConditionExpression: 'attribute_not_exists(strikes) OR size(strikes) < :cap OR contains(strikes, :one)',
          ExpressionAttributeValues: { ':entry': new Set([entry]), ':one': entry, ':cap': enough, ':ttl': ttl(at + windowMs) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const strikes = (response.Attributes?.strikes as Set<string> | undefined) ?? new Set([entry]);
      const stale = [...strikes].filter((s) => s < from);
      if (stale.length >= STRIKE_PRUNE_AT) await this.prune(Key, stale);
      return inWindow(strikes).length;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    // The set is full: either the window already holds enough strikes, or stale ones take the room.
    const held = (await this.client.send(new GetCommand({ TableName: this.table, Key, ConsistentRead: true }))).Item?.strikes as Set<string> | undefined;
    const counted = inWindow(held ?? []);
    if (counted.length >= enough || retried) return Math.max(counted.length, enough);
    await this.prune(Key, [...(held ?? [])].filter((s) => s < from));
    return this.countStrike(subject, eventID, at, windowMs, enough, true);
  }

  private async prune(Key: Record<string, string>, stale: readonly string[]): Promise<void> {
    if (stale.length === 0) return;
    await this.client.send(new UpdateCommand({ TableName: this.table, Key, UpdateExpression: 'DELETE strikes :stale', ExpressionAttributeValues: { ':stale': new Set(stale) } }));
  }

  async writtenDocuments(identityKey: string): Promise<ReadonlyMap<string, PolicyDocument>> {
    return documentsOf(await this.getItem(`DOCS#${identityKey}`));
  }

  async recordWritten(identityKey: string, policyName: string, document: PolicyDocument | null): Promise<void> {
    const Key = { pk: `DOCS#${identityKey}`, sk: ONE };
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key,
        UpdateExpression: document ? 'SET #doc = :doc' : 'REMOVE #doc',
        ExpressionAttributeNames: { '#doc': `${DOC_PREFIX}${policyName}` },
        ExpressionAttributeValues: document ? { ':doc': JSON.stringify(document) } : undefined,
      }),
    );
  }

  async prefetch(keys: PrefetchKeys, at: number): Promise<Prefetched> {
    const wanted = new Set(keys.sessionKeys.map((key) => `SESSION#${key}`));
    if (keys.roleTagKey) wanted.add(`ROLETAGS#${keys.roleTagKey}`);
    if (keys.quarantineArn) wanted.add(`QUARANTINE#${keys.quarantineArn}`);
    if (keys.exemptionArn) wanted.add(`EXEMPT#${keys.exemptionArn}`);
    if (keys.identityKey) wanted.add(`DOCS#${keys.identityKey}`);
    if (keys.sessionRoleArn) wanted.add(`ROLESESSIONS#${keys.sessionRoleArn}`);
    if (keys.lineageOrigin) wanted.add(`LINEAGE#${keys.lineageOrigin}`);
    const items = new Map<string, Record<string, unknown>>();
    // One strongly consistent BatchGetItem (at most 100 keys); keys DynamoDB leaves unprocessed are asked again.
    let request: Record<string, unknown>[] = [...wanted].map((pk) => ({ pk, sk: ONE }));
    for (let attempt = 0; request.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(200, 10 * 2 ** attempt)));
      if (attempt > 8) throw new Error(`BatchGetItem left ${request.length} keys unprocessed`);
      const response = await this.client.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: request, ConsistentRead: true } } }));
      for (const item of response.Responses?.[this.table] ?? []) items.set(item.pk as string, item);
      request = (response.UnprocessedKeys?.[this.table]?.Keys ?? []) as Record<string, unknown>[];
    }
    const sessions = new Map<string, AgentSession>();
    for (const key of keys.sessionKeys) {
      const session = liveSession(items.get(`SESSION#${key}`), at);
      if (session) sessions.set(key, session);
    }
    return {
      sessions,
      roleTags: keys.roleTagKey ? tagsOf(items.get(`ROLETAGS#${keys.roleTagKey}`)) : null,
      quarantined: keys.quarantineArn ? items.has(`QUARANTINE#${keys.quarantineArn}`) : false,
      exemption: keys.exemptionArn ? liveExemption(keys.exemptionArn, items.get(`EXEMPT#${keys.exemptionArn}`), at) : null,
      documents: keys.identityKey ? documentsOf(items.get(`DOCS#${keys.identityKey}`)) : null,
      roleSessions: keys.sessionRoleArn ? new Map(Object.entries((items.get(`ROLESESSIONS#${keys.sessionRoleArn}`)?.sessions as Record<string, number> | undefined) ?? {})) : null,
      lineage: keys.lineageOrigin ? new Map(Object.entries((items.get(`LINEAGE#${keys.lineageOrigin}`)?.sessions as Record<string, number> | undefined) ?? {})) : null,
    };
  }

  async rememberAgentMinter(caller: string, roleArn: string, expiresAt: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `MINTER#${caller}|${roleArn}`, sk: ONE },
          UpdateExpression: 'SET #until = :until, expiresAt = :ttl',
          // The latest live agent session decides: an earlier expiry never shortens it.
          ConditionExpression: 'attribute_not_exists(#until) OR #until < :until',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':until': expiresAt, ':ttl': ttl(expiresAt) },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async isAgentMinter(caller: string, roleArn: string, at: number): Promise<boolean> {
    const item = await this.getItem(`MINTER#${caller}|${roleArn}`);
    return typeof item?.until === 'number' && item.until >= at;
  }

  async rememberRevocation(roleArn: string, at: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `REVOKED#${roleArn}`, sk: ONE },
          UpdateExpression: 'SET #at = :at, expiresAt = :ttl',
          // The latest revocation decides; a redelivered older one never moves it back.
          ConditionExpression: 'attribute_not_exists(#at) OR #at < :at',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':at': at, ':ttl': ttl(at + PENDING_WAIT_MS) },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async rememberTaken(item: string, at: number): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `TAKEN#${item}`, sk: ONE },
        UpdateExpression: 'SET #at = :at, expiresAt = :ttl',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':at': at, ':ttl': ttl(at + TAKEN_MEMORY_MS) },
      }),
    );
  }

  async rememberContainedLineage(origin: string, ruleId: string, at: number): Promise<void> {
    await this.setInMap(`CONTAINED#${origin}`, 'rules', ruleId, at, (when) => when + PENDING_WAIT_MS, at);
  }

  async containedLineage(origin: string, at: number): Promise<string[]> {
    const rules = ((await this.getItem(`CONTAINED#${origin}`))?.rules as Record<string, number> | undefined) ?? {};
    return Object.entries(rules).filter(([, when]) => when <= at && at - when <= PENDING_WAIT_MS).map(([rule]) => rule);
  }

  async wasTaken(item: string, at: number): Promise<boolean> {
    const takenAt = (await this.getItem(`TAKEN#${item}`))?.at;
    return typeof takenAt === 'number' && at - takenAt <= TAKEN_MEMORY_MS;
  }

  async revokedSince(roleArn: string, at: number): Promise<number | null> {
    const item = await this.getItem(`REVOKED#${roleArn}`);
    const revokedAt = item?.at;
    return typeof revokedAt === 'number' && revokedAt <= at && at - revokedAt <= PENDING_WAIT_MS ? revokedAt : null;
  }

  async isQuarantined(roleArn: string): Promise<boolean> {
    return (await this.getItem(`QUARANTINE#${roleArn}`)) !== undefined;
  }

  async markQuarantined(roleArn: string, quarantined: boolean): Promise<void> {
    const Key = { pk: `QUARANTINE#${roleArn}`, sk: ONE };
    if (quarantined) await this.client.send(new PutCommand({ TableName: this.table, Item: Key }));
    else await this.client.send(new DeleteCommand({ TableName: this.table, Key }));
  }

  async claimEvent(eventID: string, now: number, leaseUntil: number): Promise<EventClaim> {
    const Key = { pk: `EVENT#${eventID}`, sk: ONE };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...Key, status: 'in-progress', leaseUntil, expiresAt: ttl(now + EVENT_CLAIM_DAYS * 86_400_000) },
          // Free when never claimed, or when the holder's lease ran out before it completed.
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :inProgress AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': 'in-progress', ':now': now },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const held = (error as { Item?: Record<string, { S?: string }> }).Item ?? (await this.client.send(new GetCommand({ TableName: this.table, Key, ConsistentRead: true }))).Item;
      const status = typeof held?.status === 'string' ? held.status : (held?.status as { S?: string } | undefined)?.S;
      return status === 'completed' ? 'completed' : 'in-progress';
    }
  }

  async completeEvent(eventID: string, now: number, note?: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `EVENT#${eventID}`, sk: ONE },
        UpdateExpression: `SET #status = :completed, expiresAt = :ttl${note ? ', note = :note' : ''} REMOVE leaseUntil`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':completed': 'completed', ':ttl': ttl(now + EVENT_CLAIM_DAYS * 86_400_000), ...(note ? { ':note': note } : {}) },
      }),
    );
  }

  async releaseEvent(eventID: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.table, Key: { pk: `EVENT#${eventID}`, sk: ONE } }));
  }

  private ledgerItem(entry: LedgerEntry): Record<string, unknown> {
    // Sorted by the time of the fact, then by the order of writing (intent before result).
    return { pk: `LEDGER#${entry.principalArn}`, sk: `${pad(entry.at)}#${process.hrtime.bigint().toString().padStart(24, '0')}#${entry.id}`, entry: JSON.stringify(entry) };
  }

  async write(entry: LedgerEntry): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.table, Item: this.ledgerItem(entry) }));
  }

  async entriesFor(principalArn: string): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `LEDGER#${principalArn}` }, ExclusiveStartKey: start, ConsistentRead: true }),
      );
      for (const item of page.Items ?? []) entries.push(JSON.parse(item.entry as string) as LedgerEntry);
      start = page.LastEvaluatedKey;
    } while (start);
    return entries;
  }

  async claimResponse(claim: ResponseClaim, intent: LedgerEntry): Promise<boolean> {
    // The claim (a conditional put) and the ledger's intent entry in one round trip, side by side. Not a
    // transaction: concurrent claims of one response would cancel each other (TransactionConflict) where a
    // conditional put simply fails its condition; an intent whose claim failed is followed by `coalesced`.
    const [claimed] = await Promise.all([
      this.client
        .send(
          new PutCommand({
            TableName: this.table,
            Item: { pk: `RESPONSE#${claim.principalArn}`, sk: claim.responseKey, until: claim.leaseUntil, expiresAt: ttl(claim.leaseUntil) },
            // Free when never claimed, or when the last claim has lapsed (TTL deletion is not immediate).
            ConditionExpression: 'attribute_not_exists(pk) OR #until <= :now',
            ExpressionAttributeNames: { '#until': 'until' },
            ExpressionAttributeValues: { ':now': claim.now },
          }),
        )
        .then(
          () => true,
          (error: unknown) => {
            if (isConditionFailure(error)) return false;
            throw error;
          },
        ),
      this.write(intent),
    ]);
    return claimed;
  }

  async confirmResponse(principalArn: string, responseKey: string, until: number): Promise<void> {
    await this.client.send(
      new PutCommand({ TableName: this.table, Item: { pk: `RESPONSE#${principalArn}`, sk: responseKey, until, expiresAt: ttl(until) } }),
    );
  }

  async releaseResponse(principalArn: string, responseKey?: string): Promise<void> {
    const pk = `RESPONSE#${principalArn}`;
    if (responseKey) {
      await this.client.send(new DeleteCommand({ TableName: this.table, Key: { pk, sk: responseKey } }));
      return;
    }
    const response = await this.client.send(new QueryCommand({ TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }));
    for (const item of response.Items ?? []) await this.client.send(new DeleteCommand({ TableName: this.table, Key: { pk, sk: item.sk } }));
  }
}
