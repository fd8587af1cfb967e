import { describe, expect, it } from 'vitest';
import { scanExportSource, type ExportDeps } from '#functions/billing/exports.js';
import type { BillingSourceRecord, IngestionRecord, SourceScan, UploadRecord } from '#functions/billing/store.js';
import type { ExportObject } from '#shared/billing/export-bucket.js';
import { NotFound } from '#shared/errors.js';
import { AccountAccessError } from '#shared/inventory/provider.js';

/** scanExportSource with in-memory stores: what it starts, skips, restarts and records. */
function harness(objects: ExportObject[], options: { copyFails?: Record<string, Error>; listFails?: Error } = {}) {
  const source: BillingSourceRecord = { id: 'src1', name: 's', kind: 'bucket', bucket: 'b', prefix: 'p/', defaultCurrency: null, accountId: '123456789012', lastDeliveredAt: null, createdAt: '2026-11-01T00:00:00Z' };
  const ingestions = new Map<string, IngestionRecord>();
  const uploads: UploadRecord[] = [];
  const scans: SourceScan[] = [];
  const starts: string[] = [];
  const copies: string[] = [];
  const deps = {
    store: {
      getSource: async () => source,
      recordScan: async (_t: string, _s: string, scan: SourceScan) => void scans.push(scan),
      findIngestion: async (_t: string, id: string) => ingestions.get(id),
      getIngestion: async (_t: string, id: string) => ingestions.get(id) ?? Promise.reject(new NotFound('no')),
      putIngestion: async (_t: string, i: IngestionRecord) => {
        if (ingestions.has(i.id)) throw Object.assign(new Error('exists'), { name: 'ConditionalCheckFailedException' });
        ingestions.set(i.id, i);
      },
      putUpload: async (_t: string, u: UploadRecord) => void uploads.push(u),
      getUpload: async (_t: string, id: string) => uploads.find((u) => u.id === id),
    },
    accounts: { get: async (_t: string, id: string) => ({ id, roleArn: `arn:aws:iam::${id}:role/cloudoptima/CloudOptimaReadOnly`, externalId: 'cloudoptima-x' }) },
    objects: { head: async () => ({ size: 1 }) },
    workflows: { start: async (_w: string, name: string) => void starts.push(name) },
    buckets: {
      list: async () => {
        if (options.listFails) throw options.listFails;
        return objects;
      },
      copy: async (_t: unknown, _b: string, o: ExportObject, dest: string) => {
        const failure = options.copyFails?.[o.key];
        if (failure) throw failure;
        copies.push(dest);
      },
    },
  } as unknown as ExportDeps;
  return { deps, ingestions, uploads, scans, starts, copies };
}

const file = (key: string, etag: string, at = '2026-11-01T03:00:00.000Z'): ExportObject => ({ key, etag, size: 10, lastModified: at });

describe('scanExportSource', () => {
  it('ingests each delivery folder once, its parts together, oldest first', async () => {
    const h = harness([file('p/2026-10/a.csv', 'e1', '2026-11-02T00:00:00Z'), file('p/2026-10/b.csv', 'e2', '2026-11-02T00:00:00Z'), file('p/2026-09/a.csv', 'e3', '2026-10-02T00:00:00Z'), file('p/2026-10/manifest.json', 'm')]);
    const first = await scanExportSource(h.deps, 't1', 'src1', 'schedule');
    expect(h.starts).toHaveLength(2);
    const [september, october] = [...h.ingestions.values()];
    expect(september!.uploadIds).toHaveLength(1);
    expect(october!.uploadIds).toHaveLength(2);
    expect(h.starts).toEqual([september!.id, october!.id]);
    expect(first.objects.every((o) => o.outcome === 'started')).toBe(true);
    expect(h.scans.at(-1)).toMatchObject({ trigger: 'schedule', objects: 3, started: 2, error: null });

    const again = await scanExportSource(h.deps, 't1', 'src1', 'manual');
    expect(again.objects.every((o) => o.outcome === 'ingested')).toBe(true);
    expect(h.ingestions.size).toBe(2);
    expect(h.copies).toHaveLength(3);
  });

  it('starts again a delivery recorded but never started (a crash between the two), without copying it again', async () => {
    const h = harness([file('p/x/a.csv', 'e1')]);
    await scanExportSource(h.deps, 't1', 'src1', 'event', 'p/x/');
    h.starts.length = 0;
    await scanExportSource(h.deps, 't1', 'src1', 'manual');
    expect(h.starts).toHaveLength(1); // still queued: the workflow start is repeated (idempotent by name)
    [...h.ingestions.values()][0]!.status = 'succeeded';
    await scanExportSource(h.deps, 't1', 'src1', 'manual');
    expect(h.starts).toHaveLength(1);
    expect(h.copies).toHaveLength(1);
  });

  it('leaves a file replaced since the listing to the next scan, and records an unreadable bucket', async () => {
    const replaced = Object.assign(new Error('precondition'), { name: 'PreconditionFailed' });
    const h = harness([file('p/x/a.csv', 'e1')], { copyFails: { 'p/x/a.csv': replaced } });
    const result = await scanExportSource(h.deps, 't1', 'src1', 'manual');
    expect(result.objects).toEqual([]);
    expect(h.ingestions.size).toBe(0);

    const denied = harness([], { listFails: new AccountAccessError('ASSUME_ROLE_FAILED', 'AssumeRole refused') });
    await expect(scanExportSource(denied.deps, 't1', 'src1', 'schedule')).rejects.toMatchObject({ status: 409, code: 'EXPORT_BUCKET_UNREACHABLE' });
    expect(denied.scans).toEqual([expect.objectContaining({ trigger: 'schedule', error: expect.objectContaining({ code: 'EXPORT_BUCKET_UNREACHABLE' }) })]);
  });
});
