import { readFileSync } from 'node:fs';
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeNatGatewaysCommand,
  DescribeRegionsCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
  type DescribeInstanceTypesResult,
} from '@aws-sdk/client-ec2';
import { DescribeLoadBalancersCommand, DescribeTargetGroupsCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetBucketLifecycleConfigurationCommand, GetBucketLocationCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsBucketsSource } from '#functions/collect/aws/buckets.js';
import { AwsEc2Source } from '#functions/collect/aws/ec2.js';
import { AwsMetricsSource } from '#functions/collect/aws/metrics.js';
import { AwsServicesSource } from '#functions/collect/aws/services.js';
import { AccountAccessError, type AccountTarget } from '#shared/inventory/provider.js';

/** Every AWS call of the collectors, stubbed with aws-sdk-client-mock: pagination, throttling, refusals. */
const fixture = JSON.parse(readFileSync(new URL('./fixtures/DescribeInstanceTypes_recorded.json', import.meta.url), 'utf8')) as DescribeInstanceTypesResult;

const sts = mockClient(STSClient);
const ec2 = mockClient(EC2Client);
const elb = mockClient(ElasticLoadBalancingV2Client);
const rds = mockClient(RDSClient);
const lambda = mockClient(LambdaClient);
const logs = mockClient(CloudWatchLogsClient);
const cw = mockClient(CloudWatchClient);
const s3 = mockClient(S3Client);

const target: AccountTarget = {
  accountId: '318274650192',
  roleArn: 'arn:aws:iam::318274650192:role/cloudoptima/CloudOptimaReadOnly',
  externalId: 'cloudoptima-abcdefghijklmnop',
  tenantId: 'tenant_1',
};
const sleeps: number[] = [];
const options = { sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.5, retry: { baseDelayMs: 100 } };
const throttled = (name: string) => Object.assign(new Error('Rate exceeded'), { name, $metadata: { httpStatusCode: 400 } });
const denied = (name: string) => Object.assign(new Error('You are not authorized to perform this operation.'), { name, $metadata: { httpStatusCode: 403 } });

beforeEach(() => {
  for (const m of [sts, ec2, elb, rds, lambda, logs, cw, s3]) m.reset();
  sleeps.length = 0;
  sts.on(AssumeRoleCommand).resolves({
    Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + 900_000) },
  });
  sts.on(GetCallerIdentityCommand).resolves({ Account: target.accountId, Arn: 'arn:aws:sts::318274650192:assumed-role/CloudOptimaReadOnly/cloudoptima-tenant_1' });
});

