import { randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../db/keys.js';
import { queryPage, type Page } from '../db/pages.js';
import { Conflict, NotFound } from '../errors.js';
import type { AccessTestResult, AccountStatus, ConnectedAccount, SyncRun } from './model.js';

const strip = <T>(item: Record<string, unknown> | undefined): T | undefined => {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, entity: _e, ...rest } = item;
  return rest as T;
};

/** A fresh ExternalId: unguessable, never chosen by a caller (the confused-deputy guard). */
export const newExternalId = (): string => `cloudoptima-${randomBytes(18).toString('base64url')}`;

/** Connected accounts and the tenant's ExternalId (tenant-scoped client in AWS). */
export class AccountStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursorSecret: string,
  ) {}

  /** The tenant's ExternalId, created on first use; a race between two first uses keeps one. */
  async externalId(tenantId: string): Promise<string> {
    const key = keys.accountsExternalId(tenantId);
    const found = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    if (found.Item) return found.Item.externalId as string;
    const externalId = newExternalId();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, entity: 'ExternalId', externalId, createdAt: new Date().toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return externalId;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      const again = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
      return again.Item!.externalId as string;
    }
  }

  async create(tenantId: string, account: ConnectedAccount): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.connectedAccount(tenantId, account.id), entity: 'ConnectedAccount', ...account },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') {
        throw new Conflict(`AWS account ${account.id} is already connected.`, 'ACCOUNT_ALREADY_CONNECTED', [
          { field: 'body.roleArn', message: `account ${account.id} is already connected; disconnect it first to change its role` },
        ]);
      }
      throw error;
    }
  }

  async get(tenantId: string, accountId: string): Promise<ConnectedAccount> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.connectedAccount(tenantId, accountId), ConsistentRead: true }));
    const account = strip<ConnectedAccount>(out.Item);
    if (!account) throw new NotFound('Account not found.');
    return account;
  }

  async list(tenantId: string, limit: number, cursor: string | undefined, fingerprint: string): Promise<Page<ConnectedAccount>> {
    const { pk, skPrefix } = keys.connectedAccountsOf(tenantId);
    const page = await queryPage(this.doc, this.tableName, this.cursorSecret, { tenantId, pk, skPrefix, limit, cursor, fingerprint });
    return { items: page.items.map((i) => strip<ConnectedAccount>(i)!), nextCursor: page.nextCursor };
  }

  /** Every connected account (the collection's plan): a Query, paged to the end. */
  async all(tenantId: string): Promise<ConnectedAccount[]> {
    const out: ConnectedAccount[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list(tenantId, 500, cursor, 'all-accounts');
      out.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return out;
  }

  async recordTest(tenantId: string, accountId: string, test: AccessTestResult): Promise<ConnectedAccount> {
    return this.patch(tenantId, accountId, { lastTest: test, status: test.ok || test.assumed ? 'connected' : 'error' });
  }

  /**
   * Records a sync's progress. A run only overwrites the one it started (or a finished one), so
   * a late write of an older run never hides a newer one.
   */
  async recordSync(tenantId: string, accountId: string, run: SyncRun, status?: AccountStatus): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.connectedAccount(tenantId, accountId),
          UpdateExpression: status ? 'SET lastSync = :run, #status = :status' : 'SET lastSync = :run',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_type(lastSync, :null) OR lastSync.runId = :id OR lastSync.startedAt <= :started)',
          ExpressionAttributeNames: status ? { '#status': 'status' } : undefined,
          ExpressionAttributeValues: { ':run': run, ':null': 'NULL', ':id': run.runId, ':started': run.startedAt, ...(status ? { ':status': status } : {}) },
        }),
      );
    } catch (error) {
      // Disconnected meanwhile, or a newer run owns the record: nothing to record.
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  async remove(tenantId: string, accountId: string): Promise<ConnectedAccount> {
    const out = await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.connectedAccount(tenantId, accountId), ReturnValues: 'ALL_OLD' }),
    );
    const account = strip<ConnectedAccount>(out.Attributes);
    if (!account) throw new NotFound('Account not found.');
    return account;
  }

  private async patch(tenantId: string, accountId: string, patch: Partial<ConnectedAccount>): Promise<ConnectedAccount> {
    const entries = Object.entries(patch);
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.connectedAccount(tenantId, accountId),
          UpdateExpression: `SET ${entries.map(([k]) => `#${k} = :${k}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(entries.map(([k]) => [`#${k}`, k])),
          ExpressionAttributeValues: Object.fromEntries(entries.map(([k, v]) => [`:${k}`, v])),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return strip<ConnectedAccount>(out.Attributes)!;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') throw new NotFound('Account not found.');
      throw error;
    }
  }
}
