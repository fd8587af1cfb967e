import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { batchDelete, batchWrite } from '../db/batch.js';
import { Conflict } from '../errors.js';
import { keys } from '../db/keys.js';
import { formatDecimal, parseDecimal } from '../money.js';
import { chunkRows, type PeriodMeta, type RollupKind } from './rollups.js';

/**
 * Reads and writes versioned cost rollups (see rollups.ts). The client is tenant-scoped in AWS.
 */
export interface PeriodVersion {
  sourceId: string;
  period: string;
  version: string;
  /** When the version became current; the source's freshness. */
  updatedAt: string;
  status: 'estimated' | 'final';
}

/** `yyyy-mm` of every month from `from` to `to` (both `yyyy-mm-dd`), inclusive. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let [year, month] = from.slice(0, 7).split('-').map(Number) as [number, number];
  const [endYear, endMonth] = to.slice(0, 7).split('-').map(Number) as [number, number];
  while (year < endYear || (year === endYear && month <= endMonth)) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
  return months;
}

export class CostStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Writes every rollup of one period version. Idempotent: a rerun rewrites the same items. */
  async writeVersion(tenantId: string, sourceId: string, period: string, version: string, rollups: Partial<Record<RollupKind, unknown[][]>>): Promise<number> {
    const { pk } = keys.costVersion(tenantId, sourceId, period, version);
    const items = Object.entries(rollups).flatMap(([kind, rows]) =>
      chunkRows(rows ?? []).map((json, chunk) => ({ pk, sk: `${kind}#${String(chunk).padStart(4, '0')}`, entity: 'CostRollup', rows: json })),
    );
    // Up to 25 items a batch; large chunks mean few per batch keep the request under 16 MB.
    await batchWrite(this.doc, this.tableName, items.map((Item) => ({ PutRequest: { Item } })));
    return items.length;
  }

  /** The period's account names and totals, stored beside its rollups. */
  async writeMeta(tenantId: string, sourceId: string, period: string, version: string, meta: PeriodMeta): Promise<void> {
    const { pk } = keys.costVersion(tenantId, sourceId, period, version);
    const totals = meta.totals.map((t) => ({ ...t, billed: formatDecimal(t.billed, { minFractionDigits: 0 }), effective: formatDecimal(t.effective, { minFractionDigits: 0 }), list: formatDecimal(t.list, { minFractionDigits: 0 }) }));
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { pk, sk: 'meta', entity: 'CostPeriodMeta', accountNames: meta.accountNames, totals } }));
  }

  async readMeta(tenantId: string, sourceId: string, period: string, version: string): Promise<PeriodMeta | null> {
    const { pk } = keys.costVersion(tenantId, sourceId, period, version);
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk: 'meta' } }));
    if (!out.Item) return null;
    const totals = (out.Item.totals as Array<{ currency: string; rows: number; billed: string; effective: string; list: string }>).map((t) => ({
      currency: t.currency,
      rows: t.rows,
      billed: parseDecimal(t.billed),
      effective: parseDecimal(t.effective),
      list: parseDecimal(t.list),
    }));
    return { accountNames: out.Item.accountNames as Record<string, string>, totals };
  }

  /** The rows of one rollup kind in one period version, in stored order. */
  async readRows(tenantId: string, sourceId: string, period: string, version: string, kind: RollupKind): Promise<unknown[][]> {
    const { pk } = keys.costVersion(tenantId, sourceId, period, version);
    const rows: unknown[][] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :kind)',
          ExpressionAttributeValues: { ':pk': pk, ':kind': `${kind}#` },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) rows.push(...(JSON.parse(item.rows as string) as unknown[][]));
      start = out.LastEvaluatedKey;
    } while (start);
    return rows;
  }

  /** Current versions of every source for the periods (months) from `fromPeriod` to `toPeriod`. */
  async currentVersions(tenantId: string, fromPeriod: string, toPeriod: string): Promise<PeriodVersion[]> {
    const { pk } = keys.costPointersOf(tenantId);
    const versions: PeriodVersion[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': pk, ':from': fromPeriod, ':to': `${toPeriod}~` },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        versions.push({ sourceId: item.sourceId, period: item.period, version: item.version, updatedAt: item.updatedAt, status: item.status });
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return versions;
  }

  /**
   * Makes the new versions current, all periods at once or none: each pointer must still name the
   * version the ingestion saw when it started, so two ingestions of one period cannot interleave.
   */
  async flip(tenantId: string, changes: Array<{ sourceId: string; period: string; version: string; previous: string | null; status: 'estimated' | 'final' }>): Promise<void> {
    const now = new Date().toISOString();
    for (let i = 0; i < changes.length; i += 100) {
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: changes.slice(i, i + 100).map((c) => ({
              Put: {
                TableName: this.tableName,
                Item: { ...keys.costPointer(tenantId, c.sourceId, c.period), entity: 'CostPeriodPointer', sourceId: c.sourceId, period: c.period, version: c.version, previous: c.previous, status: c.status, updatedAt: now },
                ConditionExpression: c.previous === null ? 'attribute_not_exists(pk) OR version = :self' : 'version = :previous OR version = :self',
                ExpressionAttributeValues: c.previous === null ? { ':self': c.version } : { ':previous': c.previous, ':self': c.version },
              },
            })),
          }),
        );
      } catch (error) {
        if ((error as Error).name === 'TransactionCanceledException') {
          throw new Conflict('Another ingestion replaced one of these billing periods meanwhile; run this one again.', 'PERIOD_CHANGED');
        }
        throw error;
      }
    }
  }

  /** Deletes a version's items (a superseded one, or the partial writes of a failed run). */
  async deleteVersion(tenantId: string, sourceId: string, period: string, version: string): Promise<number> {
    const { pk } = keys.costVersion(tenantId, sourceId, period, version);
    let deleted = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ProjectionExpression: 'pk, sk', ExclusiveStartKey: start }),
      );
      const items = out.Items ?? [];
      // Unprocessed (throttled) deletes are sent again: none is silently left behind.
      await batchDelete(this.doc, this.tableName, items as Array<{ pk: unknown; sk: unknown }>);
      deleted += items.length;
      start = out.LastEvaluatedKey;
    } while (start);
    return deleted;
  }
}
