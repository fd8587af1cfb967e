import { createHash, randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { Role } from '../auth/permissions.js';
import { NotFound } from '../errors.js';
import { keys } from './keys.js';
import { queryPage, type Page } from './pages.js';

/**
 * API keys for programs. The key is shown once; only its SHA-256 is stored: in the tenant's
 * record (listing, revoking) and in a lookup item outside the tenant, which the authorizer reads
 * before it knows the tenant. The two live under different credentials, so they are written in an
 * order that is safe if a step fails: record before lookup on create, lookup before record on
 * revoke. A failure can leave a listed key that does not work, never a working key that is not listed.
 */
export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

export interface ApiKeyLookup {
  tenantId: string;
  keyId: string;
  role: Role;
  expiresAt: string | null;
}

const KEY_PREFIX = 'co_';

/** 256 bits of randomness; SHA-256 is enough (no slow hash needed) for a key that long. */
export const hashApiKey = (key: string): string => createHash('sha256').update(key).digest('hex');

export const looksLikeApiKey = (value: string): boolean => /^co_[A-Za-z0-9_-]{43}$/.test(value);

export class ApiKeyStore {
  /**
   * @param tenantDoc client for the tenant's own items (tenant-scoped in AWS)
   * @param lookupDoc client for the `APIKEY#<hash>` lookups (the function's own role)
   */
  constructor(
    private readonly tenantDoc: DynamoDBDocumentClient,
    private readonly lookupDoc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursorSecret: string,
  ) {}

  async create(tenantId: string, input: { name: string; role: Role; expiresAt: string | null; createdBy: string }) {
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const hash = hashApiKey(key);
    const record: ApiKeyRecord = {
      id: ulid(),
      name: input.name,
      role: input.role,
      prefix: key.slice(0, 10),
      createdAt: new Date().toISOString(),
      createdBy: input.createdBy,
      expiresAt: input.expiresAt,
      lastUsedAt: null,
    };
    const lookup: ApiKeyLookup = { tenantId, keyId: record.id, role: record.role, expiresAt: record.expiresAt };
    await this.tenantDoc.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.apiKey(tenantId, record.id), entity: 'ApiKey', ...record, hash } }),
    );
    try {
      await this.lookupDoc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.apiKeyByHash(hash),
            entity: 'ApiKeyLookup',
            ...lookup,
            ttl: record.expiresAt ? Math.floor(Date.parse(record.expiresAt) / 1000) : undefined,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      await this.tenantDoc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.apiKey(tenantId, record.id) })).catch(() => undefined);
      throw error;
    }
    return { record, key };
  }

  async list(tenantId: string, limit: number, cursor: string | undefined, fingerprint: string): Promise<Page<ApiKeyRecord>> {
    const { pk, skPrefix } = keys.apiKeysOf(tenantId);
    const page = await queryPage(this.tenantDoc, this.tableName, this.cursorSecret, { tenantId, pk, skPrefix, limit, cursor, fingerprint });
    return { items: page.items.map(toRecord), nextCursor: page.nextCursor };
  }

  /** The key stops authenticating as soon as cached authorizer answers expire (60 s at most). */
  async revoke(tenantId: string, keyId: string): Promise<void> {
    const out = await this.tenantDoc.send(new GetCommand({ TableName: this.tableName, Key: keys.apiKey(tenantId, keyId), ConsistentRead: true }));
    if (!out.Item) throw new NotFound('API key not found.');
    await this.lookupDoc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.apiKeyByHash(out.Item.hash as string) }));
    await this.tenantDoc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.apiKey(tenantId, keyId) }));
  }

  async findByKey(key: string): Promise<ApiKeyLookup | undefined> {
    const out = await this.lookupDoc.send(new GetCommand({ TableName: this.tableName, Key: keys.apiKeyByHash(hashApiKey(key)), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { tenantId, keyId, role, expiresAt } = out.Item as ApiKeyLookup;
    return { tenantId, keyId, role, expiresAt };
  }

  async touch(tenantId: string, keyId: string): Promise<void> {
    await this.tenantDoc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.apiKey(tenantId, keyId),
        UpdateExpression: 'SET lastUsedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': new Date().toISOString() },
      }),
    );
  }
}

function toRecord(item: Record<string, unknown>): ApiKeyRecord {
  const { id, name, role, prefix, createdAt, createdBy, expiresAt, lastUsedAt } = item as unknown as ApiKeyRecord;
  return { id, name, role, prefix, createdAt, createdBy, expiresAt: expiresAt ?? null, lastUsedAt: lastUsedAt ?? null };
}
