import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiKeyStore, hashApiKey } from '#shared/db/api-keys.js';

/**
 * The record (tenant credentials) and the lookup (the function's own role) cannot share a
 * transaction, so their order is what keeps a half-done write safe.
 */
const tenantDoc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const lookupDoc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const tenantMock = mockClient(tenantDoc);
const lookupMock = mockClient(lookupDoc);
const events: string[] = [];
const store = new ApiKeyStore(tenantDoc, lookupDoc, 'table', 'secret');

beforeEach(() => {
  tenantMock.reset();
  lookupMock.reset();
  events.length = 0;
  for (const [name, mock] of [['tenant', tenantMock], ['lookup', lookupMock]] as const) {
    mock.on(PutCommand).callsFake(async (input: { Item: { pk: string } }) => void events.push(`${name}:put:${input.Item.pk}`));
    mock.on(DeleteCommand).callsFake(async (input: { Key: { pk: string } }) => void events.push(`${name}:delete:${input.Key.pk}`));
  }
});

describe('ApiKeyStore write order', () => {
  it('writes the tenant record before the lookup that makes the key work', async () => {
    const { key, record } = await store.create('t1', { name: 'ci', role: 'viewer', expiresAt: null, createdBy: 'u1' });
    expect(events).toEqual(['tenant:put:TENANT#t1#APIKEY', `lookup:put:APIKEY#${hashApiKey(key)}`]);
    const lookup = lookupMock.commandCalls(PutCommand)[0]!.args[0].input;
    expect(lookup.Item).toMatchObject({ tenantId: 't1', keyId: record.id, role: 'viewer' });
    expect(JSON.stringify(lookup.Item)).not.toContain(key);
    expect(JSON.stringify(tenantMock.commandCalls(PutCommand)[0]!.args[0].input.Item)).not.toContain(key);
  });

  it('removes the record again when the lookup cannot be written', async () => {
    lookupMock.on(PutCommand).rejects(new Error('throttled'));
    await expect(store.create('t1', { name: 'ci', role: 'viewer', expiresAt: null, createdBy: 'u1' })).rejects.toThrow('throttled');
    expect(events).toEqual(['tenant:put:TENANT#t1#APIKEY', 'tenant:delete:TENANT#t1#APIKEY']);
  });

  it('deletes the lookup (the key stops working) before the record on revoke', async () => {
    tenantMock.on(GetCommand).resolves({ Item: { hash: 'abc123' } });
    await store.revoke('t1', 'k1');
    expect(events).toEqual(['lookup:delete:APIKEY#abc123', 'tenant:delete:TENANT#t1#APIKEY']);
  });

  it("answers NotFound for a key that is not in the caller's tenant, deleting nothing", async () => {
    tenantMock.on(GetCommand).resolves({});
    await expect(store.revoke('t1', 'other-tenants-key')).rejects.toMatchObject({ status: 404 });
    expect(events).toEqual([]);
  });
});
