import { createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { ObjectStore, UploadTarget } from './object-store.js';

/**
 * The object store on the local platform: files under a folder, and "presigned" PUT URLs that the
 * local gateway honours (`/_local/objects/<key>?expires=&signature=`), signed with HMAC like S3's,
 * so clients upload exactly as they would to S3.
 */
export const LOCAL_OBJECTS_PATH = '/_local/objects/';

export class LocalObjectStore implements ObjectStore {
  private readonly root: string;

  constructor(
    root: string,
    private readonly baseUrl: string,
    private readonly secret: string,
  ) {
    this.root = resolve(root);
  }

  private pathOf(key: string): string {
    const path = resolve(join(this.root, key));
    if (!path.startsWith(this.root + sep)) throw new Error(`object key escapes the store: ${key}`);
    return path;
  }

  private signature(key: string, expires: number, contentType: string): string {
    return createHmac('sha256', this.secret).update(`PUT\n${key}\n${expires}\n${contentType}`).digest('base64url');
  }

  async presignPut(key: string, { expiresInSeconds, contentType }: { expiresInSeconds: number; contentType: string }): Promise<UploadTarget> {
    this.pathOf(key);
    const expires = Math.floor(Date.now() / 1000) + expiresInSeconds;
    const query = new URLSearchParams({ expires: String(expires), signature: this.signature(key, expires, contentType) });
    return {
      url: `${this.baseUrl}${LOCAL_OBJECTS_PATH}${key.split('/').map(encodeURIComponent).join('/')}?${query}`,
      method: 'PUT',
      headers: { 'content-type': contentType },
      expiresAt: new Date(expires * 1000).toISOString(),
    };
  }

  /** Checks a presigned PUT the way S3 would: right key, not expired, same content type. */
  verifyPut(key: string, expires: string | null, signature: string | null, contentType: string): boolean {
    if (!expires || !signature || !/^\d+$/.test(expires) || Number(expires) < Date.now() / 1000) return false;
    const expected = Buffer.from(this.signature(key, Number(expires), contentType));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  async head(key: string): Promise<{ size: number } | null> {
    try {
      return { size: (await stat(this.pathOf(key))).size };
    } catch {
      return null;
    }
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const path = this.pathOf(key);
    await stat(path);
    // As S3's Range: bytes [start, end) (createReadStream's `end` is inclusive); an empty range reads nothing.
    if (range && range.end <= range.start) return Readable.from([]);
    return createReadStream(path, range ? { start: range.start, end: range.end - 1 } : {});
  }

  async readRange(key: string, start: number, end: number): Promise<Uint8Array> {
    const handle = await open(this.pathOf(key), 'r');
    try {
      const buffer = Buffer.alloc(Math.max(0, end - start));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async write(key: string, body: string | Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
  }

  /** Streams a request body to the key (used by the local gateway for presigned PUTs). */
  async writeStream(key: string, body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<number> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(`${path}.partial`, 'w');
    let size = 0;
    try {
      for await (const chunk of body) {
        size += chunk.length;
        if (size > maxBytes) throw new Error(`upload exceeds ${maxBytes} bytes`);
        await handle.write(chunk);
      }
    } catch (error) {
      await handle.close();
      await rm(`${path}.partial`, { force: true });
      throw error;
    }
    await handle.close();
    // Visible only when complete, as an S3 PUT is.
    await rename(`${path}.partial`, path);
    return size;
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}
