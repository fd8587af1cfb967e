import type { Tag as Ec2Tag } from '@aws-sdk/client-ec2';
import type { BucketsInventory, Ec2Inventory, ServicesInventory } from './provider.js';
import type { ConfigValue, InventoryResource, ResourceType } from './model.js';

/**
 * Raw provider answers (AWS API shapes) -> normalized resources. Pure: the same snapshot always
 * gives the same resources, whichever provider recorded it.
 */
type Base = Omit<InventoryResource, 'metrics' | 'collectedAt' | 'runId'>;

const iso = (d: Date | string | undefined | null): string | null => (d ? new Date(d).toISOString() : null);

const tagsOf = (tags: Ec2Tag[] | Array<{ Key?: string; Value?: string }> | undefined): Record<string, string> =>
  Object.fromEntries((tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? '']));

function resource(type: ResourceType, accountId: string, region: string, fields: Partial<Base> & { resourceId: string }): Base {
  return { type, accountId, region, name: null, state: null, size: null, createdAt: null, tags: {}, config: {}, ...fields };
}

const clean = (config: Record<string, ConfigValue | undefined>): Record<string, ConfigValue> =>
  Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v === undefined ? null : v]));

export function normalizeEc2(accountId: string, raw: Ec2Inventory): Base[] {
  const { region } = raw;
  const types = new Map(raw.InstanceTypes.map((t) => [t.InstanceType, t]));
  const out: Base[] = [];
  for (const i of raw.Instances) {
    if (!i.InstanceId || i.State?.Name === 'terminated') continue;
    const tags = tagsOf(i.Tags);
    const info = types.get(i.InstanceType);
    out.push(
      resource('ec2-instance', accountId, region, {
        resourceId: i.InstanceId,
        name: tags.Name ?? null,
        state: i.State?.Name ?? null,
        size: i.InstanceType ?? null,
        createdAt: iso(i.LaunchTime),
        tags,
        config: clean({
          instanceType: i.InstanceType,
          availabilityZone: i.Placement?.AvailabilityZone,
          platform: i.PlatformDetails ?? 'Linux/UNIX',
          architecture: i.Architecture,
          lifecycle: i.InstanceLifecycle ?? 'on-demand',
          vcpus: info?.VCpuInfo?.DefaultVCpus,
          memoryMiB: info?.MemoryInfo?.SizeInMiB,
          currentGeneration: info?.CurrentGeneration,
          volumeIds: (i.BlockDeviceMappings ?? []).flatMap((b) => (b.Ebs?.VolumeId ? [b.Ebs.VolumeId] : [])),
          stateTransitionReason: i.StateTransitionReason || null,
        }),
      }),
    );
  }
  for (const v of raw.Volumes) {
    if (!v.VolumeId) continue;
    const tags = tagsOf(v.Tags);
    out.push(
      resource('ebs-volume', accountId, region, {
        resourceId: v.VolumeId,
        name: tags.Name ?? null,
        state: v.State ?? null,
        size: v.VolumeType ?? null,
        createdAt: iso(v.CreateTime),
        tags,
        config: clean({
          volumeType: v.VolumeType,
          sizeGb: v.Size,
          iops: v.Iops,
          throughput: v.Throughput,
          availabilityZone: v.AvailabilityZone,
          attachedTo: v.Attachments?.[0]?.InstanceId ?? null,
          snapshotId: v.SnapshotId || null,
        }),
      }),
    );
  }
  const volumeIds = new Set(raw.Volumes.map((v) => v.VolumeId));
  for (const s of raw.Snapshots) {
    if (!s.SnapshotId) continue;
    const tags = tagsOf(s.Tags);
    out.push(
      resource('ebs-snapshot', accountId, region, {
        resourceId: s.SnapshotId,
        name: tags.Name ?? (s.Description || null),
        state: s.State ?? null,
        size: s.StorageTier ?? 'standard',
        createdAt: iso(s.StartTime),
        tags,
        config: clean({
          volumeId: s.VolumeId,
          volumeSizeGb: s.VolumeSize,
          storageTier: s.StorageTier ?? 'standard',
          // vol-ffffffff is what AWS shows for snapshots copied or made from an AMI: no source to look for.
          sourceVolumeExists: s.VolumeId && s.VolumeId !== 'vol-ffffffff' ? volumeIds.has(s.VolumeId) : null,
          description: s.Description || null,
        }),
      }),
    );
  }
  for (const a of raw.Addresses) {
    const id = a.AllocationId ?? a.PublicIp;
    if (!id) continue;
    const tags = tagsOf(a.Tags);
    out.push(
      resource('elastic-ip', accountId, region, {
        resourceId: id,
        name: tags.Name ?? null,
        state: a.AssociationId ? 'associated' : 'unassociated',
        tags,
        config: clean({ publicIp: a.PublicIp, associationId: a.AssociationId ?? null, instanceId: a.InstanceId ?? null, domain: a.Domain }),
      }),
    );
  }
  for (const n of raw.NatGateways) {
    if (!n.NatGatewayId || n.State === 'deleted') continue;
    const tags = tagsOf(n.Tags);
    out.push(
      resource('nat-gateway', accountId, region, {
        resourceId: n.NatGatewayId,
        name: tags.Name ?? null,
        state: n.State ?? null,
        createdAt: iso(n.CreateTime),
        tags,
        config: clean({ connectivityType: n.ConnectivityType, subnetId: n.SubnetId, vpcId: n.VpcId }),
      }),
    );
  }
  return out;
}

