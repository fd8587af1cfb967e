import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExportBucketSource, ExportObject } from '../shared/billing/export-bucket.js';
import { AccountAccessError, type AccountTarget } from '../shared/inventory/provider.js';
import type { ObjectStore } from '../shared/storage/object-store.js';
import { DEMO_ACCOUNTS } from './demo/dimensions.js';
import { demoRoleArn } from './demo/inventory.js';

/** A recorded bucket every demo account answers for: one small FOCUS delivery kept in the repo. */
export const DEMO_EXPORT_BUCKET = 'cloudoptima-demo-exports';
const DEMO_EXPORT_DIR = fileURLToPath(new URL('./demo/export-bucket', import.meta.url));

/**
 * Local provider standing in for customers' S3 export buckets: a folder per bucket,
 * `<dataDir>/export-buckets/<account>/<bucket>/<key>`, readable only through a recorded demo
 * account's role (as AssumeRole would allow). ETags are the content's MD5, as S3's are for single-part
 * uploads. The local event adapter (`watch`) delivers an "Object Created" event for each file that
 * lands in a bucket folder, as the customer's EventBridge rule forwards S3's in AWS; `put` writes
 * one and delivers its event at once. The bucket named DEMO_EXPORT_BUCKET also holds the recorded
 * delivery in local/demo/export-bucket/ (read-only), so a demo can scan a bucket without writing one.
 */
export class LocalExportBuckets implements ExportBucketSource {
  private listener: ((event: { accountId: string; bucket: string; key: string }) => Promise<unknown>) | undefined;

  constructor(
    readonly root: string,
    private readonly objects: () => ObjectStore,
  ) {}

  /** Where the events go (the billing events handler); set by the platform. */
  onObjectCreated(listener: (event: { accountId: string; bucket: string; key: string }) => Promise<unknown>): void {
    this.listener = listener;
  }

  private watcher: FSWatcher | undefined;
  private readonly pending = new Map<string, NodeJS.Timeout>();

  /** Watches every bucket folder; a file's event is delivered once its writes settle (250 ms). */
  watch(onError: (error: unknown) => void): void {
    mkdirSync(this.root, { recursive: true });
    this.watcher = watch(this.root, { recursive: true }, (_type, name) => {
      if (!name) return;
      const parts = name.split(sep);
      if (parts.length < 3) return;
      clearTimeout(this.pending.get(name));
      this.pending.set(
        name,
        setTimeout(() => {
          this.pending.delete(name);
          try {
            if (!statSync(join(this.root, name)).isFile()) return;
          } catch {
            return; // deleted or renamed away
          }
          const [accountId, bucket, ...key] = parts;
          this.listener?.({ accountId: accountId!, bucket: bucket!, key: key.join('/') }).catch(onError);
        }, 250),
      );
    });
  }

  close(): void {
    this.watcher?.close();
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private folder(target: AccountTarget, bucket: string): string {
    const known = Object.values(DEMO_ACCOUNTS).some((a) => a.id === target.accountId);
    if (!known || target.roleArn !== demoRoleArn(target.accountId)) {
      throw new AccountAccessError('ASSUME_ROLE_FAILED', `AssumeRole on ${target.roleArn} failed: AccessDenied (local: only the recorded demo accounts' roles answer)`);
    }
    return join(this.root, target.accountId, bucket);
  }

  /** The folders holding a bucket's objects: its own, then (for the demo bucket) the recorded one. */
  private folders(target: AccountTarget, bucket: string): string[] {
    const own = this.folder(target, bucket);
    return bucket === DEMO_EXPORT_BUCKET ? [own, DEMO_EXPORT_DIR] : [own];
  }

  async list(target: AccountTarget, bucket: string, prefix: string): Promise<ExportObject[]> {
    const byKey = new Map<string, ExportObject>();
    for (const folder of this.folders(target, bucket).reverse()) for (const o of this.listFolder(folder, prefix)) byKey.set(o.key, o);
    return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  private listFolder(folder: string, prefix: string): ExportObject[] {
    const out: ExportObject[] = [];
    const walk = (dir: string) => {
      let entries: string[];
      try {
        entries = readdirSync(dir);
      } catch {
        return;
      }
      for (const name of entries.sort()) {
        const path = join(dir, name);
        const stat = statSync(path);
        if (stat.isDirectory()) walk(path);
        else {
          const key = relative(folder, path).split(sep).join('/');
          if (!key.startsWith(prefix)) continue;
          const etag = createHash('md5').update(readFileSync(path)).digest('hex');
          out.push({ key, etag, size: stat.size, lastModified: stat.mtime.toISOString() });
        }
      }
    };
    walk(folder);
    return out;
  }

  async copy(target: AccountTarget, bucket: string, object: ExportObject, destKey: string): Promise<void> {
    const paths = this.folders(target, bucket).map((folder) => join(folder, ...object.key.split('/')));
    const body = readFileSync(paths.find((path) => existsSync(path)) ?? paths[0]!);
    // S3's GetObject IfMatch: a file replaced since the listing is left for the next scan.
    if (createHash('md5').update(body).digest('hex') !== object.etag) throw Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), { name: 'PreconditionFailed' });
    await this.objects().write(destKey, body, 'application/octet-stream');
  }

  /** Writes a file into a local bucket and delivers its "Object Created" event (awaited: tests see its outcome). */
  async put(accountId: string, bucket: string, key: string, body: string | Uint8Array): Promise<unknown> {
    const path = join(this.root, accountId, bucket, ...key.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
    // The watcher would deliver it too: the delivery's id makes the two one ingestion.
    return this.listener?.({ accountId, bucket, key });
  }
}
