import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NotFound } from '#shared/errors.js';
import { keys } from '#shared/db/keys.js';
import { queryPage, type Page } from '#shared/db/pages.js';
import { setExpression } from '#shared/db/directory.js';

/** Billing sources, uploads and ingestion records of one tenant (tenant-scoped client in AWS). */
export interface BillingSourceRecord {
  id: string;
  name: string;
  kind: 'upload' | 'bucket' | 'cost-explorer';
  bucket: string | null;
  prefix: string | null;
  /** Currency for exports without a currency column. */
  defaultCurrency: string | null;
  /** A bucket source: the connected account whose role reads the bucket. */
  accountId?: string | null;
  lastScan?: SourceScan | null;
  /** A Cost Explorer source: the last collection started (its ingestion tells how it went). */
  lastCollection?: { at: string; trigger: 'manual' | 'schedule'; ingestionId: string } | null;
  lastDeliveredAt: string | null;
  createdAt: string;
}

/** The last scan of a bucket source (or event from it). */
export interface SourceScan {
  at: string;
  trigger: 'manual' | 'schedule' | 'event';
  objects: number;
  started: number;
  error: { code: string; message: string } | null;
}

export interface UploadRecord {
  id: string;
  sourceId: string;
  fileName: string;
  objectKey: string;
  contentType: string;
  createdAt: string;
  createdBy: string;
}

export interface TotalsLine {
  billingPeriod: string | null;
  currency: string | null;
  rows: number;
  billedCost: string;
  effectiveCost: string;
  listCost: string;
}

export interface IngestionRecord {
  id: string;
  sourceId: string;
  uploadIds: string[];
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  files: Array<{ fileName: string; format: string; container: string; records: number; units?: number; note?: string | null }>;
  rowsRead: number;
  rowsRejected: number;
  rejections: Array<{ file: string; line: number; code: string; column: string | null; message: string }>;
  sourceTotals: TotalsLine[];
  storedTotals: TotalsLine[];
  periods: string[];
  error: { code: string; message: string } | null;
  createdAt: string;
  createdBy: string;
  startedAt: string | null;
  finishedAt: string | null;
}

const strip = <T>(item: Record<string, unknown> | undefined): T | undefined => {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _gs, entity: _e, ...rest } = item;
  return rest as T;
};

export class BillingStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursorSecret: string,
  ) {}

  async putSource(tenantId: string, source: BillingSourceRecord): Promise<void> {
    const index = source.kind === 'bucket' && source.accountId && source.bucket ? keys.exportBucketIndex(source.accountId, source.bucket, tenantId, source.id) : {};
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.billingSource(tenantId, source.id), ...index, entity: 'BillingSource', ...source } }));
  }

  async getSource(tenantId: string, sourceId: string): Promise<BillingSourceRecord> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.billingSource(tenantId, sourceId) }));
    const source = strip<BillingSourceRecord>(out.Item);
    if (!source) throw new NotFound('Billing source not found.');
    return source;
  }

  async listSources(tenantId: string, limit: number, cursor: string | undefined, fingerprint: string): Promise<Page<BillingSourceRecord>> {
    const { pk, skPrefix } = keys.billingSourcesOf(tenantId);
    const page = await queryPage(this.doc, this.tableName, this.cursorSecret, { tenantId, pk, skPrefix, limit, cursor, fingerprint });
    return { items: page.items.map((i) => strip<BillingSourceRecord>(i)!), nextCursor: page.nextCursor };
  }

  async markDelivered(tenantId: string, sourceId: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.billingSource(tenantId, sourceId),
        UpdateExpression: 'SET lastDeliveredAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  async recordScan(tenantId: string, sourceId: string, scan: SourceScan): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.billingSource(tenantId, sourceId),
        UpdateExpression: 'SET lastScan = :scan',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':scan': scan },
      }),
    );
  }

  async recordCollection(tenantId: string, sourceId: string, collection: NonNullable<BillingSourceRecord['lastCollection']>): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.billingSource(tenantId, sourceId),
        UpdateExpression: 'SET lastCollection = :c',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':c': collection },
      }),
    );
  }

  async findIngestion(tenantId: string, ingestionId: string): Promise<IngestionRecord | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.ingestion(tenantId, ingestionId), ConsistentRead: true }));
    return strip<IngestionRecord>(out.Item);
  }

  async putUpload(tenantId: string, upload: UploadRecord): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.upload(tenantId, upload.id), entity: 'Upload', ...upload } }));
  }

  async getUpload(tenantId: string, uploadId: string): Promise<UploadRecord | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.upload(tenantId, uploadId) }));
    return strip<UploadRecord>(out.Item);
  }

  async putIngestion(tenantId: string, ingestion: IngestionRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.ingestion(tenantId, ingestion.id), entity: 'Ingestion', ...ingestion },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getIngestion(tenantId: string, ingestionId: string): Promise<IngestionRecord> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.ingestion(tenantId, ingestionId), ConsistentRead: true }));
    const ingestion = strip<IngestionRecord>(out.Item);
    if (!ingestion) throw new NotFound('Ingestion not found.');
    return ingestion;
  }

  async updateIngestion(tenantId: string, ingestionId: string, patch: Partial<IngestionRecord>): Promise<void> {
    const { expression, names, values } = setExpression(patch as Record<string, unknown>);
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.ingestion(tenantId, ingestionId),
        UpdateExpression: expression,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async listIngestions(tenantId: string, limit: number, cursor: string | undefined, fingerprint: string): Promise<Page<IngestionRecord>> {
    const { pk, skPrefix } = keys.ingestionsOf(tenantId);
    const page = await queryPage(this.doc, this.tableName, this.cursorSecret, { tenantId, pk, skPrefix, limit, cursor, fingerprint, newestFirst: true });
    return { items: page.items.map((i) => strip<IngestionRecord>(i)!), nextCursor: page.nextCursor };
  }
}

/**
 * The export bucket routes: (account, bucket) -> the bucket sources reading it, from gsi1 of the
 * sources' own items (an S3 event names only the account and bucket). Read by the exports
 * function with its own role, limited to the EXPORTBUCKET# index partitions.
 */
export class ExportRoutes {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async find(accountId: string, bucket: string): Promise<Array<{ tenantId: string; sourceId: string }>> {
    const { gsi1pk, skPrefix } = keys.exportBucketSources(accountId, bucket);
    const out: Array<{ tenantId: string; sourceId: string }> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :sk)',
          ExpressionAttributeValues: { ':pk': gsi1pk, ':sk': skPrefix },
          ProjectionExpression: 'gsi1sk',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const match = /^TENANT#(.+)#SOURCE#(.+)$/.exec(item.gsi1sk as string);
        if (match) out.push({ tenantId: match[1]!, sourceId: match[2]! });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
