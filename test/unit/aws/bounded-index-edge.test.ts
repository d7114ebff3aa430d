import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { DynamoDbState } from '../../../functions/aws/dynamodb-state.ts';

/**
 * DynamoDB refuses a write that would take an item past 400 KB (ValidationException "Item size to update has
 * exceeded the maximum allowed size": https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html).
 * moto does not, so the refusal is played by the SDK's own mock: an index written before it was bounded, at the
 * edge, is pruned and the write made again, not lost.
 */
describe('a session index at the 400 KB edge', () => {
  it('is pruned of its ended entries and written again when DynamoDB refuses the write for its size', async () => {
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
    const mock = mockClient(documents);
    const at = Date.parse('2026-11-20T09:00:00Z');
    const tooLarge = Object.assign(new Error('Item size to update has exceeded the maximum allowed size'), { name: 'ValidationException' });
    mock.on(UpdateCommand).rejectsOnce(tooLarge).resolves({ Attributes: { sessions: { 'AROAEXAMPLEEDGE00001:new|2026-11-20T09:00:00.000Z': at + 3_600_000 } } });
    mock.on(GetCommand).resolves({ Item: { pk: 'ROLESESSIONS#arn:aws:iam::111122223333:role/Edge', sk: '_', sessions: { 'AROAEXAMPLEEDGE00001:old': at - 1_000, 'AROAEXAMPLEEDGE00001:live': at + 1_000 } } });
    mock.on(PutCommand).resolves({});
    const state = new DynamoDbState(documents, 'table');
    await state.putSession({ accessKeyId: null, roleSessionKey: 'AROAEXAMPLEEDGE00001:new', roleArn: 'arn:aws:iam::111122223333:role/Edge', signals: ['session-tag'], evidence: 'test', expiresAt: at + 3_600_000, issuedAt: at });
    const updates = mock.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    // Refused, pruned (the ended session removed), then written again.
    expect(updates[0]!.UpdateExpression).toMatch(/^SET #map\.#key/);
    expect(updates[1]!.UpdateExpression).toMatch(/^REMOVE #map\.#d0/);
    expect(updates[1]!.ExpressionAttributeNames).toMatchObject({ '#d0': 'AROAEXAMPLEEDGE00001:old' });
    expect(updates[2]!.UpdateExpression).toMatch(/^SET #map\.#key/);
    expect(updates[2]!.ExpressionAttributeNames).toMatchObject({ '#key': 'AROAEXAMPLEEDGE00001:new|2026-11-20T09:00:00.000Z' });
  });
});
