import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3ExportBuckets } from '#functions/billing/exports-s3.js';
import { deliveryFolder, deliveryIngestionId, exportFileName, isBillingFile } from '#shared/billing/export-bucket.js';
import type { AccountTarget } from '#shared/inventory/provider.js';

/** The export bucket reader in AWS, every call stubbed with aws-sdk-client-mock. */
const sts = mockClient(STSClient);
const customer = new S3Client({ region: 'us-east-1' });
const ours = new S3Client({ region: 'us-east-1' });
const customerS3 = mockClient(customer);
const oursS3 = mockClient(ours);

const target: AccountTarget = {
  accountId: '318274650192',
  roleArn: 'arn:aws:iam::318274650192:role/cloudoptima/CloudOptimaReadOnly',
  externalId: 'cloudoptima-abcdefghijklmnop',
  tenantId: 'tenant_1',
};
const sleeps: number[] = [];
const options = { sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.5, retry: { baseDelayMs: 100 } };
const throttled = () => Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
let credentialsSeen: AwsCredentialIdentityProvider[] = [];

const reader = () =>
  new S3ExportBuckets(new STSClient({ region: 'us-east-1' }), ours, 'cloudoptima-objects', options, (credentials) => {
    credentialsSeen.push(credentials);
    return customer;
  });

beforeEach(() => {
  for (const m of [sts, customerS3, oursS3]) m.reset();
  sleeps.length = 0;
  credentialsSeen = [];
  sts.on(AssumeRoleCommand).resolves({
    Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + 900_000) },
  });
});

describe('S3ExportBuckets', () => {
  it('lists every page under the prefix with the assumed role, ETags unquoted, retrying throttling', async () => {
    customerS3
      .on(ListObjectsV2Command)
      .rejectsOnce(throttled())
      .resolvesOnce({
        IsTruncated: true,
        NextContinuationToken: 'page-2',
        Contents: [{ Key: 'cur2/data/BILLING_PERIOD=2026-10/a-00001.csv.gz', ETag: '"abc"', Size: 10, LastModified: new Date('2026-11-01T03:00:00Z') }],
      })
      .resolvesOnce({ IsTruncated: false, Contents: [{ Key: 'cur2/data/BILLING_PERIOD=2026-10/a-00002.csv.gz', ETag: '"def-2"', Size: 20, LastModified: new Date('2026-11-01T03:00:01Z') }] });
    const listed = await reader().list(target, 'acme-exports', 'cur2/');
    expect(listed).toEqual([
      { key: 'cur2/data/BILLING_PERIOD=2026-10/a-00001.csv.gz', etag: 'abc', size: 10, lastModified: '2026-11-01T03:00:00.000Z' },
      { key: 'cur2/data/BILLING_PERIOD=2026-10/a-00002.csv.gz', etag: 'def-2', size: 20, lastModified: '2026-11-01T03:00:01.000Z' },
    ]);
    const calls = customerS3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);
    expect(calls).toEqual([
      { Bucket: 'acme-exports', Prefix: 'cur2/', ContinuationToken: undefined },
      { Bucket: 'acme-exports', Prefix: 'cur2/', ContinuationToken: undefined },
      { Bucket: 'acme-exports', Prefix: 'cur2/', ContinuationToken: 'page-2' },
    ]);
    expect(sleeps).toHaveLength(1);
    // The customer's client gets the role's credentials, assumed with the tenant's ExternalId.
    expect(await credentialsSeen[0]!()).toMatchObject({ accessKeyId: 'AKIA', sessionToken: 'token' });
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toMatchObject({ RoleArn: target.roleArn, ExternalId: target.externalId });
  });

  it('passes a refusal to the caller at once (no retry)', async () => {
    customerS3.on(ListObjectsV2Command).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    await expect(reader().list(target, 'acme-exports', '')).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(sleeps).toHaveLength(0);
  });

  it('copies with IfMatch on the listed ETag, streaming into the objects bucket', async () => {
    const body = Readable.from([Buffer.from('a,b\n1,2\n')]);
    customerS3.on(GetObjectCommand).resolves({ Body: body as never, ContentLength: 8 });
    oursS3.on(PutObjectCommand).resolves({});
    await reader().copy(target, 'acme-exports', { key: 'cur2/x.csv', etag: 'abc', size: 8, lastModified: '2026-11-01T00:00:00Z' }, 'tenants/tenant_1/uploads/u1/x.csv');
    expect(customerS3.commandCalls(GetObjectCommand)[0]!.args[0].input).toEqual({ Bucket: 'acme-exports', Key: 'cur2/x.csv', IfMatch: '"abc"' });
    const put = oursS3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Bucket: 'cloudoptima-objects', Key: 'tenants/tenant_1/uploads/u1/x.csv', ContentLength: 8 });
    expect(put.Body).toBe(body);
  });

  it('leaves a file replaced since the listing (PreconditionFailed) to the caller', async () => {
    customerS3.on(GetObjectCommand).rejects(Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), { name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } }));
    await expect(reader().copy(target, 'b', { key: 'k.csv', etag: 'old', size: 1, lastModified: '2026-11-01T00:00:00Z' }, 'tenants/t/uploads/u/k.csv')).rejects.toMatchObject({ name: 'PreconditionFailed' });
    expect(oursS3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});

describe('export deliveries', () => {
  const a = { key: 'focus/2026-10/part-1.csv.gz', etag: 'e1', size: 1, lastModified: '2026-11-01T03:00:00.000Z' };
  const b = { key: 'focus/2026-10/part-2.csv.gz', etag: 'e2', size: 1, lastModified: '2026-11-01T03:00:05.000Z' };

  it('names a delivery by its files: the same files give the same id in any order, a new ETag a new one', () => {
    const id = deliveryIngestionId('src1', [a, b]);
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(deliveryIngestionId('src1', [b, a])).toBe(id);
    expect(deliveryIngestionId('src1', [a, { ...b, etag: 'e3' }])).not.toBe(id);
    expect(deliveryIngestionId('src2', [a, b])).not.toBe(id);
    // Its time is the newest file's: history sorts deliveries by when they landed.
    expect(id.slice(0, 10) > deliveryIngestionId('src1', [a]).slice(0, 10)).toBe(true);
  });

  it('takes billing files only, grouped by their folder, with safe file names', () => {
    expect(['x.csv', 'x.csv.gz', 'x.snappy.parquet', 'x.parquet', 'Manifest.json', 'dir/', '_SUCCESS'].filter(isBillingFile)).toEqual(['x.csv', 'x.csv.gz', 'x.snappy.parquet', 'x.parquet']);
    expect(deliveryFolder('cur2/data/BILLING_PERIOD=2026-10/a.csv')).toBe('cur2/data/BILLING_PERIOD=2026-10/');
    expect(deliveryFolder('a.csv')).toBe('');
    expect(exportFileName('cur2/data/my export (1).csv')).toBe('my_export__1_.csv');
  });
});
