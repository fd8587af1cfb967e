import { createHash } from 'node:crypto';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchDelete, batchWrite } from '../db/batch.js';
import { decodeCursor, encodeCursor } from '../db/cursor.js';
import { keys } from '../db/keys.js';
import type { Page } from '../db/pages.js';
import type { InventoryResource, ResourceType } from './model.js';

/** A resource id (often an ARN) as a key segment: keys take letters, digits, `-` and `_` only. */
export const resourceKey = (resourceId: string): string => createHash('sha256').update(resourceId).digest('base64url').slice(0, 27);

export interface InventoryFilter {
  type?: ResourceType;
  accountId?: string;
  region?: string;
}

const MAX_READS_PER_PAGE = 10;

const strip = (item: Record<string, unknown>): InventoryResource => {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, entity: _e, ...rest } = item;
  return rest as unknown as InventoryResource;
};

/** The tenant's collected resources (tenant-scoped client in AWS). */
export class InventoryStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursorSecret: string,
  ) {}

  /** Upserts: the key is (account, region, type, resource id), so a re-run overwrites, never duplicates. */
  async put(tenantId: string, resources: InventoryResource[]): Promise<void> {
    const items = resources.map((r) => {
      const key = resourceKey(r.resourceId);
      return {
        ...keys.inventoryResource(tenantId, r.accountId, r.region, r.type, key),
        gsi1pk: keys.inventoryByType(tenantId, r.type).pk,
        gsi1sk: `${r.accountId}#${r.region}#${key}`,
        entity: 'InventoryResource',
        ...r,
      };
    });
    await batchWrite(this.doc, this.tableName, items.map((Item) => ({ PutRequest: { Item } })));
  }

  /**
   * One page, by the narrowest key: the type index when a type is given (then account and region
   * narrow its sort key), else the account/region prefix of the main key; what the key cannot
   * narrow is filtered. `keep` (a search) runs on what was read, so a page may hold fewer than
   * `limit` while nextCursor continues.
   */
  async list(
    tenantId: string,
    filter: InventoryFilter,
    limit: number,
    cursor: string | undefined,
    fingerprint: string,
    keep?: (resource: InventoryResource) => boolean,
  ): Promise<Page<InventoryResource>> {
    const { type, accountId, region } = filter;
    let pk: string;
    let prefix: string;
    let index: string | undefined;
    if (type) {
      pk = keys.inventoryByType(tenantId, type).pk;
      index = 'gsi1';
      prefix = accountId ? `${accountId}#${region ? `${region}#` : ''}` : '';
    } else {
      pk = keys.inventoryOf(tenantId).pk;
      prefix = `RES#${accountId ? `${accountId}#${region ? `${region}#` : ''}` : ''}`;
    }
    const filterRegion = region && !accountId ? region : undefined;
    const [pkName, skName] = index ? ['gsi1pk', 'gsi1sk'] : ['pk', 'sk'];
    const items: InventoryResource[] = [];
    let startKey = cursor ? decodeCursor(this.cursorSecret, tenantId, fingerprint, cursor) : undefined;
    for (let reads = 0; reads < MAX_READS_PER_PAGE && items.length < limit; reads++) {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index,
          KeyConditionExpression: prefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
          FilterExpression: filterRegion ? '#region = :region' : undefined,
          ExpressionAttributeNames: { '#pk': pkName, ...(prefix ? { '#sk': skName } : {}), ...(filterRegion ? { '#region': 'region' } : {}) },
          ExpressionAttributeValues: { ':pk': pk, ...(prefix ? { ':prefix': prefix } : {}), ...(filterRegion ? { ':region': filterRegion } : {}) },
          ExclusiveStartKey: startKey,
          Limit: limit - items.length,
        }),
      );
      for (const item of out.Items ?? []) {
        const resource = strip(item);
        if (!keep || keep(resource)) items.push(resource);
      }
      startKey = out.LastEvaluatedKey;
      if (!startKey) break;
    }
    return { items, nextCursor: startKey ? encodeCursor(this.cursorSecret, tenantId, fingerprint, startKey) : null };
  }

  /** Keys (and what decides staleness) of an account's resources, optionally one region's. */
  private async keysOf(tenantId: string, accountId: string): Promise<Array<{ pk: string; sk: string; runId: string; type: ResourceType; region: string }>> {
    const { pk } = keys.inventoryOf(tenantId);
    const out: Array<{ pk: string; sk: string; runId: string; type: ResourceType; region: string }> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': `RES#${accountId}#` },
          ExpressionAttributeNames: { '#type': 'type', '#region': 'region' },
          ProjectionExpression: 'pk, sk, runId, #type, #region',
          ExclusiveStartKey: start,
        }),
      );
      out.push(...((page.Items ?? []) as typeof out));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /**
   * Removes the account's resources this run did not see, except where this run could not look
   * (`unseen(region, type)`): a refused API must not make its resources disappear.
   */
  async removeStale(tenantId: string, accountId: string, runId: string, unseen: (region: string, type: ResourceType) => boolean): Promise<number> {
    const stale = (await this.keysOf(tenantId, accountId)).filter((k) => k.runId !== runId && !unseen(k.region, k.type));
    await batchDelete(this.doc, this.tableName, stale);
    return stale.length;
  }

  /** Disconnect: every resource of the account. */
  async removeAccount(tenantId: string, accountId: string): Promise<number> {
    const all = await this.keysOf(tenantId, accountId);
    await batchDelete(this.doc, this.tableName, all);
    return all.length;
  }

}