describe('AwsEc2Source', () => {
  const source = () => new AwsEc2Source(new STSClient({ region: 'us-east-1' }), options);

  it('assumes the role with the ExternalId, checks the account and lists the enabled regions', async () => {
    ec2.on(DescribeRegionsCommand).resolves({ Regions: [{ RegionName: 'us-west-2' }, { RegionName: 'us-east-1' }] });
    expect(await source().connect(target)).toEqual({ accountId: target.accountId, regions: ['us-east-1', 'us-west-2'] });
    const assume = sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input;
    expect(assume).toMatchObject({ RoleArn: target.roleArn, ExternalId: target.externalId, RoleSessionName: 'cloudoptima-tenant_1' });
  });

  it('fails the account (not the run) when AssumeRole is refused or the role is in another account', async () => {
    sts.on(AssumeRoleCommand).rejects(denied('AccessDenied'));
    await expect(source().connect(target)).rejects.toBeInstanceOf(AccountAccessError);
    sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'A', SecretAccessKey: 'S', SessionToken: 'T', Expiration: new Date(Date.now() + 900_000) } });
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111' });
    await expect(source().connect(target)).rejects.toMatchObject({ name: 'AccountAccessError', code: 'WRONG_ACCOUNT' });
  });

  it('follows every page, retries throttling with backoff, and records a refused API as a warning', async () => {
    ec2
      .on(DescribeInstancesCommand)
      .rejectsOnce(throttled('RequestLimitExceeded'))
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: 'i-1', InstanceType: 'c5.large', State: { Name: 'running' } }] }], NextToken: 'page-2' })
      .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: 'i-2', InstanceType: 'c5.4xlarge', State: { Name: 'stopped' } }] }] });
    ec2.on(DescribeVolumesCommand).resolves({ Volumes: [{ VolumeId: 'vol-1', State: 'available' }] });
    ec2.on(DescribeSnapshotsCommand).rejects(denied('UnauthorizedOperation'));
    ec2.on(DescribeAddressesCommand).resolves({ Addresses: [{ AllocationId: 'eipalloc-1' }] });
    ec2.on(DescribeNatGatewaysCommand).resolves({ NatGateways: [] });
    ec2.on(DescribeInstanceTypesCommand).resolves(fixture);

    const raw = await source().ec2(target, 'eu-west-1');
    expect(raw.Instances.map((i) => i.InstanceId)).toEqual(['i-1', 'i-2']);
    const pages = ec2.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input.NextToken);
    expect(pages).toEqual([undefined, undefined, 'page-2']);
    // One throttled attempt, retried after "equal jitter" of the first 100 ms step.
    expect(sleeps).toEqual([75]);
    expect(raw.Snapshots).toEqual([]);
    expect(raw.warnings).toEqual([{ region: 'eu-west-1', service: 'ec2:DescribeSnapshots', code: 'UnauthorizedOperation', message: expect.any(String) }]);
    expect(raw.Volumes).toHaveLength(1);
    expect(raw.Addresses).toHaveLength(1);
    // Only the types in use are described, from the recorded DescribeInstanceTypes answer.
    expect(ec2.commandCalls(DescribeInstanceTypesCommand)[0]!.args[0].input.InstanceTypes).toEqual(['c5.4xlarge', 'c5.large']);
    expect(raw.InstanceTypes.find((t) => t.InstanceType === 'c5.4xlarge')?.VCpuInfo?.DefaultVCpus).toBe(16);
    expect(ec2.commandCalls(DescribeSnapshotsCommand)[0]!.args[0].input.OwnerIds).toEqual(['self']);
  });

  it('gives up after the last attempt when throttling does not stop', async () => {
    ec2.on(DescribeInstancesCommand).rejects(throttled('RequestLimitExceeded'));
    await expect(source().ec2(target, 'us-east-1')).rejects.toMatchObject({ name: 'RequestLimitExceeded' });
    expect(ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(6);
    expect(sleeps).toEqual([75, 150, 300, 600, 1200]);
  });
});

describe('AwsServicesSource', () => {
  it('pages load balancers, Lambda and logs, reads target health, and retries a throttled RDS call', async () => {
    elb
      .on(DescribeLoadBalancersCommand)
      .resolvesOnce({ LoadBalancers: [{ LoadBalancerArn: 'arn:lb/1', Type: 'application' }], NextMarker: 'm2' })
      .resolvesOnce({ LoadBalancers: [{ LoadBalancerArn: 'arn:lb/2', Type: 'network' }] });
    elb.on(DescribeTargetGroupsCommand).callsFake((input) => ({ TargetGroups: [{ TargetGroupArn: `${input.LoadBalancerArn}/tg` }] }));
    elb.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [{ TargetHealth: { State: 'healthy' } }, { TargetHealth: { State: 'unhealthy' } }] });
    rds.on(DescribeDBInstancesCommand).rejectsOnce(throttled('Throttling')).resolves({ DBInstances: [{ DBInstanceArn: 'arn:db' }] });
    lambda
      .on(ListFunctionsCommand)
      .resolvesOnce({ Functions: [{ FunctionArn: 'arn:fn:1' }], NextMarker: 'n' })
      .resolvesOnce({ Functions: [{ FunctionArn: 'arn:fn:2' }] });
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: '/a', arn: 'arn:logs:/a:*' }] });

    const raw = await new AwsServicesSource(new STSClient({ region: 'us-east-1' }), options).services(target, 'us-east-1');
    expect(raw.LoadBalancers.map((lb) => [lb.LoadBalancerArn, lb.TargetGroups[0]!.TargetHealthDescriptions.length])).toEqual([
      ['arn:lb/1', 2],
      ['arn:lb/2', 2],
    ]);
    expect(elb.commandCalls(DescribeLoadBalancersCommand).map((c) => c.args[0].input.Marker)).toEqual([undefined, 'm2']);
    expect(raw.Functions.map((f) => f.FunctionArn)).toEqual(['arn:fn:1', 'arn:fn:2']);
    expect(lambda.commandCalls(ListFunctionsCommand).map((c) => c.args[0].input.Marker)).toEqual([undefined, 'n']);
    expect(raw.DBInstances).toHaveLength(1);
    expect(sleeps).toHaveLength(1);
    expect(raw.LogGroups).toHaveLength(1);
    expect(raw.warnings).toEqual([]);
  });
});

