import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { emptyResponse, entityId, idParams, isoDateTime, listOf, pageQuery } from './common.js';

/** Billing data in: sources (an upload area or an export bucket), uploads, and ingestions. */
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD');

export const billingSource = z
  .object({
    id: z.string(),
    name: z.string(),
    /** `cost-explorer`: a connected account's costs collected daily from Cost Explorer (no export). */
    kind: z.enum(['upload', 'bucket', 'cost-explorer']),
    bucket: z.string().nullable(),
    prefix: z.string().nullable(),
    defaultCurrency: z.string().nullable(),
    /** A bucket source: the connected account (12-digit id) whose role reads the bucket; a Cost Explorer source: the account collected. */
    accountId: z.string().nullable().default(null),
    /** A Cost Explorer source: the last collection started (its ingestion tells how it went). */
    lastCollection: z.object({ at: isoDateTime, trigger: z.enum(['manual', 'schedule']), ingestionId: z.string() }).nullable().default(null),
    /** A bucket source: the last scan of the bucket or event from it, and what it started. */
    lastScan: z
      .object({
        at: isoDateTime,
        trigger: z.enum(['manual', 'schedule', 'event']),
        objects: z.number().int(),
        started: z.number().int(),
        error: z.object({ code: z.string(), message: z.string() }).nullable(),
      })
      .nullable()
      .default(null),
    /** When the source last delivered data that became current. */
    lastDeliveredAt: isoDateTime.nullable(),
    createdAt: isoDateTime,
    /** Each ingested billing period: still estimated, or final (invoiced). */
    periods: z.array(z.object({ period: z.string(), status: z.enum(['estimated', 'final']), updatedAt: isoDateTime, ingestionId: z.string() })),
  })
  .meta({ id: 'BillingSource' });

export const createSourceRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    kind: z.enum(['upload', 'bucket', 'cost-explorer']).default('upload'),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name').optional(),
    prefix: z.string().max(512).optional(),
    defaultCurrency: currency.optional(),
    /** A bucket source: the connected account whose role reads the bucket; a Cost Explorer source: the account to collect (GET /v1/accounts). */
    accountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id').optional(),
  })
  .refine((s) => s.kind !== 'bucket' || s.bucket, { message: 'a bucket source needs a bucket', path: ['bucket'] })
  .refine((s) => s.kind !== 'bucket' || s.accountId, { message: 'a bucket source needs the connected account that can read it', path: ['accountId'] })
  .refine((s) => s.kind !== 'cost-explorer' || s.accountId, { message: 'a Cost Explorer source needs the connected account to collect', path: ['accountId'] })
  .refine((s) => s.kind === 'bucket' || (!s.bucket && !s.prefix), { message: 'only a bucket source has a bucket or prefix', path: ['kind'] })
  .refine((s) => s.kind !== 'upload' || !s.accountId, { message: 'an upload source has no account', path: ['kind'] });

/** One export file a scan (or an event) saw, and what became of it. */
export const scannedObject = z.object({
  key: z.string(),
  etag: z.string(),
  size: z.number().int(),
  /** `started`: a new file (or a new version of one), now ingesting; `ingested`: this ETag was taken before. */
  outcome: z.enum(['started', 'ingested']),
  ingestionId: z.string(),
});

export const scanResult = z
  .object({
    sourceId: z.string(),
    trigger: z.enum(['manual', 'schedule', 'event']),
    scannedAt: isoDateTime,
    objects: z.array(scannedObject),
  })
  .meta({ id: 'BillingSourceScan' });

export const UPLOAD_CONTENT_TYPES = ['text/csv', 'application/gzip', 'application/vnd.apache.parquet', 'application/octet-stream'] as const;

export const createUploadRequest = z.strictObject({
  sourceId: entityId,
  fileName: z.string().regex(/^[A-Za-z0-9._=-]{1,200}$/, 'must be 1-200 letters, digits or "._=-"').refine((n) => n !== '.' && n !== '..', 'is not a file name'),
  contentType: z.enum(UPLOAD_CONTENT_TYPES).default('application/octet-stream'),
});

export const upload = z.object({
  id: z.string(),
  sourceId: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  createdAt: isoDateTime,
});

export const uploadResponse = z.object({
  upload,
  /** PUT the file here (presigned S3 URL in AWS, the local object store locally), then start an ingestion. */
  target: z.object({ url: z.string(), method: z.literal('PUT'), headers: z.record(z.string(), z.string()), expiresAt: isoDateTime }),
});

export const createIngestionRequest = z.strictObject({
  sourceId: entityId,
  uploadIds: z.array(entityId).min(1).max(100),
});

const totalsLine = z.object({
  billingPeriod: z.string().nullable(),
  currency: z.string().nullable(),
  rows: z.number().int(),
  billedCost: z.string(),
  effectiveCost: z.string(),
  listCost: z.string(),
});

