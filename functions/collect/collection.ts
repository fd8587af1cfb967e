import type { MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { SyncRun } from '#shared/accounts/model.js';
import type { AccountStore } from '#shared/accounts/store.js';
import { collectionWindow, planMetrics, summarize } from '#shared/inventory/metrics.js';
import type { InventoryResource, ResourceType } from '#shared/inventory/model.js';
import { normalizeBuckets, normalizeEc2, normalizeServices, type NormalizedResource } from '#shared/inventory/normalize.js';
import type { AccountTarget, BucketsSource, CollectWarning, Ec2Inventory, MetricsSource, ServicesInventory } from '#shared/inventory/provider.js';
import type { InventoryStore } from '#shared/inventory/store.js';
import { tenantObjectKey, type ObjectStore, type UploadTarget } from '#shared/storage/object-store.js';

/**
 * The collection's steps that hold state (functions/collect/workflow.ts runs them): snapshot keys
 * and upload URLs for the fetchers, normalizing a region's raw snapshots with its utilization
 * into the inventory, the account-wide S3 listing, and each account's recorded outcome.
 */
export interface CollectionDeps {
  accounts: AccountStore;
  inventory: InventoryStore;
  objects: ObjectStore;
  metrics: MetricsSource;
  buckets: BucketsSource;
  now: () => Date;
}

/** Presigned uploads live this long: a region's fetch takes seconds to minutes. */
const UPLOAD_SECONDS = 30 * 60;

/** Raw snapshots of an account: the latest per region and kind (the bucket keeps older versions). */
export const snapshotKey = (target: AccountTarget, region: string, kind: 'ec2' | 'services' | 'metrics' | 'buckets') =>
  tenantObjectKey(target.tenantId, 'snapshots', target.accountId, region, `${kind}.json`);

/** Which resource types an API's refusal leaves unseen (so they are not taken as deleted). */
const ACTION_TYPES: Record<string, ResourceType[]> = {
  'ec2:DescribeInstances': ['ec2-instance'],
  'ec2:DescribeVolumes': ['ebs-volume'],
  'ec2:DescribeSnapshots': ['ebs-snapshot'],
  'ec2:DescribeAddresses': ['elastic-ip'],
  'ec2:DescribeNatGateways': ['nat-gateway'],
  'elasticloadbalancing:DescribeLoadBalancers': ['load-balancer'],
  'rds:DescribeDBInstances': ['rds-instance'],
  'lambda:ListFunctions': ['lambda-function'],
  'logs:DescribeLogGroups': ['log-group'],
  's3:ListAllMyBuckets': ['s3-bucket'],
  's3:GetBucketLocation': ['s3-bucket'],
};

export async function prepareRegion(deps: CollectionDeps, target: AccountTarget, region: string) {
  const upload = async (kind: 'ec2' | 'services'): Promise<{ key: string; upload: UploadTarget }> => {
    const key = snapshotKey(target, region, kind);
    return { key, upload: await deps.objects.presignPut(key, { expiresInSeconds: UPLOAD_SECONDS, contentType: 'application/json' }) };
  };
  return { ec2: await upload('ec2'), services: await upload('services') };
}

async function readJson<T>(objects: ObjectStore, key: string): Promise<T> {
  const chunks: Buffer[] = [];
  for await (const chunk of await objects.read(key)) chunks.push(Buffer.from(chunk as Uint8Array));
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
}

const countByType = (resources: Array<{ type: ResourceType }>) => {
  const counts: Record<string, number> = {};
  for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
};

/** Utilization for resources of one region, from one GetMetricData plan; a refusal is a warning. */
async function withMetrics(
  deps: CollectionDeps,
  target: AccountTarget,
  region: string,
  base: NormalizedResource[],
  runId: string,
  warnings: CollectWarning[],
): Promise<{ resources: InventoryResource[]; raw: MetricDataResult[] }> {
  const { queries, planned } = planMetrics(base);
  const window = collectionWindow(deps.now());
  let raw: MetricDataResult[] = [];
  if (queries.length) {
    try {
      raw = await deps.metrics.metrics(target, region, queries, window.start, window.end);
    } catch (error) {
      const name = (error as Error).name;
      if (!['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation'].includes(name)) throw error;
      warnings.push({ region, service: 'cloudwatch:GetMetricData', code: name, message: (error as Error).message.slice(0, 500) });
    }
  }
  const results = new Map(raw.map((r) => [r.Id, r]));
  const collectedAt = deps.now().toISOString();
  const resources: InventoryResource[] = base.map((r) => ({ ...r, metrics: {}, collectedAt, runId }));
  for (const p of planned) resources[p.resourceIndex]!.metrics[p.key] = summarize(p, results.get(p.id), window.days);
  return { resources, raw };
}

export interface RegionResult {
  region: string;
  failed: boolean;
  resources: Record<string, number>;
  warnings: CollectWarning[];
  keys: string[];
  error?: { Error?: string; Cause?: string };
}

/** A region's raw EC2 and services snapshots -> normalized resources with 30 days of utilization. */
export async function normalizeRegion(deps: CollectionDeps, target: AccountTarget, runId: string, region: string, fetched: { ec2Key: string; servicesKey: string }): Promise<RegionResult> {
  // A disconnected account gets nothing written (the disconnect deleted its inventory).
  await deps.accounts.get(target.tenantId, target.accountId);
  const ec2 = await readJson<Ec2Inventory>(deps.objects, fetched.ec2Key);
  const services = await readJson<ServicesInventory>(deps.objects, fetched.servicesKey);
  const warnings = [...ec2.warnings, ...services.warnings];
  const base = [...normalizeEc2(target.accountId, ec2), ...normalizeServices(target.accountId, services)];
  const { resources, raw } = await withMetrics(deps, target, region, base, runId, warnings);
  const metricsKey = snapshotKey(target, region, 'metrics');
  await deps.objects.write(metricsKey, JSON.stringify({ region, results: raw }), 'application/json');
  await deps.inventory.put(target.tenantId, resources);
  return { region, failed: false, resources: countByType(resources), warnings, keys: [fetched.ec2Key, fetched.servicesKey, metricsKey] };
}

/** S3 is listed once per account; each bucket's size metric is read in the bucket's region. */
export async function collectBuckets(deps: CollectionDeps, target: AccountTarget, runId: string): Promise<RegionResult> {
  await deps.accounts.get(target.tenantId, target.accountId);
  const raw = await deps.buckets.buckets(target);
  const key = snapshotKey(target, 'global', 'buckets');
  await deps.objects.write(key, JSON.stringify(raw), 'application/json');
  const warnings = [...raw.warnings];
  const byRegion = new Map<string, NormalizedResource[]>();
  for (const r of normalizeBuckets(target.accountId, raw)) byRegion.set(r.region, [...(byRegion.get(r.region) ?? []), r]);
  const resources: InventoryResource[] = [];
  for (const [region, base] of byRegion) resources.push(...(await withMetrics(deps, target, region, base, runId, warnings)).resources);
  await deps.inventory.put(target.tenantId, resources);
  return { region: 'global', failed: false, resources: countByType(resources), warnings, keys: [key] };
}

/**
 * Ends an account's run: removes what this run did not see where it could look, and records the
 * outcome (partial when a region failed or a call was refused).
 */
export async function finalizeAccount(
  deps: CollectionDeps,
  input: { target: AccountTarget; runId: string; trigger: SyncRun['trigger']; startedAt: string; regions: string[]; results: RegionResult[] },
): Promise<SyncRun> {
  const { target, runId } = input;
  let account;
  try {
    account = await deps.accounts.get(target.tenantId, target.accountId);
  } catch {
    // Disconnected while it ran: make sure nothing of it stays behind.
    await deps.inventory.removeAccount(target.tenantId, target.accountId);
    return { runId, status: 'failed', trigger: input.trigger, startedAt: input.startedAt, finishedAt: deps.now().toISOString(), regions: input.regions, resources: {}, warnings: [], error: { code: 'DISCONNECTED', message: 'The account was disconnected during the sync.' }, snapshotKeys: [] };
  }
  const failedRegions = new Set(input.results.filter((r) => r.failed).map((r) => r.region));
  const bucketsFailed = failedRegions.has('global');
  const warnings: CollectWarning[] = input.results.flatMap((r) =>
    r.failed ? [{ region: r.region, service: r.region === 'global' ? 's3' : 'region', code: r.error?.Error ?? 'Failed', message: (r.error?.Cause ?? 'the collection of this region failed').slice(0, 500) }] : r.warnings,
  );
  const unseenTypes = new Map<string, Set<ResourceType>>();
  for (const w of warnings) for (const type of ACTION_TYPES[w.service] ?? []) {
    const set = unseenTypes.get(w.region) ?? new Set();
    set.add(type);
    unseenTypes.set(w.region, set);
  }
  await deps.inventory.removeStale(target.tenantId, target.accountId, runId, (region, type) =>
    failedRegions.has(region) || (type === 's3-bucket' ? bucketsFailed || unseenTypes.has('global') : unseenTypes.get(region)?.has(type) === true),
  );
  const resources: Record<string, number> = {};
  for (const r of input.results) for (const [type, n] of Object.entries(r.resources)) resources[type] = (resources[type] ?? 0) + n;
  const snapshotKeys = [...new Set([...(account.lastSync?.snapshotKeys ?? []), ...input.results.flatMap((r) => r.keys)])].sort();
  const run: SyncRun = {
    runId,
    status: warnings.length ? 'partial' : 'succeeded',
    trigger: input.trigger,
    startedAt: input.startedAt,
    finishedAt: deps.now().toISOString(),
    regions: input.regions,
    resources,
    warnings: warnings.slice(0, 100),
    error: null,
    snapshotKeys,
  };
  await deps.accounts.recordSync(target.tenantId, target.accountId, run, 'connected');
  return run;
}
