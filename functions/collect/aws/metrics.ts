import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { MAX_QUERIES_PER_REQUEST } from '#shared/inventory/metrics.js';
import type { AccountTarget, MetricsSource } from '#shared/inventory/provider.js';
import { AccountCalls } from './common.js';
import type { CallOptions } from './retry.js';

const cloudWatch = (region: string, credentials: AwsCredentialIdentityProvider) => new CloudWatchClient({ region, credentials, maxAttempts: 1 });

/** Utilization from CloudWatch GetMetricData: batches of 500 queries, every page of each batch. */
export class AwsMetricsSource implements MetricsSource {
  private readonly calls: AccountCalls;

  constructor(
    sts: STSClient,
    options: CallOptions = {},
    private readonly clientFor: (region: string, credentials: AwsCredentialIdentityProvider) => CloudWatchClient = cloudWatch,
  ) {
    this.calls = new AccountCalls(sts, options);
  }

  async metrics(target: AccountTarget, region: string, queries: MetricDataQuery[], start: Date, end: Date): Promise<MetricDataResult[]> {
    const cw = this.clientFor(region, this.calls.credentialsFor(target));
    const byId = new Map<string, MetricDataResult>();
    for (let i = 0; i < queries.length; i += MAX_QUERIES_PER_REQUEST) {
      const batch = queries.slice(i, i + MAX_QUERIES_PER_REQUEST);
      let NextToken: string | undefined;
      do {
        const out = await this.calls.call(() => cw.send(new GetMetricDataCommand({ MetricDataQueries: batch, StartTime: start, EndTime: end, NextToken, ScanBy: 'TimestampAscending' })));
        // A later page continues the series of the same query ids.
        for (const r of out.MetricDataResults ?? []) {
          const seen = byId.get(r.Id!);
          if (seen) {
            seen.Timestamps = [...(seen.Timestamps ?? []), ...(r.Timestamps ?? [])];
            seen.Values = [...(seen.Values ?? []), ...(r.Values ?? [])];
          } else byId.set(r.Id!, { ...r, Timestamps: [...(r.Timestamps ?? [])], Values: [...(r.Values ?? [])] });
        }
        NextToken = out.NextToken;
      } while (NextToken);
    }
    return [...byId.values()];
  }
}
