import type { Readable } from 'node:stream';

/**
 * Port: where raw billing exports and other files live. S3 in AWS (s3-object-store.ts), a folder
 * on disk locally (local-object-store.ts). Keys of tenant data always start `tenants/<tenantId>/`.
 */
export interface UploadTarget {
  url: string;
  method: 'PUT';
  /** Headers the client must send with the PUT (they are part of the signature). */
  headers: Record<string, string>;
  expiresAt: string;
}

export interface ObjectStore {
  /** A URL the client PUTs the file to directly, valid for `expiresInSeconds`. */
  presignPut(key: string, options: { expiresInSeconds: number; contentType: string }): Promise<UploadTarget>;
  head(key: string): Promise<{ size: number } | null>;
  /**
   * Reads the object as a stream: billing files are streamed, never loaded whole. With `range`,
   * only bytes `[start, end)` (an S3 GetObject with a Range header; the same bytes locally).
   */
  read(key: string, range?: { start: number; end: number }): Promise<Readable>;
  /** Reads a byte range, for formats read from the end (Parquet). `end` is exclusive. */
  readRange(key: string, start: number, end: number): Promise<Uint8Array>;
  /** `tags` become S3 object tags (lifecycle rules expire by tag); the local store ignores them. */
  write(key: string, body: string | Uint8Array, contentType: string, tags?: Record<string, string>): Promise<void>;
  delete(key: string): Promise<void>;
}

const SAFE_SEGMENT = /^[A-Za-z0-9._=-]{1,200}$/;

/** The key for a tenant's object; every segment is checked so no key can climb out of its tenant. */
export function tenantObjectKey(tenantId: string, ...segments: string[]): string {
  for (const segment of [tenantId, ...segments]) {
    if (!SAFE_SEGMENT.test(segment) || segment === '.' || segment === '..') {
      throw new Error(`unsafe object key segment: ${JSON.stringify(segment)}`);
    }
  }
  return ['tenants', tenantId, ...segments].join('/');
}
