import { GetBucketLifecycleConfigurationCommand, GetBucketLocationCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { AccountTarget, BucketsInventory, BucketsSource, CollectedBucket, CollectWarning } from '#shared/inventory/provider.js';
import { AccountCalls, allPages } from './common.js';
import { isAccessDenied, type CallOptions } from './retry.js';

const s3Client = (region: string, credentials: AwsCredentialIdentityProvider) => new S3Client({ region, credentials, maxAttempts: 1, followRegionRedirects: true });

/** S3 buckets (a global listing), each with its region and whether it has lifecycle rules. */
export class AwsBucketsSource implements BucketsSource {
  private readonly calls: AccountCalls;

  constructor(
    sts: STSClient,
    options: CallOptions = {},
    private readonly clientFor: (region: string, credentials: AwsCredentialIdentityProvider) => S3Client = s3Client,
  ) {
    this.calls = new AccountCalls(sts, options);
  }

  async buckets(target: AccountTarget): Promise<BucketsInventory> {
    const credentials = this.calls.credentialsFor(target);
    const s3 = this.clientFor('us-east-1', credentials);
    const warnings: CollectWarning[] = [];
    const call = this.calls.call.bind(this.calls);
    const listed = await this.calls.part(warnings, 'global', 's3:ListAllMyBuckets', [], () =>
      allPages((ContinuationToken) => call(() => s3.send(new ListBucketsCommand({ ContinuationToken, MaxBuckets: 1000 }))), (r) => r.Buckets, (r) => r.ContinuationToken),
    );
    const Buckets: CollectedBucket[] = [];
    for (const bucket of listed) {
      if (!bucket.Name) continue;
      const Name = bucket.Name;
      let Region = bucket.BucketRegion ?? null;
      if (!Region) {
        const location = await this.calls.part(warnings, 'global', 's3:GetBucketLocation', null, async () =>
          (await call(() => s3.send(new GetBucketLocationCommand({ Bucket: Name })))).LocationConstraint ?? '',
        );
        // An empty LocationConstraint is us-east-1; EU is the old name of eu-west-1.
        Region = location === null ? 'us-east-1' : location === '' ? 'us-east-1' : location === 'EU' ? 'eu-west-1' : location;
      }
      let LifecycleRules: number | null;
      try {
        LifecycleRules = (await call(() => this.clientFor(Region!, credentials).send(new GetBucketLifecycleConfigurationCommand({ Bucket: Name })))).Rules?.length ?? 0;
      } catch (error) {
        if ((error as Error).name === 'NoSuchLifecycleConfiguration') LifecycleRules = 0;
        else if (isAccessDenied(error)) {
          warnings.push({ region: Region, service: 's3:GetLifecycleConfiguration', code: (error as Error).name, message: `${Name}: ${(error as Error).message}`.slice(0, 500) });
          LifecycleRules = null;
        } else throw error;
      }
      Buckets.push({ Name, CreationDate: bucket.CreationDate ? new Date(bucket.CreationDate).toISOString() : null, Region, LifecycleRules });
    }
    return { Buckets, warnings };
  }
}
