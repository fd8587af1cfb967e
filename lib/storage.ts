import { Aws, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';

export interface StorageProps {
  /** Kept (with its key) when the stack is deleted: the same switch as the table (`protectData`). */
  protect: boolean;
  /** The only origin a browser may upload from (its presigned PUTs go straight to the bucket). */
  consoleOrigin: string;
  /** Where the bucket's server access logs go (the console's logs bucket). */
  accessLogs: s3.IBucket;
}

/**
 * The object tag that marks an ingestion's partial aggregates (tenants/<t>/ingestions/<id>/partials/)
 * for expiry. S3 lifecycle filters take a literal key prefix, never a pattern, and those keys have a
 * tenant and an ingestion id in the middle, so the rule matches this tag under `tenants/` instead:
 * it takes effect once the runtime writes partials with it (`Tagging` on the PutObject, which also
 * needs s3:PutObjectTagging on the ingest role). Until then the cleanup step deletes them on success.
 */
export const PARTIAL_OBJECT_TAG = { key: 'cloudoptima:object', value: 'ingestion-partial' } as const;

/** How long a partial aggregate may outlive its ingestion (a failed run leaves them behind). */
export const PARTIAL_RETENTION = Duration.days(7);
/** How long an overwritten or deleted object stays recoverable as a noncurrent version. */
export const NONCURRENT_RETENTION = Duration.days(30);

/**
 * The objects bucket: tenants' raw billing exports (uploaded by the browser through presigned PUT
 * URLs) and the ingestion workflow's intermediate files, every key under `tenants/<tenantId>/`.
 * Private, TLS only, encrypted with a key of its own, versioned, access-logged.
 *
 * Its name is fixed from the stack name, account and region (not generated) because the console's
 * CSP must name the upload origin while the bucket's CORS names the console's origin: with a
 * generated name CloudFormation would see a cycle (bucket -> distribution -> CSP -> bucket).
 */
export class Storage extends Construct {
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, { protect, consoleOrigin, accessLogs }: StorageProps) {
    super(scope, id);
    const removalPolicy = protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // Its own key rather than the table's: the table key's grants are usable only through DynamoDB,
    // and raw exports are a different store with a different blast radius; disabling this key stops
    // every read of the files without touching the table, and CloudTrail shows its use apart.
    this.key = new kms.Key(this, 'Key', {
      description: 'CloudOptima objects bucket (billing exports)',
      enableKeyRotation: true,
      removalPolicy,
    });

    this.bucket = new s3.Bucket(this, 'Objects', {
      bucketName: objectsBucketName(this),
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      // One data key per bucket and period instead of one KMS call per object.
      bucketKeyEnabled: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'objects/',
      // Browsers PUT the file to its presigned URL themselves; nothing else crosses origins.
      cors: [
        {
          allowedOrigins: [consoleOrigin],
          allowedMethods: [s3.HttpMethods.PUT],
          allowedHeaders: ['Content-Type'],
          exposedHeaders: ['ETag'],
          maxAge: 3600,
        },
      ],
      lifecycleRules: [
        {
          id: 'ExpireIngestionPartials',
          prefix: 'tenants/',
          tagFilters: { [PARTIAL_OBJECT_TAG.key]: PARTIAL_OBJECT_TAG.value },
          expiration: PARTIAL_RETENTION,
        },
        { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // Versioning keeps what is deleted or overwritten; it stays recoverable for a while, then goes.
        { id: 'ExpireNoncurrentVersions', noncurrentVersionExpiration: NONCURRENT_RETENTION, expiredObjectDeleteMarker: true },
      ],
      removalPolicy,
    });
  }
}

/**
 * `<stack>-objects-<account>-<region>`, lowercase, at most 63 characters: unique per install, and
 * known without referring to the bucket resource.
 */
export function objectsBucketName(scope: IConstruct): string {
  const stack = Stack.of(scope);
  if (Token.isUnresolved(stack.stackName)) throw new Error('the objects bucket is named after the stack: give the stack a literal name');
  // 63 - '-objects-' - 12-digit account - '-' - the longest region names (14).
  const slug = stack.stackName.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 27).replace(/^-+|-+$/g, '') || 'cloudoptima';
  return `${slug}-objects-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/** `https://<bucket>.s3.<region>.<suffix>`: the origin of the presigned upload URLs the AWS SDK builds. */
export function objectsUploadOrigin(scope: IConstruct): string {
  return `https://${objectsBucketName(scope)}.s3.${Aws.REGION}.${Aws.URL_SUFFIX}`;
}