export function normalizeServices(accountId: string, raw: ServicesInventory): Base[] {
  const { region } = raw;
  const out: Base[] = [];
  for (const lb of raw.LoadBalancers) {
    if (!lb.LoadBalancerArn) continue;
    const targets = lb.TargetGroups.flatMap((g) => g.TargetHealthDescriptions);
    out.push(
      resource('load-balancer', accountId, region, {
        resourceId: lb.LoadBalancerArn,
        name: lb.LoadBalancerName ?? null,
        state: lb.State?.Code ?? null,
        size: lb.Type ?? null,
        createdAt: iso(lb.CreatedTime),
        config: clean({
          type: lb.Type,
          scheme: lb.Scheme,
          targetGroups: lb.TargetGroups.length,
          registeredTargets: targets.length,
          healthyTargets: targets.filter((t) => t.TargetHealth?.State === 'healthy').length,
          // The CloudWatch dimension value: app/<name>/<id> or net/<name>/<id>.
          metricDimension: lb.LoadBalancerArn.split(':loadbalancer/')[1] ?? null,
        }),
      }),
    );
  }
  for (const db of raw.DBInstances) {
    if (!db.DBInstanceArn) continue;
    out.push(
      resource('rds-instance', accountId, region, {
        resourceId: db.DBInstanceArn,
        name: db.DBInstanceIdentifier ?? null,
        state: db.DBInstanceStatus ?? null,
        size: db.DBInstanceClass ?? null,
        createdAt: iso(db.InstanceCreateTime),
        tags: tagsOf(db.TagList),
        config: clean({
          dbInstanceIdentifier: db.DBInstanceIdentifier,
          dbInstanceClass: db.DBInstanceClass,
          engine: db.Engine,
          engineVersion: db.EngineVersion,
          multiAz: db.MultiAZ,
          allocatedStorageGb: db.AllocatedStorage,
          storageType: db.StorageType,
          iops: db.Iops,
        }),
      }),
    );
  }
  for (const fn of raw.Functions) {
    if (!fn.FunctionArn) continue;
    out.push(
      resource('lambda-function', accountId, region, {
        resourceId: fn.FunctionArn,
        name: fn.FunctionName ?? null,
        state: fn.State ?? 'Active',
        size: fn.MemorySize !== undefined ? `${fn.MemorySize} MB` : null,
        createdAt: null,
        config: clean({
          functionName: fn.FunctionName,
          memorySizeMb: fn.MemorySize,
          architecture: fn.Architectures?.[0] ?? 'x86_64',
          runtime: fn.Runtime,
          timeoutSeconds: fn.Timeout,
          lastModified: fn.LastModified,
        }),
      }),
    );
  }
  for (const g of raw.LogGroups) {
    const id = g.arn?.replace(/:\*$/, '') ?? g.logGroupArn;
    if (!id || !g.logGroupName) continue;
    out.push(
      resource('log-group', accountId, region, {
        resourceId: id,
        name: g.logGroupName,
        state: null,
        size: g.logGroupClass ?? 'STANDARD',
        createdAt: g.creationTime !== undefined ? new Date(g.creationTime).toISOString() : null,
        config: clean({ retentionInDays: g.retentionInDays ?? null, storedBytes: g.storedBytes, logGroupClass: g.logGroupClass ?? 'STANDARD' }),
      }),
    );
  }
  return out;
}

export function normalizeBuckets(accountId: string, raw: BucketsInventory): Base[] {
  return raw.Buckets.map((b) =>
    resource('s3-bucket', accountId, b.Region, {
      resourceId: b.Name,
      name: b.Name,
      createdAt: iso(b.CreationDate),
      config: clean({ lifecycleRules: b.LifecycleRules }),
    }),
  );
}

export type NormalizedResource = Base;