describe('AwsMetricsSource', () => {
  it('sends at most 500 queries per request and joins the pages of each query', async () => {
    const queries: MetricDataQuery[] = Array.from({ length: 501 }, (_, i) => ({ Id: `m${i}`, MetricStat: { Metric: { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization' }, Period: 86400, Stat: 'Average' } }));
    const t = (d: number) => new Date(Date.UTC(2026, 9, d));
    cw.on(GetMetricDataCommand).callsFake((input) => {
      if (input.MetricDataQueries.length === 1) return { MetricDataResults: [{ Id: 'm500', Timestamps: [t(1)], Values: [3] }] };
      return input.NextToken
        ? { MetricDataResults: [{ Id: 'm0', Timestamps: [t(2)], Values: [2] }] }
        : { MetricDataResults: [{ Id: 'm0', Timestamps: [t(1)], Values: [1] }], NextToken: 'more' };
    });
    const results = await new AwsMetricsSource(new STSClient({ region: 'us-east-1' }), options).metrics(target, 'us-east-1', queries, t(1), t(31));
    const sizes = cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input.MetricDataQueries!.length);
    expect(sizes).toEqual([500, 500, 1]);
    expect(results.find((r) => r.Id === 'm0')).toMatchObject({ Timestamps: [t(1), t(2)], Values: [1, 2] });
    expect(results.find((r) => r.Id === 'm500')?.Values).toEqual([3]);
  });
});

describe('AwsBucketsSource', () => {
  it("reads each bucket's region and lifecycle rules; no lifecycle configuration is zero rules", async () => {
    s3.on(ListBucketsCommand).resolves({ Buckets: [{ Name: 'logs', CreationDate: new Date('2025-01-01T00:00:00Z') }, { Name: 'data', BucketRegion: 'eu-west-1' }] });
    s3.on(GetBucketLocationCommand).resolves({ LocationConstraint: undefined });
    s3.on(GetBucketLifecycleConfigurationCommand, { Bucket: 'logs' })
      .rejects(Object.assign(new Error('none'), { name: 'NoSuchLifecycleConfiguration' }))
      .on(GetBucketLifecycleConfigurationCommand, { Bucket: 'data' })
      .resolves({ Rules: [{ Status: 'Enabled' }, { Status: 'Enabled' }] });
    const raw = await new AwsBucketsSource(new STSClient({ region: 'us-east-1' }), options).buckets(target);
    expect(raw.Buckets).toEqual([
      { Name: 'logs', CreationDate: '2025-01-01T00:00:00.000Z', Region: 'us-east-1', LifecycleRules: 0 },
      { Name: 'data', CreationDate: null, Region: 'eu-west-1', LifecycleRules: 2 },
    ]);
    expect(s3.commandCalls(GetBucketLocationCommand)).toHaveLength(1);
  });
});
