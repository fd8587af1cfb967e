import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ObjectStore, UploadTarget } from './object-store.js';

/** The object store in AWS: one S3 bucket, KMS-encrypted, uploads through presigned PUTs. */
export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async presignPut(key: string, { expiresInSeconds, contentType }: { expiresInSeconds: number; contentType: string }): Promise<UploadTarget> {
    const url = await getSignedUrl(this.s3, new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }), {
      expiresIn: expiresInSeconds,
    });
    return { url, method: 'PUT', headers: { 'content-type': contentType }, expiresAt: new Date(Date.now() + expiresInSeconds * 1000).toISOString() };
  }

  async head(key: string): Promise<{ size: number } | null> {
    try {
      const out = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: out.ContentLength ?? 0 };
    } catch (error) {
      if ((error as Error).name === 'NotFound' || (error as Error).name === 'NoSuchKey') return null;
      throw error;
    }
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const Range = range ? `bytes=${range.start}-${range.end - 1}` : undefined;
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range }));
    return out.Body as Readable;
  }

  async readRange(key: string, start: number, end: number): Promise<Uint8Array> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${start}-${end - 1}` }));
    return out.Body!.transformToByteArray();
  }

  async write(key: string, body: string | Uint8Array, contentType: string, tags?: Record<string, string>): Promise<void> {
    const Tagging = tags ? new URLSearchParams(tags).toString() : undefined;
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, Tagging }));
  }

  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}
