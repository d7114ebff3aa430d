import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CloudTrailRecord } from '../core/cloudtrail/record-schema.ts';
import type { AgentSession, Exemption, GuardrailState, PendingEvent, SessionKeys } from '../core/state/guardrail-state.ts';
import type { Ledger, LedgerEntry } from '../core/state/ledger.ts';

/**
 * Detection state and the ledger in one DynamoDB table (`pk`, `sk`, TTL attribute `expiresAt` in epoch
 * seconds). Item kinds are told apart by the key prefix.
 */
const ONE = '_';
const EVENT_CLAIM_DAYS = 7;

const ttl = (ms: number) => Math.ceil(ms / 1000);
const pad = (ms: number) => String(ms).padStart(15, '0');

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
    for (const key of [keys.accessKeyId, keys.roleSessionKey]) {
      if (!key) continue;
      const item = await this.getItem(`SESSION#${key}`);
      const session = item?.session as AgentSession | undefined;
      if (session && session.expiresAt >= at) return session;
    }
    return null;
  }

  async putSession(session: AgentSession): Promise<void> {
    for (const key of [session.accessKeyId, session.roleSessionKey]) {
      if (!key) continue;
      await this.client.send(new PutCommand({ TableName: this.table, Item: { pk: `SESSION#${key}`, sk: ONE, session, expiresAt: ttl(session.expiresAt) } }));
    }
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
    const item = await this.getItem(`ROLETAGS#${roleKey}`);
    return item ? new Map(Object.entries(item.tags as Record<string, string>)) : null;
  }

  async updateRoleTags(roleKey: string, set: ReadonlyMap<string, string>, remove: readonly string[]): Promise<void> {
    const tags = new Map(await this.roleTags(roleKey));
    for (const [key, value] of set) tags.set(key, value);
    for (const key of remove) tags.delete(key);
    await this.client.send(new PutCommand({ TableName: this.table, Item: { pk: `ROLETAGS#${roleKey}`, sk: ONE, tags: Object.fromEntries(tags) } }));
  }

  async exemptionFor(principalArn: string, at: number): Promise<Exemption | null> {
    const item = await this.getItem(`EXEMPT#${principalArn}`);
    if (!item || (item.until as number) <= at) return null;
    return { principalArn, until: item.until as number, reason: item.reason as string };
  }

  async addExemption(principalArn: string, until: number, reason: string): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.table, Item: { pk: `EXEMPT#${principalArn}`, sk: ONE, until, reason, expiresAt: ttl(until) } }));
  }

  async countStrike(subject: string, at: number, windowMs: number): Promise<number> {
    const pk = `STRIKE#${subject}`;
    await this.client.send(new PutCommand({ TableName: this.table, Item: { pk, sk: `${pad(at)}#${Math.random().toString(36).slice(2, 10)}`, expiresAt: ttl(at + windowMs) } }));
    const response = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': pad(at - windowMs + 1), ':to': `${pad(at)}#~` },
        Select: 'COUNT',
        ConsistentRead: true,
      }),
    );
    return response.Count ?? 1;
  }

  async isQuarantined(roleArn: string): Promise<boolean> {
    return (await this.getItem(`QUARANTINE#${roleArn}`)) !== undefined;
  }

  async markQuarantined(roleArn: string, quarantined: boolean): Promise<void> {
    const Key = { pk: `QUARANTINE#${roleArn}`, sk: ONE };
    if (quarantined) await this.client.send(new PutCommand({ TableName: this.table, Item: Key }));
    else await this.client.send(new DeleteCommand({ TableName: this.table, Key }));
  }

  async claimEvent(eventID: string, at: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `EVENT#${eventID}`, sk: ONE, expiresAt: ttl(at + EVENT_CLAIM_DAYS * 86_400_000) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async releaseEvent(eventID: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.table, Key: { pk: `EVENT#${eventID}`, sk: ONE } }));
  }

  async write(entry: LedgerEntry): Promise<void> {
    await this.client.send(
      // Sorted by the time of the fact, then by the order of writing (intent before result).
      new PutCommand({ TableName: this.table, Item: { pk: `LEDGER#${entry.principalArn}`, sk: `${pad(entry.at)}#${process.hrtime.bigint().toString().padStart(24, '0')}#${entry.id}`, entry: JSON.stringify(entry) } }),
    );
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

  async claimResponse(principalArn: string, responseKey: string, at: number, ttlMs: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `RESPONSE#${principalArn}`, sk: responseKey, until: at + ttlMs, expiresAt: ttl(at + ttlMs) },
          // Free when never claimed, or when the last claim has lapsed (TTL deletion is not immediate).
          ConditionExpression: 'attribute_not_exists(pk) OR #until <= :at',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
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
