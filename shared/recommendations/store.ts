import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { batchDelete } from '../db/batch.js';
import { decodeCursor, encodeCursor } from '../db/cursor.js';
import { keys } from '../db/keys.js';
import type { Page } from '../db/pages.js';
import { Conflict, NotFound } from '../errors.js';
import { formatDecimal, parseDecimal } from '../money.js';
import { parseRecommendationId, savingsKey, type ReconcileCounts, type StoredRecommendation } from './lifecycle.js';
import {
  DEFAULT_RECOMMENDATION_SETTINGS,
  RECOMMENDATION_STATUSES,
  type ActionType,
  type Category,
  type RecommendationSettings,
  type RecommendationSource,
  type RecommendationStatus,
  type Risk,
} from './model.js';

/**
 * The tenant's recommendations (tenant-scoped client in AWS). One item per (resource, rule):
 * pk `TENANT#<id>#RECOMMENDATION`, sk `REC#<resource key>#<rule>`, so an analysis upserts and a
 * resource's recommendations are one prefix. gsi1 (`RECSTATUS#<status>`, `<savings>#<id>`) lists
 * one status by savings and feeds the totals without a scan. Every write checks the version it
 * read, so an analysis never overwrites a dismiss that landed meanwhile (and the other way round).
 */
export interface RecommendationFilter {
  status?: RecommendationStatus;
  category?: Category;
  risk?: Risk;
  account?: string;
  actionType?: ActionType;
  source?: RecommendationSource;
  resourceKey?: string;
  minSavings?: string;
}

export type RecommendationSort = '-savings' | 'savings' | 'updated';

export interface RecommendationRun extends ReconcileCounts {
  at: string;
  /** Imported findings (Cost Optimization Hub, Compute Optimizer) kept after deduplication against ours. */
  imported?: number;
  /** Imported findings dropped as duplicates of ours (same resource and action type). */
  duplicates?: number;
  /** Imports that did not answer for an account (not enrolled, role refused, failed): the analysis went on. */
  warnings?: ImportWarning[];
}

export interface ImportWarning {
  accountId: string;
  /** The imported source, or null when the account could not be asked at all. */
  source: Exclude<RecommendationSource, 'cloudoptima'> | null;
  code: string;
  message: string;
}

export interface Totals {
  /** deduplicated: per resource the largest of its open findings (they are alternatives: stop, rightsize, migrate...), account-wide ones added as they are. */
  open: { count: number; monthly: bigint; deduplicated: bigint };
  byCategory: Map<string, { count: number; monthly: bigint }>;
  byActionType: Map<string, { count: number; monthly: bigint }>;
  bySource: Map<string, { count: number; monthly: bigint }>;
  byStatus: Map<RecommendationStatus, number>;
  applied: { count: number; estimated: bigint; measured: number; realized: bigint };
}

const MAX_READS_PER_PAGE = 10;
/** `<rule id>_<27-character resource key>` (shared/contracts/recommendations.ts RECOMMENDATION_ID_PATTERN). */
const RECOMMENDATION_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*_[A-Za-z0-9_-]{27}$/;
const WRITE_CONCURRENCY = 8;
/** The whole-list sorts (no status, or by update time) read at most this many recommendations. */
export const MAX_SORTED_READ = 20_000;

const strip = (item: Record<string, unknown>): StoredRecommendation => {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, entity: _e, accountId: _a, risk: _r, actionType: _t, source: _o, monthlySavings: _m, ...rest } = item;
  return rest as unknown as StoredRecommendation;
};

