import { createHash } from 'node:crypto';
import { encodeTime } from 'ulid';
import type { AccountTarget } from '../inventory/provider.js';

/**
 * Port: a customer's billing export bucket, read through the connected account's role. In AWS,
 * S3 with the assumed role's credentials (functions/billing/exports-s3.ts); locally a folder per
 * bucket stands in for the customer's bucket (local/export-buckets.ts).
 */
export interface ExportObject {
  key: string;
  /** S3's ETag, quotes removed: a new version of a file has a new one. */
  etag: string;
  size: number;
  lastModified: string;
}

export interface ExportBucketSource {
  /** Every object under the prefix, all pages. */
  list(target: AccountTarget, bucket: string, prefix: string): Promise<ExportObject[]>;
  /**
   * Copies one object into CloudOptima's objects store at `destKey`, only if it still has the
   * listed ETag (a file replaced meanwhile is taken by the next scan or event, under its new ETag).
   */
  copy(target: AccountTarget, bucket: string, object: ExportObject, destKey: string): Promise<void>;
}

/** The files an export delivers that hold billing rows; manifests and markers are skipped. */
export const isBillingFile = (key: string): boolean => /\.(csv|csv\.gz|gz|parquet|snappy\.parquet)$/i.test(key) && !key.endsWith('/');

/** The folder a file was delivered in: the files of one delivery (one period's parts) share it. */
export const deliveryFolder = (key: string): string => key.slice(0, key.lastIndexOf('/') + 1);

/** A key's last segment, made safe for an upload's file name (which the ingestion reports). */
export function exportFileName(key: string): string {
  const base = key.slice(key.lastIndexOf('/') + 1).replace(/[^A-Za-z0-9._=-]/g, '_').slice(-200);
  return base === '' || base === '.' || base === '..' ? 'export' : base;
}

const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The ingestion id of one delivery: a ULID whose time is the delivery's newest file and whose
 * random part is a hash of the source and every (key, ETag) in it. The same files always give the
 * same id, so seeing them twice (an event and a scan, two events, a retry) ingests them once, and
 * history sorts deliveries by when they landed.
 */
export function deliveryIngestionId(sourceId: string, objects: ExportObject[]): string {
  const sorted = [...objects].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const hash = createHash('sha256').update(sourceId);
  for (const o of sorted) hash.update(`\n${o.key}\t${o.etag}`);
  const bytes = hash.digest();
  let random = '';
  for (let i = 0; i < 16; i++) random += B32[bytes[i]! & 31];
  const newest = Math.max(...objects.map((o) => Date.parse(o.lastModified)));
  return encodeTime(newest, 10) + random;
}

let local: ExportBucketSource | undefined;

/** The local platform registers its folder-backed buckets here; in AWS nothing does. */
export function useLocalExportBuckets(source: ExportBucketSource): void {
  local = source;
}

export function localExportBuckets(): ExportBucketSource | undefined {
  return local;
}

/** CloudOptima's event bus that customers' export-bucket rules forward S3 "Object Created" events to. */
export const EXPORT_EVENT_BUS_NAME = 'cloudoptima-billing-exports';
