import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NotFound } from '#shared/errors.js';
import { keys } from '#shared/db/keys.js';
import { queryPage, type Page } from '#shared/db/pages.js';
import { setExpression } from '#shared/db/directory.js';

/** Billing sources, uploads and ingestion records of one tenant (tenant-scoped client in AWS). */
export interface BillingSourceRecord {
  id: string;
  name: string;
  kind: 'upload' | 'bucket';
  bucket: string | null;
  prefix: string | null;
  /** Currency for exports without a currency column. */
  defaultCurrency: string | null;
  lastDeliveredAt: string | null;
  createdAt: string;
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
  files: Array<{ fileName: string; format: string; container: string; records: number }>;
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
  const { pk: _pk, sk: _sk, entity: _e, ...rest } = item;
  return rest as T;
};

export class BillingStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursorSecret: string,
  ) {}

  async putSource(tenantId: string, source: BillingSourceRecord): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.billingSource(tenantId, source.id), entity: 'BillingSource', ...source } }));
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
