import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { ExportBucketSource, ExportObject } from '#shared/billing/export-bucket.js';
import type { AccountTarget } from '#shared/inventory/provider.js';
import { assumedRoleCredentials } from '#functions/collect/aws/credentials.js';
import { withRetry, type CallOptions } from '#functions/collect/aws/retry.js';

/** The customer's bucket may be in any region: S3 answers a redirect, which the client follows. */
const customerS3 = (credentials: AwsCredentialIdentityProvider) => new S3Client({ region: 'us-east-1', credentials, maxAttempts: 1, followRegionRedirects: true });

/**
 * Export buckets in AWS: ListObjectsV2 and GetObject in the customer's account with the connected
 * account's role (the onboarding template's optional ReadBillingExports statement allows exactly
 * the bucket and prefix given), and PutObject into CloudOptima's objects bucket with the function's
 * own role, streaming (the file is never held whole). GetObject carries IfMatch on the listed ETag,
 * so a file replaced meanwhile is left to its own event. Throttling is retried by withRetry, as
 * every call to a customer's account is; the SDK's own retries are off.
 */
export class S3ExportBuckets implements ExportBucketSource {
  private readonly credentials = new Map<string, AwsCredentialIdentityProvider>();

  constructor(
    private readonly sts: STSClient,
    private readonly objects: S3Client,
    private readonly objectsBucket: string,
    private readonly options: CallOptions = {},
    private readonly clientFor: (credentials: AwsCredentialIdentityProvider) => S3Client = customerS3,
  ) {}

  private client(target: AccountTarget): S3Client {
    const key = `${target.tenantId}|${target.roleArn}`;
    if (!this.credentials.has(key)) this.credentials.set(key, assumedRoleCredentials(this.sts, target));
    return this.clientFor(this.credentials.get(key)!);
  }

  async list(target: AccountTarget, bucket: string, prefix: string): Promise<ExportObject[]> {
    const s3 = this.client(target);
    const out: ExportObject[] = [];
    let token: string | undefined;
    do {
      const page = await withRetry(() => s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token })), this.options);
      for (const o of page.Contents ?? []) {
        if (!o.Key || !o.ETag) continue;
        out.push({ key: o.Key, etag: o.ETag.replace(/"/g, ''), size: o.Size ?? 0, lastModified: (o.LastModified ?? new Date(0)).toISOString() });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  async copy(target: AccountTarget, bucket: string, object: ExportObject, destKey: string): Promise<void> {
    const s3 = this.client(target);
    const got = await withRetry(() => s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.key, IfMatch: `"${object.etag}"` })), this.options);
    await this.objects.send(
      new PutObjectCommand({
        Bucket: this.objectsBucket,
        Key: destKey,
        Body: got.Body as Readable,
        ContentLength: got.ContentLength ?? object.size,
        ContentType: 'application/octet-stream',
      }),
    );
  }
}
