import {
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { Role } from '../auth/permissions.js';
import { Conflict, NotFound } from '../errors.js';
import { keys } from './keys.js';
import { queryPage, type Page } from './pages.js';

/**
 * Tenants and their users: the directory every domain and the authorizer consult. Identity
 * (passwords, tokens) lives in Cognito; this holds the tenant-scoped profile and the current role,
 * which the authorizer reads so a role change or removal takes effect without waiting for tokens to expire.
 */
export interface Tenant {
  id: string;
  name: string;
  timezone: string;
  createdAt: string;
  updatedAt: string;
}

export interface User {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  status: 'invited' | 'active';
  timezone: string | null;
  createdAt: string;
  updatedAt: string;
}

export type UserPatch = Partial<Pick<User, 'role' | 'name' | 'timezone' | 'status'>>;

const strip = <T>(item: Record<string, unknown> | undefined): T | undefined => {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, entity: _e, adminCount: _a, ...rest } = item;
  return rest as T;
};

const cancelledBy = (error: unknown, index: number): boolean =>
  error instanceof TransactionCanceledException &&
  error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';

export class Directory {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursorSecret: string,
  ) {}

  /** The tenant and its first admin, all or nothing (the registry entry is TenantRegistry's). */
  async createTenant(tenant: Tenant, admin: User): Promise<void> {
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.tenantProfile(tenant.id), entity: 'Tenant', ...tenant, adminCount: 1 },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          { Put: { TableName: this.tableName, Item: { ...keys.user(tenant.id, admin.id), entity: 'User', ...admin } } },
        ],
      }),
    );
  }

  async getTenant(tenantId: string): Promise<Tenant> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.tenantProfile(tenantId) }));
    const tenant = strip<Tenant>(out.Item);
    if (!tenant) throw new NotFound('Tenant not found.');
    return tenant;
  }

  async updateTenant(tenantId: string, patch: Partial<Pick<Tenant, 'name' | 'timezone'>>): Promise<Tenant> {
    const { expression, names, values } = setExpression({ ...patch, updatedAt: new Date().toISOString() });
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.tenantProfile(tenantId),
        UpdateExpression: expression,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    ).catch(notFoundOnCondition('Tenant not found.'));
    return strip<Tenant>(out.Attributes)!;
  }

  async getUser(tenantId: string, userId: string): Promise<User | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.user(tenantId, userId) }));
    return strip<User>(out.Item);
  }

  async listUsers(tenantId: string, limit: number, cursor: string | undefined, fingerprint: string): Promise<Page<User>> {
    const { pk, skPrefix } = keys.usersOf(tenantId);
    const page = await queryPage(this.doc, this.tableName, this.cursorSecret, { tenantId, pk, skPrefix, limit, cursor, fingerprint });
    return { items: page.items.map((i) => strip<User>(i)!), nextCursor: page.nextCursor };
  }

  /** Adds a user; admins are counted on the tenant so the last one can never be removed. */
  async addUser(tenantId: string, user: User): Promise<void> {
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.user(tenantId, user.id), entity: 'User', ...user },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          this.adminCountUpdate(tenantId, user.role === 'admin' ? 1 : 0),
        ],
      }),
    ).catch((error: unknown) => {
      if (cancelledBy(error, 0)) throw new Conflict('That user already exists.', 'USER_EXISTS');
      throw error;
    });
  }

  /**
   * Updates a user. Demoting an admin is guarded in the same transaction: the tenant's admin count
   * must stay at one or more, so two admins demoting each other at once cannot leave none.
   */
  async updateUser(tenantId: string, current: User, patch: UserPatch): Promise<User> {
    const delta = adminDelta(current.role, patch.role ?? current.role);
    const updated: User = { ...current, ...patch, updatedAt: new Date().toISOString() };
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.user(tenantId, current.id), entity: 'User', ...updated },
              // Optimistic: the user is unchanged since it was read.
              ConditionExpression: 'updatedAt = :seen',
              ExpressionAttributeValues: { ':seen': current.updatedAt },
            },
          },
          this.adminCountUpdate(tenantId, delta),
        ],
      }),
    ).catch((error: unknown) => this.rethrowUserWrite(error));
    return updated;
  }

  async removeUser(tenantId: string, current: User): Promise<void> {
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: this.tableName,
              Key: keys.user(tenantId, current.id),
              ConditionExpression: 'updatedAt = :seen',
              ExpressionAttributeValues: { ':seen': current.updatedAt },
            },
          },
          this.adminCountUpdate(tenantId, current.role === 'admin' ? -1 : 0),
        ],
      }),
    ).catch((error: unknown) => this.rethrowUserWrite(error));
  }

  private adminCountUpdate(tenantId: string, delta: number) {
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.tenantProfile(tenantId),
        UpdateExpression: 'ADD adminCount :delta',
        // Removing an admin needs another one left; adding needs the tenant to exist.
        ConditionExpression: delta < 0 ? 'adminCount > :one' : 'attribute_exists(pk)',
        ExpressionAttributeValues: delta < 0 ? { ':delta': delta, ':one': 1 } : { ':delta': delta },
      },
    };
  }

  private rethrowUserWrite(error: unknown): never {
    if (cancelledBy(error, 0)) throw new Conflict('The user changed meanwhile; read it again and retry.', 'STALE_WRITE');
    if (cancelledBy(error, 1)) {
      throw new Conflict('An organization needs at least one admin: promote another user first.', 'LAST_ADMIN');
    }
    throw error;
  }
}

const adminDelta = (from: Role, to: Role): number => (from === to ? 0 : to === 'admin' ? 1 : from === 'admin' ? -1 : 0);

/** `SET #a = :a, ...` for the defined fields of a patch (null clears a field to null). */
export function setExpression(patch: Record<string, unknown>) {
  const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
  return {
    expression: `SET ${entries.map(([k]) => `#${k} = :${k}`).join(', ')}`,
    names: Object.fromEntries(entries.map(([k]) => [`#${k}`, k])),
    values: Object.fromEntries(entries.map(([k, v]) => [`:${k}`, v])),
  };
}

export const notFoundOnCondition = (message: string) => (error: unknown): never => {
  if ((error as Error).name === 'ConditionalCheckFailedException') throw new NotFound(message);
  throw error;
};
