/**
 * The recorded demo accounts: a local InventoryProvider (shared/inventory/provider.ts) that answers
 * for Demo Corp's AWS accounts the way AWS would, in the AWS APIs' own shapes (DescribeInstances,
 * DescribeVolumes, ..., GetMetricData), from the same resource catalog the demo billing data is
 * generated from (local/demo/billing.ts): the same resource ids, accounts, regions, sizes and
 * states, so inventory and cost join on ResourceId. The instance type shapes follow EC2
 * DescribeInstanceTypes answers (checked against recorded ones: test/unit/collect/fixtures/); the utilization is 30 days of
 * daily CloudWatch statistics generated deterministically around each resource's recorded level,
 * so the idle instances, unattached volumes and old snapshots the demo was built with show up: an
 * instance the demo marks idle sends and receives a few hundred KB a day (AWS Compute Optimizer's
 * idle: under 5 MB a day), a busy one traffic in proportion to its CPU; a Lambda function with
 * Lambda Insights reports its peak memory use (LambdaInsights memory_utilization), one without it
 * nothing.
 *
 * One recording is deliberately imperfect: the management account's role was made from an older
 * template without logs:DescribeLogGroups, so its connection test reports that permission missing
 * and its syncs are partial, as a customer's would be.
 */
import type { MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { Address, Instance, InstanceTypeInfo, NatGateway, Snapshot, Volume } from '@aws-sdk/client-ec2';
import type { PermissionCheck } from '#shared/accounts/model.js';
import { parseRoleArn } from '#shared/accounts/model.js';
import { REQUIRED_PERMISSIONS, ROLE_NAME, ROLE_PATH } from '#shared/accounts/permissions.js';
import {
  AccountAccessError,
  type AccessCheck,
  type AccountConnection,
  type AccountTarget,
  type BucketsInventory,
  type CollectWarning,
  type Ec2Inventory,
  type InventoryProvider,
  type ServicesInventory,
} from '#shared/inventory/provider.js';
import { demoResources, type DemoResource } from './billing.js';
import { isRecordedAccount } from './cost-explorer.js';
import { DEMO_ACCOUNTS, DEMO_REGIONS } from './dimensions.js';
import { hashString } from './prng.js';

const DAY_MS = 86_400_000;
const GIB = 1024 ** 3;

/** The actions each recorded role lacks (by account id). */
export const RECORDED_DENIALS: Readonly<Record<string, readonly string[]>> = {
  [DEMO_ACCOUNTS.management.id]: ['logs:DescribeLogGroups'],
};

/** The role ARN the onboarding template creates in a demo account. */
export const demoRoleArn = (accountId: string) => `arn:aws:iam::${accountId}:role${ROLE_PATH}${ROLE_NAME}`;

const tagList = (r: DemoResource) => [...(r.name ? [{ Key: 'Name', Value: r.name }] : []), ...Object.entries(r.tags ?? {}).map(([Key, Value]) => ({ Key, Value }))];
const at = (day: string) => new Date(`${day}T09:00:00.000Z`);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** vCPUs and memory of an instance type, as DescribeInstanceTypes reports them. */
export function instanceTypeInfo(type: string): InstanceTypeInfo {
  const [family = '', size = ''] = type.split('.');
  const burstable = /^t\d/.test(family);
  const vcpus = burstable
    ? ({ nano: 2, micro: 2, small: 2, medium: 2, large: 2, xlarge: 4, '2xlarge': 8 } as Record<string, number>)[size] ?? 2
    : size === 'medium'
      ? 1
      : size === 'large'
        ? 2
        : size === 'xlarge'
          ? 4
          : Number(size.replace('xlarge', '')) * 4;
  const memoryGiB = burstable
    ? ({ nano: 0.5, micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, '2xlarge': 32 } as Record<string, number>)[size] ?? 8
    : family === 'c3' || family === 'c4'
      ? vcpus * 1.875 // c3 and c4 predate the 2 GiB per vCPU of c5 and later
      : vcpus * (family.startsWith('r') || family.startsWith('x') ? 8 : family.startsWith('c') || family === 'a1' ? 2 : 4);
  const graviton = /^[a-z]+\d+g/.test(family) || family.startsWith('a1');
  // What DescribeInstanceTypes flags CurrentGeneration: false (m4, c4, t2 still count as current
  // there; a previous-generation rule needs its own, wider family list).
  const previous = /^(m1|m2|m3|c1|c3|cc2|cr1|hi1|hs1|i2|r3|t1|g2)$/.test(family);
  return {
    InstanceType: type as InstanceTypeInfo['InstanceType'],
    CurrentGeneration: !previous,
    BurstablePerformanceSupported: burstable,
    VCpuInfo: { DefaultVCpus: vcpus },
    MemoryInfo: { SizeInMiB: Math.round(memoryGiB * 1024) },
    // The oldest families also ran 32-bit AMIs.
    ProcessorInfo: { SupportedArchitectures: graviton ? ['arm64'] : /^(m1|m3|c1|c3|t1|t2)$/.test(family) ? ['i386', 'x86_64'] : ['x86_64'] },
  };
}

/** A value in [1 - spread, 1 + spread], fixed for (resource, metric, day). */
const jitter = (key: string, day: string, spread: number) => 1 + ((hashString(`${key}|${day}`) % 2001) / 1000 - 1) * spread;
/** A value in [1 - spread, 1], fixed for (resource, metric, day): a day's peak at or below the recorded one. */
const below = (key: string, day: string, spread: number) => 1 - ((hashString(`${key}|${day}`) % 1001) / 1000) * spread;
/** The waste hint (catalog.ts) of an instance left idle. */
const IDLE_INSTANCE = 'idle-instance';
const isWeekend = (day: string) => [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());

export class RecordedDemoAccounts implements InventoryProvider {
  private readonly resources: DemoResource[];
  private readonly byMetricId = new Map<string, DemoResource>();

  /** `endDate`: the last day of the demo billing data (the seed's: yesterday). */
  constructor(endDate = new Date(Date.now() - DAY_MS).toISOString().slice(0, 10)) {
    this.resources = demoResources({ endDate }).filter((r) => r.deletedAt === null);
    for (const r of this.resources) {
      this.byMetricId.set(r.id, r);
      if (r.kind === 'rds-instance' || r.kind === 'lambda-function') this.byMetricId.set(`${r.accountId}|${r.regionId}|${r.name}`, r);
      if (r.kind === 'load-balancer') this.byMetricId.set(r.id.split(':loadbalancer/')[1]!, r);
    }
  }

  private recorded(target: AccountTarget): { denied: ReadonlySet<string> } {
    // The demo accounts, and Demo Sandbox (no resources; its costs come from Cost Explorer).
    const known = isRecordedAccount(target.accountId);
    const parsed = parseRoleArn(target.roleArn);
    if (!known || 'error' in parsed || target.roleArn !== demoRoleArn(target.accountId)) {
      throw new AccountAccessError(
        'ASSUME_ROLE_FAILED',
        `AssumeRole on ${target.roleArn} failed: AccessDenied (local: only the recorded demo accounts' ${ROLE_PATH}${ROLE_NAME} roles answer)`,
      );
    }
    return { denied: new Set(RECORDED_DENIALS[target.accountId] ?? []) };
  }

  private of(accountId: string, region: string, kind: DemoResource['kind']): DemoResource[] {
    return this.resources.filter((r) => r.accountId === accountId && r.regionId === region && r.kind === kind);
  }

  /** A refused action, as the AWS collectors record it. */
  private refuse(denied: ReadonlySet<string>, warnings: CollectWarning[], region: string, action: string): boolean {
    if (!denied.has(action)) return false;
    const code = action.startsWith('ec2:') ? 'UnauthorizedOperation' : 'AccessDeniedException';
    warnings.push({ region, service: action, code, message: `User is not authorized to perform: ${action} (recorded demo role)` });
    return true;
  }

  async checkAccess(target: AccountTarget): Promise<AccessCheck> {
    let denied: ReadonlySet<string>;
    try {
      denied = this.recorded(target).denied;
    } catch (error) {
      const e = error as AccountAccessError;
      return { assumed: false, error: { code: e.code, message: e.message }, permissions: REQUIRED_PERMISSIONS.map((p) => ({ ...p, status: 'unchecked', reason: 'The role could not be assumed.' })) };
    }
    const permissions = REQUIRED_PERMISSIONS.map((p): PermissionCheck =>
      denied.has(p.action) ? { ...p, status: 'missing', reason: "not allowed by the role's policies" } : { ...p, status: 'granted', reason: null },
    );
    return { assumed: true, error: null, permissions };
  }

  async connect(target: AccountTarget): Promise<AccountConnection> {
    this.recorded(target);
    return { accountId: target.accountId, regions: Object.keys(DEMO_REGIONS).sort() };
  }

  async ec2(target: AccountTarget, region: string): Promise<Ec2Inventory> {
    const { denied } = this.recorded(target);
    const warnings: CollectWarning[] = [];
    const list = <T>(action: string, make: () => T[]): T[] => (this.refuse(denied, warnings, region, action) ? [] : make());
    const { accountId } = target;
    const volumes = this.of(accountId, region, 'ebs-volume');
    const Instances = list('ec2:DescribeInstances', () =>
      this.of(accountId, region, 'ec2-instance').map((r): Instance => {
        const stopped = r.stoppedAt !== null;
        return {
          InstanceId: r.id,
          InstanceType: r.size as Instance['InstanceType'],
          State: stopped ? { Code: 80, Name: 'stopped' } : { Code: 16, Name: 'running' },
          LaunchTime: at(r.createdAt),
          Placement: { AvailabilityZone: r.availabilityZone ?? `${region}a` },
          PlatformDetails: str(r.config.platform) ?? 'Linux/UNIX',
          Architecture: (str(r.config.architecture) ?? 'x86_64') as Instance['Architecture'],
          InstanceLifecycle: r.config.lifecycle === 'spot' ? 'spot' : undefined,
          StateTransitionReason: stopped ? `User initiated (${r.stoppedAt} 18:02:11 GMT)` : '',
          BlockDeviceMappings: volumes
            .filter((v) => v.config.attachedTo === r.id)
            .map((v, i) => ({ DeviceName: i === 0 ? '/dev/xvda' : `/dev/sd${String.fromCharCode(102 + i)}`, Ebs: { VolumeId: v.id, Status: 'attached', DeleteOnTermination: i === 0 } })),
          Tags: tagList(r),
        };
      }),
    );
    const Volumes = list('ec2:DescribeVolumes', () =>
      volumes.map((r): Volume => {
        const attachedTo = str(r.config.attachedTo);
        return {
          VolumeId: r.id,
          VolumeType: r.size as Volume['VolumeType'],
          Size: num(r.config.sizeGb),
          Iops: num(r.config.iops),
          State: attachedTo ? 'in-use' : 'available',
          AvailabilityZone: r.availabilityZone ?? `${region}a`,
          CreateTime: at(r.createdAt),
          Attachments: attachedTo ? [{ InstanceId: attachedTo, VolumeId: r.id, State: 'attached', Device: '/dev/xvda' }] : [],
          Tags: tagList(r),
        };
      }),
    );
    const Snapshots = list('ec2:DescribeSnapshots', () =>
      this.of(accountId, region, 'ebs-snapshot').map(
        (r): Snapshot => ({
          SnapshotId: r.id,
          VolumeId: str(r.config.volumeId),
          VolumeSize: num(r.config.volumeSizeGb),
          StartTime: at(r.createdAt),
          State: 'completed',
          StorageTier: 'standard',
          OwnerId: accountId,
          Description: r.name,
          Tags: tagList(r),
        }),
      ),
    );
    const Addresses = list('ec2:DescribeAddresses', () =>
      this.of(accountId, region, 'elastic-ip').map(
        (r): Address => ({ AllocationId: r.id, PublicIp: str(r.config.publicIp), Domain: 'vpc', AssociationId: str(r.config.associationId), Tags: tagList(r) }),
      ),
    );
    const NatGateways = list('ec2:DescribeNatGateways', () =>
      this.of(accountId, region, 'nat-gateway').map(
        (r): NatGateway => ({
          NatGatewayId: r.id,
          State: 'available',
          SubnetId: str(r.config.subnetId),
          VpcId: `vpc-${r.id.slice(4, 12)}`,
          ConnectivityType: 'public',
          CreateTime: at(r.createdAt),
          Tags: tagList(r),
        }),
      ),
    );
    const types = [...new Set(Instances.map((i) => i.InstanceType!))].sort();
    const InstanceTypes = list('ec2:DescribeInstanceTypes', () => types.map(instanceTypeInfo));
    return { region, Instances, Volumes, Snapshots, Addresses, NatGateways, InstanceTypes, warnings };
  }

  async services(target: AccountTarget, region: string): Promise<ServicesInventory> {
    const { denied } = this.recorded(target);
    const warnings: CollectWarning[] = [];
    const list = <T>(action: string, make: () => T[]): T[] => (this.refuse(denied, warnings, region, action) ? [] : make());
    const { accountId } = target;
    const LoadBalancers = list('elasticloadbalancing:DescribeLoadBalancers', () =>
      this.of(accountId, region, 'load-balancer').map((r) => {
        const groups = num(r.config.targetGroups) ?? 1;
        const healthy = num(r.config.healthyTargets) ?? 0;
        const name = r.id.split('/')[2]!;
        return {
          LoadBalancerArn: r.id,
          LoadBalancerName: name,
          Type: (str(r.config.type) ?? 'application') as 'application',
          Scheme: (str(r.config.scheme) ?? 'internet-facing') as 'internet-facing',
          State: { Code: 'active' as const },
          CreatedTime: at(r.createdAt),
          TargetGroups: Array.from({ length: groups }, (_, g) => ({
            TargetGroupArn: `arn:aws:elasticloadbalancing:${region}:${accountId}:targetgroup/${name}-tg${g + 1}/${r.id.slice(-16)}`,
            TargetGroupName: `${name}-tg${g + 1}`,
            TargetHealthDescriptions: this.refuse(denied, warnings, region, 'elasticloadbalancing:DescribeTargetHealth')
              ? []
              : Array.from({ length: Math.floor(healthy / groups) + (g < healthy % groups ? 1 : 0) }, (_, t) => ({
                  Target: { Id: `10.0.${g}.${10 + t}`, Port: 443 },
                  TargetHealth: { State: 'healthy' as const },
                })),
          })),
        };
      }),
    );
    const DBInstances = list('rds:DescribeDBInstances', () =>
      this.of(accountId, region, 'rds-instance').map((r) => ({
        DBInstanceIdentifier: r.name,
        DBInstanceArn: r.id,
        DBInstanceClass: r.size ?? undefined,
        Engine: str(r.config.engine),
        MultiAZ: r.config.multiAz === true,
        AllocatedStorage: num(r.config.allocatedStorageGb),
        StorageType: str(r.config.storageType),
        DBInstanceStatus: str(r.config.status) ?? 'available',
        InstanceCreateTime: at(r.createdAt),
        TagList: tagList(r).filter((t) => t.Key !== 'Name'),
      })),
    );
    const Functions = list('lambda:ListFunctions', () =>
      this.of(accountId, region, 'lambda-function').map((r) => ({
        FunctionName: r.name,
        FunctionArn: r.id,
        MemorySize: num(r.config.memorySizeMb),
        Architectures: [(str(r.config.architecture) ?? 'x86_64') as 'x86_64'],
        Runtime: str(r.config.runtime) as 'nodejs20.x',
        Timeout: num(r.config.timeoutSeconds),
        LastModified: `${r.createdAt}T09:00:00.000+0000`,
        State: 'Active' as const,
      })),
    );
    const LogGroups = list('logs:DescribeLogGroups', () =>
      this.of(accountId, region, 'log-group').map((r) => ({
        logGroupName: r.name,
        arn: `${r.id}:*`,
        logGroupArn: r.id,
        creationTime: at(r.createdAt).getTime(),
        retentionInDays: num(r.config.retentionInDays),
        storedBytes: Math.round((num(r.config.storedGb) ?? 0) * GIB),
        logGroupClass: 'STANDARD' as const,
      })),
    );
    return { region, LoadBalancers, DBInstances, Functions, LogGroups, warnings };
  }

  async buckets(target: AccountTarget): Promise<BucketsInventory> {
    const { denied } = this.recorded(target);
    const warnings: CollectWarning[] = [];
    if (this.refuse(denied, warnings, 'global', 's3:ListAllMyBuckets')) return { Buckets: [], warnings };
    const Buckets = this.resources
      .filter((r) => r.accountId === target.accountId && r.kind === 's3-bucket')
      .map((r) => ({ Name: r.id, CreationDate: at(r.createdAt).toISOString(), Region: r.regionId!, LifecycleRules: num(r.config.lifecycleRules) ?? 0 }));
    return { Buckets, warnings };
  }

  async metrics(target: AccountTarget, region: string, queries: MetricDataQuery[], start: Date, end: Date): Promise<MetricDataResult[]> {
    const { denied } = this.recorded(target);
    if (denied.has('cloudwatch:GetMetricData')) throw Object.assign(new Error('User is not authorized to perform: cloudwatch:GetMetricData'), { name: 'AccessDenied' });
    const days: string[] = [];
    for (let t = start.getTime(); t < end.getTime(); t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
    return queries.map((q) => {
      const stat = q.MetricStat!;
      const dims = Object.fromEntries((stat.Metric?.Dimensions ?? []).map((d) => [d.Name, d.Value]));
      const name = stat.Metric?.MetricName ?? '';
      const key = dims.InstanceId ?? dims.VolumeId ?? dims.NatGatewayId ?? dims.BucketName ?? dims.LoadBalancer ?? `${target.accountId}|${region}|${dims.DBInstanceIdentifier ?? dims.FunctionName ?? dims.function_name}`;
      const resource = this.byMetricId.get(key!);
      const Timestamps: Date[] = [];
      const Values: number[] = [];
      for (const day of days) {
        const value = resource && resource.accountId === target.accountId ? this.daily(resource, name, stat.Stat ?? 'Average', day) : null;
        if (value === null) continue;
        Timestamps.push(new Date(`${day}T00:00:00.000Z`));
        Values.push(value);
      }
      return { Id: q.Id, Label: name, StatusCode: 'Complete', Timestamps, Values };
    });
  }

  /** One day's statistic of one metric of a recorded resource; null when CloudWatch would have no datapoint. */
  private daily(r: DemoResource, metric: string, stat: string, day: string): number | null {
    const u = r.utilization ?? {};
    const k = `${r.id}|${metric}|${stat}`;
    const created = r.createdAt > day;
    if (created) return null;
    const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
    if (r.kind === 'ec2-instance' || (r.kind === 'ebs-volume' && metric.startsWith('Volume'))) {
      const instance = r.kind === 'ec2-instance' ? r : this.byMetricId.get(str(r.config.attachedTo) ?? '');
      // EBS reports nothing for a volume that is not attached; a stopped or scaled-in instance reports nothing either.
      if (!instance || instance.kind !== 'ec2-instance') return null;
      if (instance.stoppedAt !== null && instance.stoppedAt <= day) return null;
      if (instance.config.schedule === 'weekdays' && isWeekend(day)) return null;
      const cpu = instance.utilization?.cpuAvgPct ?? 10;
      const cpuMax = instance.utilization?.cpuMaxPct ?? cpu * 2;
      // An idle instance only answers health checks and agent heartbeats: a few hundred KB a day.
      const idle = instance.waste.includes(IDLE_INSTANCE);
      switch (metric) {
        case 'CPUUtilization':
          return stat === 'Maximum' ? round(Math.min(100, cpuMax * jitter(k, day, 0.08))) : round(cpu * jitter(k, day, 0.15));
        case 'NetworkIn':
          return Math.round((idle ? 220e3 : cpu * 180e6) * jitter(k, day, 0.25));
        case 'NetworkOut':
          return Math.round((idle ? 140e3 : cpu * 120e6) * jitter(k, day, 0.25));
        case 'VolumeReadOps':
        case 'VolumeWriteOps': {
          // io1/io2 volumes use a small part of what they provision; the rest follow the instance's load.
          const provisioned = num(r.config.iops) ?? 3000;
          const usedIops = r.size === 'io1' || r.size === 'io2' ? provisioned * 0.04 : Math.min(provisioned, cpu * 12);
          return Math.round(usedIops * 86_400 * (metric === 'VolumeReadOps' ? 0.6 : 0.4) * jitter(k, day, 0.2));
        }
      }
      return null;
    }
    switch (`${r.kind}|${metric}`) {
      case 'rds-instance|CPUUtilization':
        return stat === 'Maximum' ? round(Math.min(100, (u.cpuMaxPct ?? 50) * jitter(k, day, 0.08))) : round((u.cpuAvgPct ?? 20) * jitter(k, day, 0.15));
      case 'rds-instance|DatabaseConnections':
        return round((u.connectionsAvg ?? 0) * jitter(k, day, 0.2));
      case 'rds-instance|ReadIOPS':
        return round((u.cpuAvgPct ?? 10) * 20 * jitter(k, day, 0.2));
      case 'rds-instance|WriteIOPS':
        return round((u.cpuAvgPct ?? 10) * 8 * jitter(k, day, 0.2));
      case 'lambda-function|Invocations':
        return Math.round((u.invocationsPerDay ?? 0) * (isWeekend(day) ? 0.7 : 1) * jitter(k, day, 0.1));
      case 'lambda-function|Duration':
        return round((u.avgDurationMs ?? 100) * jitter(k, day, 0.1));
      case 'lambda-function|memory_utilization': {
        // Lambda Insights only: a function without its extension has no LambdaInsights metrics at all.
        const memoryMb = num(r.config.memorySizeMb);
        if (r.config.lambdaInsights !== true || !memoryMb || u.maxMemoryUsedMb === undefined) return null;
        return round((u.maxMemoryUsedMb / memoryMb) * 100 * (stat === 'Maximum' ? below(k, day, 0.08) : 0.7 * jitter(k, day, 0.1)));
      }
      case 'load-balancer|RequestCount':
        return Math.round((u.requestsPerDay ?? 0) * jitter(k, day, 0.12));
      case 'nat-gateway|BytesOutToDestination':
        return Math.round((u.bytesProcessedGbPerDay ?? 0) * 1e9 * jitter(k, day, 0.2));
      case 'nat-gateway|ActiveConnectionCount':
        return Math.round((u.activeConnectionsAvg ?? 0) * 1.5 * jitter(k, day, 0.1));
      case 's3-bucket|BucketSizeBytes': {
        const gb = num(r.config.sizeGb) ?? 0;
        // StandardStorage holds the bucket's data only when its class is STANDARD.
        return Math.round(gb * GIB * (r.config.storageClass === 'STANDARD' ? 1 : 0.02));
      }
    }
    return null;
  }
}
