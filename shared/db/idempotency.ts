import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableClients } from '../aws/tenant-clients.js';
import { keys } from './keys.js';

/**
 * Idempotency records for writes sent with an `Idempotency-Key`: the first request claims the key,
 * its answer is stored for 24 hours, and a retry with the same key and body gets that answer again.
 */
export interface StoredResponse {
  statusCode: number;
  body: string;
  contentType: string | null;
}

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'in-progress' }
  | { kind: 'mismatch' };

/** Port used by the idempotency middleware; IdempotencyStore is its DynamoDB implementation. */
export interface IdempotencyRecords {
  claim(tenantId: string, principalId: string, key: string, fingerprint: string): Promise<Claim>;
  complete(tenantId: string, principalId: string, key: string, response: StoredResponse): Promise<void>;
  release(tenantId: string, principalId: string, key: string): Promise<void>;
}

const RETENTION_SECONDS = 24 * 60 * 60;
/** A claim whose request died (timeout, crash) may be taken over after this long. */
const LOCK_SECONDS = 60;

export class IdempotencyStore implements IdempotencyRecords {
  constructor(
    private readonly tables: TableClients,
    private readonly tableName: string,
  ) {}

  async claim(tenantId: string, principalId: string, key: string, fingerprint: string): Promise<Claim> {
    const doc = this.tables.forTenant(tenantId);
    const now = Math.floor(Date.now() / 1000);
    const itemKey = keys.idempotency(tenantId, principalId, key);
    try {
      await doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...itemKey, entity: 'IdempotencyRecord', status: 'in_progress', fingerprint, lockedUntil: now + LOCK_SECONDS, ttl: now + RETENTION_SECONDS },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :inProgress AND lockedUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': 'in_progress', ':now': now },
        }),
      );
      return { kind: 'claimed' };
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
    const out = await doc.send(new GetCommand({ TableName: this.tableName, Key: itemKey, ConsistentRead: true }));
    const record = out.Item;
    if (!record) return this.claim(tenantId, principalId, key, fingerprint); // expired between the two calls
    if (record.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (record.status !== 'done') return { kind: 'in-progress' };
    return { kind: 'replay', response: record.response as StoredResponse };
  }

  async complete(tenantId: string, principalId: string, key: string, response: StoredResponse): Promise<void> {
    await this.tables.forTenant(tenantId).send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.idempotency(tenantId, principalId, key),
        UpdateExpression: 'SET #status = :done, #response = :response REMOVE lockedUntil',
        ExpressionAttributeNames: { '#status': 'status', '#response': 'response' },
        ExpressionAttributeValues: { ':done': 'done', ':response': response },
      }),
    );
  }

  /** A failed request releases its key, so the client can retry it. */
  async release(tenantId: string, principalId: string, key: string): Promise<void> {
    await this.tables.forTenant(tenantId).send(new DeleteCommand({ TableName: this.tableName, Key: keys.idempotency(tenantId, principalId, key) }));
  }
}