export const ingestion = z
  .object({
    id: z.string(),
    sourceId: z.string(),
    uploadIds: z.array(z.string()),
    status: z.enum(['queued', 'running', 'succeeded', 'failed']),
    /** `units`: how many work units the file was read in (a large CSV or Parquet file is split); `note`: why a large file was read whole. */
    files: z.array(
      z.object({ fileName: z.string(), format: z.string(), container: z.string(), records: z.number().int(), units: z.number().int().optional(), note: z.string().nullable().optional() }),
    ),
    rowsRead: z.number().int(),
    rowsRejected: z.number().int(),
    /** The first 100 rejected rows, with line, column and reason. */
    rejections: z.array(z.object({ file: z.string(), line: z.number().int(), code: z.string(), column: z.string().nullable(), message: z.string() })),
    /** The files' own totals per billing period and currency ... */
    sourceTotals: z.array(totalsLine),
    /** ... and what was stored, read back from the table: the two must be equal to succeed. */
    storedTotals: z.array(totalsLine),
    periods: z.array(z.string()),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    createdAt: isoDateTime,
    createdBy: z.string(),
    startedAt: isoDateTime.nullable(),
    finishedAt: isoDateTime.nullable(),
  })
  .meta({ id: 'Ingestion' });

export const billingRoutes = {
  createSource: defineRoute({
    operationId: 'createBillingSource',
    method: 'POST',
    path: '/v1/billing/sources',
    domain: 'billing',
    tag: 'Billing data',
    summary: 'Register a billing source: an upload area, an export bucket/prefix, or Cost Explorer collection for a connected account without an export (409 when another source already brings that account’s charges)',
    access: { permission: 'billing:write' },
    body: createSourceRequest,
    example: { name: 'AWS CUR 2.0 (management account)', kind: 'upload' },
    response: billingSource,
    status: 201,
  }),
  listSources: defineRoute({
    operationId: 'listBillingSources',
    method: 'GET',
    path: '/v1/billing/sources',
    domain: 'billing',
    tag: 'Billing data',
    summary: 'Billing sources, with when each last delivered and which months are final',
    access: { permission: 'billing:read' },
    query: pageQuery,
    response: listOf(billingSource),
    status: 200,
  }),
  getSource: defineRoute({
    operationId: 'getBillingSource',
    method: 'GET',
    path: '/v1/billing/sources/{id}',
    domain: 'billing',
    tag: 'Billing data',
    summary: 'One billing source',
    access: { permission: 'billing:read' },
    params: idParams,
    response: billingSource,
    status: 200,
  }),
  scanSource: defineRoute({
    operationId: 'scanBillingSource',
    method: 'POST',
    path: '/v1/billing/sources/{id}/scan',
    domain: 'billing',
    tag: 'Billing data',
    summary: 'Scan an export bucket source now: each file under its prefix not yet ingested (by ETag) is copied in and ingested',
    access: { permission: 'billing:write' },
    params: idParams,
    response: scanResult,
    status: 200,
  }),
  collectSource: defineRoute({
    operationId: 'collectBillingSource',
    method: 'POST',
    path: '/v1/billing/sources/{id}/collect',
    domain: 'billing',
    tag: 'Billing data',
    summary: 'Collect a Cost Explorer source now: the month to date (and the previous month while not final) becomes an ingestion that replaces those periods',
    access: { permission: 'billing:write' },
    params: idParams,
    response: ingestion,
    status: 202,
  }),
  deleteSource: defineRoute({
    operationId: 'deleteBillingSource',
    method: 'DELETE',
    path: '/v1/billing/sources/{id}',
    domain: 'billing',
    tag: 'Billing data',
    summary: 'Switch Cost Explorer collection off: removes the Cost Explorer source and the costs it collected (upload and bucket sources keep their history: 409)',
    access: { permission: 'billing:write' },
    params: idParams,
    response: emptyResponse,
    status: 204,
  }),
  createUpload: defineRoute({
    operationId: 'createBillingUpload',
    method: 'POST',
    path: '/v1/billing/uploads',
    domain: 'billing',
    tag: 'Billing data',
    summary: 'Get an upload target (a presigned PUT) for a billing export: CSV, gzip CSV or Parquet',
    access: { permission: 'billing:write' },
    body: createUploadRequest,
    example: { sourceId: '01JDEMOSOURCE0000000000000', fileName: 'focus-2026-10.csv.gz', contentType: 'application/gzip' },
    response: uploadResponse,
    status: 201,
  }),
  createIngestion: defineRoute({
    operationId: 'startBillingIngestion',
    method: 'POST',
    path: '/v1/billing/ingestions',
    domain: 'billing',
    tag: 'Billing data',
    summary: 'Ingest uploaded files: each billing period they hold replaces the stored one, atomically',
    access: { permission: 'billing:write' },
    body: createIngestionRequest,
    example: { sourceId: '01JDEMOSOURCE0000000000000', uploadIds: ['01JDEMOUPLOAD0000000000000'] },
    response: ingestion,
    status: 202,
  }),
  listIngestions: defineRoute({
    operationId: 'listBillingIngestions',
    method: 'GET',
    path: '/v1/billing/ingestions',
    domain: 'billing',
    tag: 'Billing data',
    summary: 'Ingestion history, newest first',
    access: { permission: 'billing:read' },
    query: pageQuery,
    response: listOf(ingestion),
    status: 200,
  }),
  getIngestion: defineRoute({
    operationId: 'getBillingIngestion',
    method: 'GET',
    path: '/v1/billing/ingestions/{id}',
    domain: 'billing',
    tag: 'Billing data',
    summary: 'An ingestion: status, rows read and rejected (with lines and reasons), source and stored totals',
    access: { permission: 'billing:read' },
    params: idParams,
    response: ingestion,
    status: 200,
  }),
};
