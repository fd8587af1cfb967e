import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { QUOTA_EXCEEDED } from '#shared/assistant/constants.js';
import { ConversationStore, ownerKeyOf } from '#shared/assistant/store.js';
import { keys } from '#shared/db/keys.js';

/** The conversation store's DynamoDB calls, mocked: keys per owner, the atomic quota, the delete order. */
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const ddb = mockClient(DynamoDBDocumentClient);
const store = new ConversationStore(doc, 'table', 'secret');
beforeEach(() => ddb.reset());

describe('ConversationStore', () => {
  it("reads a conversation under its owner's key, so another user's id is simply absent (404)", async () => {
    ddb.on(GetCommand).resolves({});
    await expect(store.get('t1', 'user-2', '01HXAAAAAAAAAAAAAAAAAAAAAA')).rejects.toMatchObject({ status: 404 });
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input.Key).toEqual(keys.assistantConversation('t1', 'user-2', '01HXAAAAAAAAAAAAAAAAAAAAAA'));
  });

  it('hashes a principal id that could not be part of a key', () => {
    expect(ownerKeyOf('user-1')).toBe('user-1');
    expect(ownerKeyOf('a#b')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ownerKeyOf('a#b')).not.toBe(ownerKeyOf('a#c'));
  });

  it('counts a question only below the limit, in one conditional update, and answers 429 past it', async () => {
    ddb.on(UpdateCommand).resolvesOnce({ Attributes: { questions: 7 } }).rejectsOnce(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    expect(await store.reserveQuestion('t1', '2026-11', 100, '2026-11-23T00:00:00Z')).toBe(7);
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.Key).toEqual(keys.assistantUsage('t1', '2026-11'));
    expect(input.ConditionExpression).toBe('attribute_not_exists(questions) OR questions < :limit');
    expect(input.ExpressionAttributeValues![':limit']).toBe(100);
    await expect(store.reserveQuestion('t1', '2026-11', 100, '2026-11-23T00:00:00Z')).rejects.toMatchObject({ status: 429, code: QUOTA_EXCEEDED });
  });

  it('deletes the messages before the conversation, retrying unprocessed deletes, so a failure leaves it to retry', async () => {
    const conversation = { pk: 'x', sk: 'y', id: 'c1', ownerId: 'user-1', title: 't', turns: 2, createdAt: '', updatedAt: '' };
    ddb.on(GetCommand).resolves({ Item: conversation });
    const messages = keys.assistantMessagesOf('t1', 'c1');
    ddb.on(QueryCommand).resolves({ Items: [{ pk: messages.pk, sk: 'MSG#1' }, { pk: messages.pk, sk: 'MSG#2' }] });
    ddb.on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { table: [{ DeleteRequest: { Key: { pk: messages.pk, sk: 'MSG#2' } } }] } })
      .resolvesOnce({});
    ddb.on(DeleteCommand).resolves({});
    await store.delete('t1', 'user-1', 'c1');
    const order = ddb.calls().map((c) => c.args[0].constructor.name);
    expect(order).toEqual(['GetCommand', 'QueryCommand', 'BatchWriteCommand', 'BatchWriteCommand', 'DeleteCommand']);
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input.Key).toEqual(keys.assistantConversation('t1', 'user-1', 'c1'));

    ddb.reset();
    ddb.on(GetCommand).resolves({ Item: conversation });
    ddb.on(QueryCommand).resolves({ Items: [{ pk: messages.pk, sk: 'MSG#1' }] });
    ddb.on(BatchWriteCommand).resolves({ UnprocessedItems: { table: [{ DeleteRequest: { Key: { pk: messages.pk, sk: 'MSG#1' } } }] } });
    await expect(store.delete('t1', 'user-1', 'c1')).rejects.toThrow(/try again/);
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });
});