export class RecommendationStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursorSecret: string,
  ) {}

  private itemOf(tenantId: string, rec: StoredRecommendation): Record<string, unknown> {
    const f = rec.finding;
    return {
      ...keys.recommendation(tenantId, rec.resourceKey, rec.ruleId),
      gsi1pk: keys.recommendationsByStatus(tenantId, rec.status).pk,
      gsi1sk: `${savingsKey(f.estimatedMonthlySavings)}#${rec.id}`,
      entity: 'Recommendation',
      // Top level for filters and the totals' projections.
      accountId: f.accountId,
      risk: f.risk,
      actionType: f.actionType,
      source: f.source,
      monthlySavings: f.estimatedMonthlySavings,
      ...rec,
    };
  }

  /** Writes `rec` if the stored version is still `rec.version` (absent for version 0); false when it moved on. */
  async write(tenantId: string, rec: StoredRecommendation): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.itemOf(tenantId, { ...rec, version: rec.version + 1 }),
          ConditionExpression: rec.version === 0 ? 'attribute_not_exists(pk) OR #v = :v' : '#v = :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': rec.version },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /** Writes many, a few at a time; returns the ids whose version moved on (to be recomputed). */
  async writeAll(tenantId: string, recs: readonly StoredRecommendation[]): Promise<string[]> {
    const stale: string[] = [];
    for (let i = 0; i < recs.length; i += WRITE_CONCURRENCY) {
      const batch = recs.slice(i, i + WRITE_CONCURRENCY);
      const ok = await Promise.all(batch.map((r) => this.write(tenantId, r)));
      ok.forEach((written, j) => written || stale.push(batch[j]!.id));
    }
    return stale;
  }

  async find(tenantId: string, id: string): Promise<StoredRecommendation | null> {
    if (!RECOMMENDATION_ID.test(id)) return null;
    const { ruleId, resourceKey } = parseRecommendationId(id);
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.recommendation(tenantId, resourceKey, ruleId), ConsistentRead: true }));
    return out.Item ? strip(out.Item) : null;
  }

  async get(tenantId: string, id: string): Promise<StoredRecommendation> {
    const rec = await this.find(tenantId, id);
    if (!rec) throw new NotFound('No such recommendation.');
    return rec;
  }

  /** Read, change, write back if nobody wrote meanwhile (a few attempts). */
  async update(tenantId: string, id: string, change: (rec: StoredRecommendation) => StoredRecommendation | Promise<StoredRecommendation>): Promise<StoredRecommendation> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const before = await this.get(tenantId, id);
      const after = await change(before);
      if (after === before) return before;
      if (await this.write(tenantId, after)) return { ...after, version: after.version + 1 };
    }
    throw new Conflict('The recommendation changed while it was being updated; try again.', 'CONCURRENT_UPDATE');
  }

  private async queryAll(input: { pk: string; prefix?: string; index?: string; filter?: Filter }): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const [pkName, skName] = input.index ? ['gsi1pk', 'gsi1sk'] : ['pk', 'sk'];
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: input.index,
          KeyConditionExpression: input.prefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
          FilterExpression: input.filter?.expression,
          ExpressionAttributeNames: { '#pk': pkName, ...(input.prefix ? { '#sk': skName } : {}), ...input.filter?.names },
          ExpressionAttributeValues: { ':pk': input.pk, ...(input.prefix ? { ':prefix': input.prefix } : {}), ...input.filter?.values },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []));
      if (items.length > MAX_SORTED_READ) throw new Conflict(`More than ${MAX_SORTED_READ} recommendations match: narrow the filter (status, account...).`, 'TOO_MANY');
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** Every recommendation of the tenant, any status (an analysis reconciles against them). */
  async all(tenantId: string): Promise<StoredRecommendation[]> {
    const { pk, skPrefix } = keys.recommendationsOf(tenantId);
    return (await this.queryAll({ pk, prefix: skPrefix })).map(strip);
  }

  /** Disconnect: every recommendation of the account, any status (the account's data goes with it). */
  async removeAccount(tenantId: string, accountId: string): Promise<number> {
    const { pk, skPrefix } = keys.recommendationsOf(tenantId);
    const items = await this.queryAll({ pk, prefix: skPrefix, filter: { expression: '#account = :account', names: { '#account': 'accountId' }, values: { ':account': accountId } } });
    await batchDelete(this.doc, this.tableName, items as Array<{ pk: unknown; sk: unknown }>);
    return items.length;
  }

  /** A resource's recommendations, any status. */
  async ofResource(tenantId: string, resourceKey: string): Promise<StoredRecommendation[]> {
    const { pk, skPrefix } = keys.recommendationsOfResource(tenantId, resourceKey);
    return (await this.queryAll({ pk, prefix: skPrefix })).map(strip);
  }

  /**
   * One page. With a status and a savings sort, gsi1 pages in savings order (minSavings is the key
   * range); otherwise the matching recommendations are read and sorted, the cursor an offset.
   */
  async list(tenantId: string, filter: RecommendationFilter, sort: RecommendationSort, limit: number, cursor: string | undefined, fingerprint: string): Promise<Page<StoredRecommendation>> {
    const conditions = filterOf(filter, filter.status === undefined || sort === 'updated');
    if (filter.status && sort !== 'updated') {
      const pk = keys.recommendationsByStatus(tenantId, filter.status).pk;
      const min = filter.minSavings ? savingsKey(filter.minSavings) : null;
      const items: StoredRecommendation[] = [];
      let startKey = cursor ? decodeCursor(this.cursorSecret, tenantId, fingerprint, cursor) : undefined;
      for (let reads = 0; reads < MAX_READS_PER_PAGE && items.length < limit; reads++) {
        const out = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'gsi1',
            KeyConditionExpression: min ? '#pk = :pk AND #sk >= :min' : '#pk = :pk',
            FilterExpression: conditions?.expression,
            ExpressionAttributeNames: { '#pk': 'gsi1pk', ...(min ? { '#sk': 'gsi1sk' } : {}), ...conditions?.names },
            ExpressionAttributeValues: { ':pk': pk, ...(min ? { ':min': min } : {}), ...conditions?.values },
            ScanIndexForward: sort === 'savings',
            ExclusiveStartKey: startKey,
            Limit: limit - items.length,
          }),
        );
        items.push(...(out.Items ?? []).map(strip));
        startKey = out.LastEvaluatedKey;
        if (!startKey) break;
      }
      return { items, nextCursor: startKey ? encodeCursor(this.cursorSecret, tenantId, fingerprint, startKey) : null };
    }
    const offset = cursor ? Number(decodeCursor(this.cursorSecret, tenantId, fingerprint, cursor).offset ?? 0) : 0;
    const read = filter.status
      ? await this.queryAll({ pk: keys.recommendationsByStatus(tenantId, filter.status).pk, index: 'gsi1', filter: conditions })
      : await this.queryAll({ ...(({ pk, skPrefix }) => ({ pk, prefix: skPrefix }))(keys.recommendationsOf(tenantId)), filter: conditions });
    const all = read.map(strip);
    const savings = (r: StoredRecommendation) => parseDecimal(r.finding.estimatedMonthlySavings);
    all.sort((a, b) => {
      const order =
        sort === 'updated'
          ? (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0)
          : (sort === 'savings' ? 1 : -1) * (savings(a) < savings(b) ? -1 : savings(a) > savings(b) ? 1 : 0);
      return order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
    const items = all.slice(offset, offset + limit);
    const next = offset + limit < all.length ? encodeCursor(this.cursorSecret, tenantId, fingerprint, { offset: offset + limit }) : null;
    return { items, nextCursor: next };
  }

  /** Open recommendations by category and action type, counts by status, applied and realized: gsi1 queries, no scan. */
  async totals(tenantId: string): Promise<Totals> {
    const byStatus = new Map<RecommendationStatus, number>();
    const counts = await Promise.all(
      RECOMMENDATION_STATUSES.map(async (status) => {
        let count = 0;
        let start: Record<string, unknown> | undefined;
        do {
          const out = await this.doc.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: 'gsi1',
              KeyConditionExpression: 'gsi1pk = :pk',
              ExpressionAttributeValues: { ':pk': keys.recommendationsByStatus(tenantId, status).pk },
              Select: 'COUNT',
              ExclusiveStartKey: start,
            }),
          );
          count += out.Count ?? 0;
          start = out.LastEvaluatedKey;
        } while (start);
        return [status, count] as const;
      }),
    );
    for (const [status, count] of counts) byStatus.set(status, count);
    const projection = { names: { '#c': 'category', '#t': 'actionType', '#m': 'monthlySavings', '#r': 'realized', '#k': 'resourceKey', '#f': 'finding', '#rt': 'resourceType', '#a': 'accountId', '#o': 'source' } };
    const project = async (status: RecommendationStatus) => {
      const out: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.recommendationsByStatus(tenantId, status).pk },
            ProjectionExpression: '#c, #t, #m, #r, #k, #f.#rt, #a, #o',
            ExpressionAttributeNames: projection.names,
            ExclusiveStartKey: start,
          }),
        );
        out.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return out;
    };
    const [open, applied] = await Promise.all([project('open'), project('applied')]);
    const totals: Totals = { open: { count: 0, monthly: 0n, deduplicated: 0n }, byCategory: new Map(), byActionType: new Map(), bySource: new Map(), byStatus, applied: { count: 0, estimated: 0n, measured: 0, realized: 0n } };
    const add = (map: Map<string, { count: number; monthly: bigint }>, key: string, monthly: bigint) => {
      const g = map.get(key) ?? { count: 0, monthly: 0n };
      g.count++;
      g.monthly += monthly;
      map.set(key, g);
    };
    const largestPerResource = new Map<string, bigint>();
    for (const item of open) {
      const monthly = parseDecimal(String(item.monthlySavings));
      totals.open.count++;
      totals.open.monthly += monthly;
      if ((item.finding as { resourceType?: string } | undefined)?.resourceType === 'account') totals.open.deduplicated += monthly;
      else {
        const key = `${String(item.accountId)}|${String(item.resourceKey)}`;
        const largest = largestPerResource.get(key);
        if (largest === undefined || monthly > largest) largestPerResource.set(key, monthly);
      }
      add(totals.byCategory, String(item.category), monthly);
      add(totals.byActionType, String(item.actionType), monthly);
      add(totals.bySource, String(item.source ?? 'cloudoptima'), monthly);
    }
    for (const largest of largestPerResource.values()) totals.open.deduplicated += largest;
    for (const item of applied) {
      totals.applied.count++;
      totals.applied.estimated += parseDecimal(String(item.monthlySavings));
      const realized = item.realized as StoredRecommendation['realized'];
      if (realized?.realizedMonthlySavings) {
        totals.applied.measured++;
        totals.applied.realized += parseDecimal(realized.realizedMonthlySavings);
      }
    }
    return totals;
  }

  // ---- Settings and the last run ----

  async settings(tenantId: string): Promise<RecommendationSettings> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.recommendationSettings(tenantId) }));
    const stored = (out.Item?.settings ?? {}) as Partial<RecommendationSettings>;
    return { ...DEFAULT_RECOMMENDATION_SETTINGS, ...stored };
  }

  async saveSettings(tenantId: string, settings: RecommendationSettings, at: string): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.recommendationSettings(tenantId), entity: 'RecommendationSettings', settings, updatedAt: at } }));
  }

  async lastRun(tenantId: string): Promise<RecommendationRun | null> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.recommendationRun(tenantId) }));
    if (!out.Item) return null;
    const { at, findings, opened, updated, resolved, reopened, imported, duplicates, warnings } = out.Item as RecommendationRun;
    return { at, findings, opened, updated, resolved, reopened, imported: imported ?? 0, duplicates: duplicates ?? 0, warnings: warnings ?? [] };
  }

  async recordRun(tenantId: string, run: RecommendationRun & { error?: string | null }): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.recommendationRun(tenantId), entity: 'RecommendationRun', ...run } }));
  }
}

interface Filter {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/** The filter's conditions that the key does not cover (minSavings is gsi1's key range unless `withSavings`). */
function filterOf(filter: RecommendationFilter, withSavings: boolean): Filter | undefined {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const eq = (attribute: string, value: string | undefined) => {
    if (value === undefined) return;
    const n = `#f${parts.length}`;
    const v = `:f${parts.length}`;
    parts.push(`${n} = ${v}`);
    names[n] = attribute;
    values[v] = value;
  };
  eq('category', filter.category);
  eq('risk', filter.risk);
  eq('accountId', filter.account);
  eq('actionType', filter.actionType);
  eq('source', filter.source);
  eq('resourceKey', filter.resourceKey);
  if (withSavings && filter.minSavings) {
    // The savings key is a fixed-width string, so string order is numeric order.
    parts.push('#gs >= :gmin');
    names['#gs'] = 'gsi1sk';
    values[':gmin'] = savingsKey(filter.minSavings);
  }
  return parts.length ? { expression: parts.join(' AND '), names, values } : undefined;
}

export const formatUsd = (value: bigint): string => formatDecimal(value, { minFractionDigits: 2, maxFractionDigits: 4 });
