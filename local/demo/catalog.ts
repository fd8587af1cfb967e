/**
 * The demo tenant's resources and the billing meters they produce, in time relative to the end
 * of the generated window ("days ago"), so any end date and any number of months give the same
 * story: fleets that grew, instances that were launched, stopped or left idle, and the waste the
 * recommendation rules look for.
 *
 * Prices: EC2 instance prices come from the bundled public price table (see ec2-prices.ts). Every
 * other unit price here is a hand-entered approximation of AWS's public us-east-1 list price at
 * the time of writing, scaled by the region's factor in dimensions.ts. They make the demo look
 * right; they are not a price list.
 */
import { type AccountKey, DEMO_ACCOUNTS, DEMO_REGIONS, DEMO_TEAMS, type RegionKey, type ServiceKey, type TeamKey } from './dimensions.js';
import { ec2HourlyPriceUnits } from './ec2-prices.js';
import { decimalsOf, usd } from './money.js';
import { alnumFrom, hashString, hexFrom } from './prng.js';

export type Tags = Readonly<Record<string, string>>;

/** How a meter's daily quantity is made. Levels are the nominal levels at the end of the window. */
export type QuantityModel =
  /** A fixed number of hours each active day (instances, load balancers, NAT gateways). */
  | { kind: 'hours'; hours: number }
  /** A monthly amount (GB-months, keys, hosted zones) spread over the days of each month. */
  | { kind: 'monthly'; perMonth: number; growth: number }
  /** Metered usage per weekday, with a growth trend, a weekend factor and relative noise. */
  | { kind: 'usage'; perDay: number; growth: number; weekend: number; noise: number };

export type ResourceKind =
  | 'ec2-instance'
  | 'ebs-volume'
  | 'ebs-snapshot'
  | 'elastic-ip'
  | 'nat-gateway'
  | 'vpc-endpoint'
  | 'load-balancer'
  | 'rds-instance'
  | 'lambda-function'
  | 's3-bucket'
  | 'log-group'
  | 'dynamodb-table'
  | 'cloudfront-distribution'
  | 'eks-cluster'
  | 'ecs-service'
  | 'ecr-repository'
  | 'elasticache-cluster'
  | 'opensearch-domain'
  | 'redshift-cluster'
  | 'kinesis-stream'
  | 'sqs-queue'
  | 'sns-topic'
  | 'kms-key'
  | 'hosted-zone'
  | 'api-gateway'
  | 'state-machine'
  | 'glue-job'
  | 'backup-vault'
  | 'waf-web-acl'
  | 'savings-plan'
  | 'reserved-instance';

export type ConfigValue = string | number | boolean | null | readonly string[];

/** A resource, in relative time. Resolved to a DemoResource (absolute dates) per window. */
export interface ResourceSpec {
  kind: ResourceKind;
  id: string;
  name: string;
  /** The ResourceType column. */
  resourceType: string;
  service: ServiceKey;
  account: AccountKey;
  region: RegionKey | null;
  availabilityZone: string | null;
  tags: Tags | null;
  /** Instance type, node type, DB class, volume type... */
  size: string | null;
  config: Readonly<Record<string, ConfigValue>>;
  utilization: Readonly<Record<string, number>> | null;
  /** What the recommendation rules should find here (hints, not rule ids). */
  waste: readonly string[];
  /** Days before the window's end when it was created; null: before the window began. */
  createdDaysAgo: number | null;
  /** Days before the end when it was deleted/terminated (its last billed day is the day before). */
  deletedDaysAgo: number | null;
  /** Days before the end when it was stopped (instances: compute stops, volumes keep billing). */
  stoppedDaysAgo: number | null;
}

/** One billing line of a resource (or of an account) per active day. */
export interface MeterSpec {
  key: string;
  /** hashString(key): the meter's noise stream. */
  noiseId: number;
  account: AccountKey;
  region: RegionKey | null;
  availabilityZone: string | null;
  service: ServiceKey;
  resource: ResourceSpec | null;
  usageType: string;
  operation: string;
  description: string;
  skuMeter: string;
  pricingUnit: string;
  consumedUnit: string;
  /** List and contracted unit prices, in units of 1e-10 USD. */
  listPrice: number;
  contractedPrice: number;
  /** Decimal places of the quantity: chosen so that price x quantity is exact at 10 places. */
  quantityDecimals: number;
  tags: Tags | null;
  quantity: QuantityModel;
  /** First active day, in days before the end (inclusive); null: active since before the window. */
  sinceDaysAgo: number | null;
  /** Active while daysAgo > untilDaysAgo; null: still active at the end. */
  untilDaysAgo: number | null;
  /** No usage on Saturdays and Sundays (scheduled off, scaled in). */
  weekdaysOnly: boolean;
  /** Covered by the Compute Savings Plan or the RDS Reserved Instance (when it is active). */
  commitment: 'savings-plan' | 'rds-ri' | null;
  /** Spot usage: billed at this fraction (per mille) of the on-demand price, varying daily. */
  spotPermille: number | null;
}

/** Savings Plan discount on covered EC2 usage (per mille of on-demand), like a 1-year Compute SP. */
export const SP_RATE_PERMILLE = 720;
/** The Compute Savings Plan's hourly commitment, and when it began (first day of the month N months before the end month). */
export const SP_COMMITMENT_PER_HOUR = usd('3.40');
export const SP_START_MONTHS_BEFORE_END = 11;
/** The RDS Reserved Instance (1 year, All Upfront): effective hourly rate and first purchase (first day of the month N months before the end month). */
export const RDS_RI_RATE_PER_HOUR = usd('0.5332');
export const RDS_RI_START_MONTHS_BEFORE_END = 13;
export const RDS_RI_TERM_DAYS = 365;

// ---------------------------------------------------------------------------------------------
// builder

interface MeterInput {
  key: string;
  account: AccountKey;
  region: RegionKey | null;
  az?: string | null;
  service: ServiceKey;
  resource?: ResourceSpec | null;
  /** Usage type without the region prefix; the prefix is added for regional meters. */
  usageType: string;
  /** A full usage type, used as is (CloudFront, Route 53). */
  rawUsageType?: string;
  operation: string;
  description: string;
  skuMeter: string;
  unit: string;
  consumedUnit?: string;
  /** us-east-1 list price in USD; scaled by the region's factor unless regional is false. */
  price: number | string;
  regional?: boolean;
  /** Contracted price as per mille of list (private pricing); default 1000. */
  contractedPermille?: number;
  /** Preferred quantity decimals (capped so price x quantity stays exact). */
  decimals: number;
  tags?: Tags | null;
  quantity: QuantityModel;
  since?: number | null;
  until?: number | null;
  weekdaysOnly?: boolean;
  commitment?: MeterSpec['commitment'];
  spotPermille?: number | null;
  /** Price in units already resolved (EC2). */
  priceUnits?: number;
}

class CatalogBuilder {
  readonly resources: ResourceSpec[] = [];
  readonly meters: MeterSpec[] = [];
  private readonly keys = new Set<string>();

  resource(spec: Omit<ResourceSpec, 'config' | 'utilization' | 'waste' | 'createdDaysAgo' | 'deletedDaysAgo' | 'stoppedDaysAgo' | 'availabilityZone' | 'size'> & Partial<ResourceSpec>): ResourceSpec {
    const full: ResourceSpec = {
      availabilityZone: null,
      size: null,
      config: {},
      utilization: null,
      waste: [],
      createdDaysAgo: null,
      deletedDaysAgo: null,
      stoppedDaysAgo: null,
      ...spec,
    };
    this.resources.push(full);
    return full;
  }

  meter(input: MeterInput): MeterSpec {
    if (this.keys.has(input.key)) throw new Error(`duplicate meter key ${input.key}`);
    this.keys.add(input.key);
    const region = input.region ? DEMO_REGIONS[input.region] : null;
    let listPrice = input.priceUnits ?? usd(input.price);
    if (input.priceUnits === undefined && region && input.regional !== false && region.priceFactor !== 1000) {
      listPrice = scale(listPrice, region.priceFactor, input.key);
    }
    const contractedPrice = input.contractedPermille ? scale(listPrice, input.contractedPermille, input.key) : listPrice;
    let maxDecimals = Math.min(10 - decimalsOf(listPrice), 10 - decimalsOf(contractedPrice));
    if (input.commitment === 'savings-plan') maxDecimals = Math.min(maxDecimals, 10 - decimalsOf(scale(listPrice, SP_RATE_PERMILLE, input.key)));
    if (input.commitment === 'rds-ri') maxDecimals = Math.min(maxDecimals, 10 - decimalsOf(RDS_RI_RATE_PER_HOUR));
    if (input.spotPermille) maxDecimals = 0;
    const quantityDecimals = Math.max(0, Math.min(input.decimals, maxDecimals));
    const usageType = input.rawUsageType ?? (region ? `${region.prefix}-${input.usageType}` : input.usageType);
    const meter: MeterSpec = {
      key: input.key,
      noiseId: hashString(input.key),
      account: input.account,
      region: input.region,
      availabilityZone: input.az ?? null,
      service: input.service,
      resource: input.resource ?? null,
      usageType,
      operation: input.operation,
      description: input.description,
      skuMeter: input.skuMeter,
      pricingUnit: input.unit,
      consumedUnit: input.consumedUnit ?? input.unit,
      listPrice,
      contractedPrice,
      quantityDecimals,
      tags: input.tags === undefined ? (input.resource?.tags ?? null) : input.tags,
      quantity: input.quantity,
      sinceDaysAgo: input.since ?? input.resource?.createdDaysAgo ?? null,
      untilDaysAgo: input.until ?? input.resource?.deletedDaysAgo ?? null,
      weekdaysOnly: input.weekdaysOnly ?? false,
      commitment: input.commitment ?? null,
      spotPermille: input.spotPermille ?? null,
    };
    this.meters.push(meter);
    return meter;
  }
}

/** price x permille / 1000, required to stay exact. */
function scale(units: number, permille: number, what: string): number {
  const scaled = (units * permille) / 1000;
  if (!Number.isInteger(scaled)) throw new Error(`${what}: price ${units} x ${permille}/1000 is not exact at 10 decimals`);
  return scaled;
}

function tags(team: TeamKey, env: string, extra: Record<string, string> = {}): Tags {
  return { team, env, 'cost-center': DEMO_TEAMS[team], ...extra };
}

const acct = (key: AccountKey) => DEMO_ACCOUNTS[key].id;
const hex16 = (name: string) => hexFrom(name, 16);
const uuid = (name: string) => {
  const h = hexFrom(name, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const regionName = (region: RegionKey) => DEMO_REGIONS[region].name;

/** `0.192` -> `$0.192`, from a price in units. */
function dollars(units: number): string {
  const whole = Math.trunc(units / 1e10);
  const frac = String(units % 1e10).padStart(10, '0').replace(/0+$/, '');
  return `$${whole}${frac ? `.${frac.length < 2 ? frac.padEnd(2, '0') : frac}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// resource helpers

interface Ec2Input {
  name: string;
  account: AccountKey;
  region: RegionKey;
  az?: string;
  type: string;
  tags: Tags | null;
  since?: number;
  until?: number;
  stopped?: number;
  weekdaysOnly?: boolean;
  sp?: boolean;
  spot?: boolean;
  rootGb?: number;
  rootType?: 'gp3' | 'gp2';
  cpu: [avg: number, max: number];
  waste?: string[];
  config?: Record<string, ConfigValue>;
}

const GRAVITON = /^[a-z]+\d+g[a-z]*\./;
const PREVIOUS_GENERATION = /^(m4|t2|c4|r4|m3|c3|r3)\./;

function ec2(b: CatalogBuilder, input: Ec2Input): ResourceSpec {
  const az = `${input.region}${input.az ?? 'a'}`;
  const id = `i-0${hex16(`instance/${input.account}/${input.name}`)}`;
  const volumeId = `vol-0${hex16(`volume/${input.account}/${input.name}-root`)}`;
  const arch = GRAVITON.test(input.type) ? 'arm64' : 'x86_64';
  const waste = [...(input.waste ?? [])];
  if (PREVIOUS_GENERATION.test(input.type)) waste.push('previous-generation');
  if (input.rootType === 'gp2') waste.push('gp2-volume');
  const state = input.until !== undefined ? 'terminated' : input.stopped !== undefined ? 'stopped' : 'running';
  const instance = b.resource({
    kind: 'ec2-instance',
    id,
    name: input.name,
    resourceType: 'Instance',
    service: 'ec2',
    account: input.account,
    region: input.region,
    availabilityZone: az,
    tags: input.tags,
    size: input.type,
    config: {
      instanceType: input.type,
      state,
      platform: 'Linux/UNIX',
      architecture: arch,
      lifecycle: input.spot ? 'spot' : 'on-demand',
      schedule: input.weekdaysOnly ? 'weekdays' : 'always-on',
      rootVolumeId: volumeId,
      ...input.config,
    },
    utilization: { cpuAvgPct: input.cpu[0], cpuMaxPct: input.cpu[1] },
    waste,
    createdDaysAgo: input.since ?? null,
    deletedDaysAgo: input.until ?? null,
    stoppedDaysAgo: input.stopped ?? null,
  });
  const price = ec2HourlyPriceUnits(input.type, input.region);
  b.meter({
    key: `ec2/${input.account}/${input.name}`,
    account: input.account,
    region: input.region,
    az,
    service: 'ec2',
    resource: instance,
    usageType: `${input.spot ? 'SpotUsage' : 'BoxUsage'}:${input.type}`,
    operation: 'RunInstances',
    description: input.spot
      ? `${input.type} Linux/UNIX Spot Instance-hour in ${regionName(input.region)}`
      : `${dollars(price)} per On Demand Linux ${input.type} Instance Hour`,
    skuMeter: 'Compute',
    unit: 'Hours',
    price: 0,
    priceUnits: price,
    decimals: 0,
    quantity: { kind: 'hours', hours: 24 },
    until: input.stopped ?? input.until ?? null,
    weekdaysOnly: input.weekdaysOnly ?? false,
    commitment: input.sp ? 'savings-plan' : null,
    spotPermille: input.spot ? 310 : null,
  });
  const rootType = input.rootType ?? 'gp3';
  ebsVolume(b, {
    id: volumeId,
    name: `${input.name}-root`,
    account: input.account,
    region: input.region,
    az,
    type: rootType,
    gb: input.rootGb ?? 50,
    tags: input.tags,
    since: input.since,
    until: input.until,
    attachedTo: id,
    waste: rootType === 'gp2' ? ['gp2-volume'] : [],
  });
  return instance;
}

const EBS_PRICES = { gp3: '0.08', gp2: '0.10', io1: '0.125', st1: '0.045' } as const;
const EBS_NAMES = {
  gp3: 'General Purpose (gp3) provisioned storage',
  gp2: 'General Purpose SSD (gp2) provisioned storage',
  io1: 'Provisioned IOPS SSD (io1) provisioned storage',
  st1: 'Throughput Optimized HDD (st1) provisioned storage',
} as const;

function ebsVolume(
  b: CatalogBuilder,
  input: {
    id?: string;
    name: string;
    account: AccountKey;
    region: RegionKey;
    az?: string;
    type: keyof typeof EBS_PRICES;
    gb: number;
    iops?: number;
    tags: Tags | null;
    since?: number;
    until?: number;
    attachedTo: string | null;
    waste?: string[];
  },
): ResourceSpec {
  const az = input.az ?? `${input.region}a`;
  const volume = b.resource({
    kind: 'ebs-volume',
    id: input.id ?? `vol-0${hex16(`volume/${input.account}/${input.name}`)}`,
    name: input.name,
    resourceType: 'Volume',
    service: 'ec2',
    account: input.account,
    region: input.region,
    availabilityZone: az,
    tags: input.tags,
    size: input.type,
    config: {
      volumeType: input.type,
      sizeGb: input.gb,
      iops: input.iops ?? (input.type === 'gp3' ? 3000 : input.type === 'gp2' ? Math.max(100, input.gb * 3) : null),
      state: input.until !== undefined ? 'deleted' : input.attachedTo ? 'in-use' : 'available',
      attachedTo: input.attachedTo,
    },
    waste: [...(input.waste ?? []), ...(input.attachedTo ? [] : ['unattached-volume'])],
    createdDaysAgo: input.since ?? null,
    deletedDaysAgo: input.until ?? null,
  });
  const gp = input.type === 'gp3' ? 'Gp3' : input.type === 'gp2' ? 'Gp2' : input.type === 'io1' ? 'Io1' : 'St1';
  b.meter({
    key: `ebs/${input.account}/${input.name}`,
    account: input.account,
    region: input.region,
    az,
    service: 'ec2',
    resource: volume,
    usageType: `EBS:VolumeUsage${input.type === 'st1' ? '.st1' : `.${input.type === 'io1' ? 'piops' : input.type}`}`,
    operation: `CreateVolume-${gp}`,
    description: `$${EBS_PRICES[input.type]} per GB-month of ${EBS_NAMES[input.type]} - ${regionName(input.region)}`,
    skuMeter: 'Storage',
    unit: 'GB-Months',
    price: EBS_PRICES[input.type],
    decimals: 8,
    quantity: { kind: 'monthly', perMonth: input.gb, growth: 0 },
  });
  if (input.type === 'io1' && input.iops) {
    b.meter({
      key: `ebs-iops/${input.account}/${input.name}`,
      account: input.account,
      region: input.region,
      az,
      service: 'ec2',
      resource: volume,
      usageType: 'EBS:VolumeP-IOPS.piops',
      operation: 'CreateVolume-P-IOPS',
      description: `$0.065 per IOPS-month provisioned - ${regionName(input.region)}`,
      skuMeter: 'Provisioned IOPS',
      unit: 'IOPS-Months',
      price: '0.065',
      decimals: 7,
      quantity: { kind: 'monthly', perMonth: input.iops, growth: 0 },
    });
  }
  return volume;
}

function snapshot(
  b: CatalogBuilder,
  input: { name: string; account: AccountKey; region: RegionKey; gb: number; createdDaysAgo: number; volumeId: string; volumeExists: boolean; tags: Tags | null },
): ResourceSpec {
  const waste: string[] = [];
  if (input.createdDaysAgo > 90) waste.push('old-snapshot');
  if (!input.volumeExists) waste.push('snapshot-of-deleted-volume');
  const snap = b.resource({
    kind: 'ebs-snapshot',
    id: `snap-0${hex16(`snapshot/${input.account}/${input.name}`)}`,
    name: input.name,
    resourceType: 'Snapshot',
    service: 'ec2',
    account: input.account,
    region: input.region,
    tags: input.tags,
    config: { volumeId: input.volumeId, volumeSizeGb: input.gb, storageTier: 'standard' },
    waste,
    createdDaysAgo: input.createdDaysAgo,
  });
  b.meter({
    key: `snapshot/${input.account}/${input.name}`,
    account: input.account,
    region: input.region,
    service: 'ec2',
    resource: snap,
    usageType: 'EBS:SnapshotUsage',
    operation: 'CreateSnapshot',
    description: `$0.05 per GB-Month of snapshot data stored - ${regionName(input.region)}`,
    skuMeter: 'Storage Snapshot',
    unit: 'GB-Months',
    price: '0.05',
    decimals: 8,
    // Incremental snapshot data: about 60% of the volume.
    quantity: { kind: 'monthly', perMonth: Math.round(input.gb * 0.6), growth: 0 },
  });
  return snap;
}

function natGateway(
  b: CatalogBuilder,
  input: { name: string; account: AccountKey; region: RegionKey; az: string; gbPerDay: number; tags: Tags | null; idle?: boolean },
): ResourceSpec {
  const nat = b.resource({
    kind: 'nat-gateway',
    id: `nat-0${hex16(`nat/${input.account}/${input.name}`)}`,
    name: input.name,
    resourceType: 'NAT Gateway',
    service: 'ec2',
    account: input.account,
    region: input.region,
    availabilityZone: `${input.region}${input.az}`,
    tags: input.tags,
    config: { state: 'available', connectivityType: 'public', subnetId: `subnet-0${hex16(`subnet/${input.name}`)}` },
    utilization: { bytesProcessedGbPerDay: input.gbPerDay, activeConnectionsAvg: input.idle ? 0 : Math.round(input.gbPerDay * 40) },
    waste: input.idle ? ['idle-nat-gateway'] : [],
  });
  b.meter({
    key: `nat-hours/${input.account}/${input.name}`,
    account: input.account,
    region: input.region,
    az: `${input.region}${input.az}`,
    service: 'ec2',
    resource: nat,
    usageType: 'NatGateway-Hours',
    operation: 'NatGateway',
    description: `$0.045 per NAT Gateway Hour`,
    skuMeter: 'NAT Gateway',
    unit: 'Hours',
    price: '0.045',
    decimals: 0,
    quantity: { kind: 'hours', hours: 24 },
  });
  b.meter({
    key: `nat-bytes/${input.account}/${input.name}`,
    account: input.account,
    region: input.region,
    az: `${input.region}${input.az}`,
    service: 'ec2',
    resource: nat,
    usageType: 'NatGateway-Bytes',
    operation: 'NatGateway',
    description: `$0.045 per GB Data Processed by NAT Gateways`,
    skuMeter: 'NAT Gateway Data Processed',
    unit: 'GB',
    price: '0.045',
    decimals: 6,
    quantity: { kind: 'usage', perDay: input.gbPerDay, growth: input.idle ? 0 : 0.03, weekend: input.idle ? 1 : 0.7, noise: 0.08 },
  });
  return nat;
}

function elasticIp(b: CatalogBuilder, input: { name: string; account: AccountKey; region: RegionKey; tags: Tags | null; since?: number }): ResourceSpec {
  const hex = hex16(`eip/${input.account}/${input.name}`);
  const eip = b.resource({
    kind: 'elastic-ip',
    id: `eipalloc-0${hex}`,
    name: input.name,
    resourceType: 'Elastic IP',
    service: 'vpc',
    account: input.account,
    region: input.region,
    tags: input.tags,
    config: {
      publicIp: `203.0.113.${(parseInt(hex.slice(0, 2), 16) % 250) + 2}`,
      associationId: null,
      domain: 'vpc',
    },
    waste: ['unassociated-eip'],
    createdDaysAgo: input.since ?? null,
  });
  b.meter({
    key: `eip/${input.account}/${input.name}`,
    account: input.account,
    region: input.region,
    service: 'vpc',
    resource: eip,
    usageType: 'PublicIPv4:IdleAddress',
    operation: 'AllocateAddress',
    description: '$0.005 per Idle public IPv4 address per hour',
    skuMeter: 'Public IPv4 Address',
    unit: 'Hours',
    price: '0.005',
    regional: false,
    decimals: 0,
    quantity: { kind: 'hours', hours: 24 },
  });
  return eip;
}

function loadBalancer(
  b: CatalogBuilder,
  input: { name: string; account: AccountKey; region: RegionKey; lcuPerDay: number; tags: Tags | null; idle?: boolean; since?: number },
): ResourceSpec {
  const lb = b.resource({
    kind: 'load-balancer',
    id: `arn:aws:elasticloadbalancing:${input.region}:${acct(input.account)}:loadbalancer/app/${input.name}/${hex16(`alb/${input.name}`)}`,
    name: input.name,
    resourceType: 'Load Balancer',
    service: 'elb',
    account: input.account,
    region: input.region,
    tags: input.tags,
    size: 'application',
    config: { type: 'application', scheme: 'internet-facing', state: 'active', targetGroups: input.idle ? 1 : 2, healthyTargets: input.idle ? 0 : 4 },
    utilization: { requestsPerDay: input.idle ? 0 : Math.round(input.lcuPerDay * 9000), healthyTargets: input.idle ? 0 : 4 },
    waste: input.idle ? ['idle-load-balancer'] : [],
    createdDaysAgo: input.since ?? null,
  });
  b.meter({
    key: `alb-hours/${input.account}/${input.name}`,
    account: input.account,
    region: input.region,
    service: 'elb',
    resource: lb,
    usageType: 'LoadBalancerUsage',
    operation: 'LoadBalancing:Application',
    description: '$0.0225 per Application LoadBalancer-hour (or partial hour)',
    skuMeter: 'Load Balancer',
    unit: 'Hours',
    price: '0.0225',
    decimals: 0,
    quantity: { kind: 'hours', hours: 24 },
  });
  if (!input.idle) {
    b.meter({
      key: `alb-lcu/${input.account}/${input.name}`,
      account: input.account,
      region: input.region,
      service: 'elb',
      resource: lb,
      usageType: 'LCUUsage',
      operation: 'LoadBalancing:Application',
      description: '$0.008 per used Application load balancer capacity unit-hour (or partial hour)',
      skuMeter: 'Load Balancer Capacity Units',
      unit: 'LCU-Hours',
      price: '0.008',
      decimals: 6,
      quantity: { kind: 'usage', perDay: input.lcuPerDay, growth: 0.03, weekend: 0.65, noise: 0.06 },
    });
  }
  return lb;
}

const RDS_PRICES: Record<string, string> = {
  'db.r6g.xlarge': '0.43',
  'db.r6g.large': '0.215',
  'db.m5.large': '0.171',
  'db.t3.medium': '0.068',
  'db.r5.2xlarge': '1.00',
};

function rds(
  b: CatalogBuilder,
  input: {
    name: string;
    account: AccountKey;
    region: RegionKey;
    cls: string;
    engine: 'mysql' | 'postgres';
    multiAz: boolean;
    storageGb: number;
    tags: Tags | null;
    ri?: boolean;
    cpu: [number, number];
    connections: number;
    waste?: string[];
  },
): ResourceSpec {
  const db = b.resource({
    kind: 'rds-instance',
    id: `arn:aws:rds:${input.region}:${acct(input.account)}:db:${input.name}`,
    name: input.name,
    resourceType: 'DB Instance',
    service: 'rds',
    account: input.account,
    region: input.region,
    availabilityZone: `${input.region}a`,
    tags: input.tags,
    size: input.cls,
    config: { dbInstanceClass: input.cls, engine: input.engine, multiAz: input.multiAz, allocatedStorageGb: input.storageGb, storageType: 'gp2', status: 'available' },
    utilization: { cpuAvgPct: input.cpu[0], cpuMaxPct: input.cpu[1], connectionsAvg: input.connections },
    waste: input.waste ?? [],
  });
  const short = input.cls.replace('xlarge', 'xl').replace(/^db\./, 'db.');
  const base = usd(RDS_PRICES[input.cls] ?? '0');
  if (!base) throw new Error(`no RDS price for ${input.cls}`);
  const engineName = input.engine === 'mysql' ? 'MySQL' : 'PostgreSQL';
  const perHour = input.multiAz ? base * 2 : base;
  b.meter({
    key: `rds/${input.account}/${input.name}`,
    account: input.account,
    region: input.region,
    service: 'rds',
    resource: db,
    usageType: `${input.multiAz ? 'Multi-AZUsage' : 'InstanceUsage'}:${short}`,
    operation: `CreateDBInstance:${input.engine === 'mysql' ? '0002' : '0014'}`,
    description: `$${RDS_PRICES[input.cls]}${input.multiAz ? ' x2' : ''} per RDS ${input.cls} ${input.multiAz ? 'Multi-AZ ' : ''}instance hour (or partial hour) running ${engineName}`,
    skuMeter: 'Database Instance',
    unit: 'Hours',
    price: 0,
    priceUnits: DEMO_REGIONS[input.region].priceFactor === 1000 ? perHour : scale(perHour, DEMO_REGIONS[input.region].priceFactor, input.name),
    decimals: 0,
    quantity: { kind: 'hours', hours: 24 },
    commitment: input.ri ? 'rds-ri' : null,
  });
  b.meter({
    key: `rds-storage/${input.account}/${input.name}`,
    account: input.account,
    region: input.region,
    service: 'rds',
    resource: db,
    usageType: input.multiAz ? 'RDS:Multi-AZ-GP2-Storage' : 'RDS:GP2-Storage',
    operation: `CreateDBInstance:${input.engine === 'mysql' ? '0002' : '0014'}`,
    description: `$${input.multiAz ? '0.23' : '0.115'} per GB-month of provisioned gp2 storage${input.multiAz ? ' for Multi-AZ deployments' : ''} running ${engineName}`,
    skuMeter: 'Database Storage',
    unit: 'GB-Months',
    price: input.multiAz ? '0.23' : '0.115',
    decimals: 7,
    quantity: { kind: 'monthly', perMonth: input.storageGb, growth: 0 },
  });
  return db;
}

function lambda(
  b: CatalogBuilder,
  input: {
    name: string;
    account: AccountKey;
    region: RegionKey;
    memoryMb: number;
    invocationsPerDay: number;
    avgMs: number;
    maxMemoryUsedMb: number;
    weekend: number;
    tags: Tags | null;
    /** CloudWatch Lambda Insights enabled (its extension layer): only then is memory use measured. */
    insights?: boolean;
    waste?: string[];
    since?: number;
  },
): ResourceSpec {
  const fn = b.resource({
    kind: 'lambda-function',
    id: `arn:aws:lambda:${input.region}:${acct(input.account)}:function:${input.name}`,
    name: input.name,
    resourceType: 'Function',
    service: 'lambda',
    account: input.account,
    region: input.region,
    tags: input.tags,
    size: `${input.memoryMb} MB`,
    config: { memorySizeMb: input.memoryMb, architecture: 'x86_64', runtime: 'nodejs20.x', timeoutSeconds: 30, lambdaInsights: input.insights ?? false },
    utilization: { invocationsPerDay: input.invocationsPerDay, avgDurationMs: input.avgMs, maxMemoryUsedMb: input.maxMemoryUsedMb },
    waste: [...(input.waste ?? []), 'lambda-x86'],
    createdDaysAgo: input.since ?? null,
  });
  b.meter({
    key: `lambda-req/${input.account}/${input.name}`,
    account: input.account,
    region: input.region,
    service: 'lambda',
    resource: fn,
    usageType: 'Request',
    operation: 'Invoke',
    description: 'AWS Lambda - Total Requests - $0.20 per 1M requests',
    skuMeter: 'Requests',
    unit: 'Requests',
    price: '0.0000002',
    regional: false,
    decimals: 0,
    quantity: { kind: 'usage', perDay: input.invocationsPerDay, growth: 0.035, weekend: input.weekend, noise: 0.07 },
  });
  b.meter({
    key: `lambda-gbs/${input.account}/${input.name}`,
    account: input.account,
    region: input.region,
    service: 'lambda',
    resource: fn,
    usageType: 'Lambda-GB-Second',
    operation: 'Invoke',
    description: 'AWS Lambda - Total Compute - $0.0000166667 per GB-second',
    skuMeter: 'Compute',
    unit: 'GB-Seconds',
    price: '0.0000166667',
    regional: false,
    decimals: 0,
    quantity: {
      kind: 'usage',
      perDay: (input.invocationsPerDay * input.avgMs * input.memoryMb) / 1000 / 1024,
      growth: 0.035,
      weekend: input.weekend,
      noise: 0.07,
    },
  });
  return fn;
}

function s3Bucket(
  b: CatalogBuilder,
  input: {
    name: string;
    account: AccountKey;
    region: RegionKey;
    tb: number;
    storageClass: 'STANDARD' | 'STANDARD_IA' | 'GLACIER';
    growth: number;
    tier1PerDay?: number;
    tier2PerDay?: number;
    tags: Tags | null;
    lifecycle: boolean;
  },
): ResourceSpec {
  const waste = !input.lifecycle && input.storageClass === 'STANDARD' && input.tb >= 1 ? ['s3-no-lifecycle'] : [];
  const bucket = b.resource({
    kind: 's3-bucket',
    id: input.name,
    name: input.name,
    resourceType: 'Bucket',
    service: 's3',
    account: input.account,
    region: input.region,
    tags: input.tags,
    size: input.storageClass,
    config: { storageClass: input.storageClass, sizeGb: input.tb * 1000, lifecycleRules: input.lifecycle ? 2 : 0, versioning: 'Enabled' },
    waste,
  });
  const storage = {
    STANDARD: { usage: 'TimedStorage-ByteHrs', price: '0.023', label: 'Standard' },
    STANDARD_IA: { usage: 'TimedStorage-SIA-ByteHrs', price: '0.0125', label: 'Standard-Infrequent Access' },
    GLACIER: { usage: 'TimedStorage-GlacierByteHrs', price: '0.0036', label: 'Glacier Flexible Retrieval' },
  }[input.storageClass];
  b.meter({
    key: `s3-storage/${input.account}/${input.name}`,
    account: input.account,
    region: input.region,
    service: 's3',
    resource: bucket,
    usageType: storage.usage,
    operation: 'StandardStorage',
    description: `$${storage.price} per GB-Month of storage used in ${storage.label}`,
    skuMeter: 'Storage',
    unit: 'GB-Months',
    price: storage.price,
    decimals: 8,
    quantity: { kind: 'monthly', perMonth: input.tb * 1000, growth: input.growth },
  });
  if (input.tier1PerDay) {
    b.meter({
      key: `s3-tier1/${input.account}/${input.name}`,
      account: input.account,
      region: input.region,
      service: 's3',
      resource: bucket,
      usageType: 'Requests-Tier1',
      operation: 'PutObject',
      description: '$0.005 per 1,000 PUT, COPY, POST, or LIST requests',
      skuMeter: 'Requests',
      unit: 'Requests',
      price: '0.000005',
      regional: false,
      decimals: 0,
      quantity: { kind: 'usage', perDay: input.tier1PerDay, growth: input.growth, weekend: 0.8, noise: 0.08 },
    });
  }
  if (input.tier2PerDay) {
    b.meter({
      key: `s3-tier2/${input.account}/${input.name}`,
      account: input.account,
      region: input.region,
      service: 's3',
      resource: bucket,
      usageType: 'Requests-Tier2',
      operation: 'GetObject',
      description: '$0.0004 per 1,000 GET and all other requests',
      skuMeter: 'Requests',
      unit: 'Requests',
      price: '0.0000004',
      regional: false,
      decimals: 0,
      quantity: { kind: 'usage', perDay: input.tier2PerDay, growth: input.growth, weekend: 0.7, noise: 0.08 },
    });
  }
  return bucket;
}

function logGroup(
  b: CatalogBuilder,
  input: { name: string; account: AccountKey; region: RegionKey; ingestGbPerDay: number; storedGb: number; retentionDays: number | null; tags: Tags | null; weekend?: number },
): ResourceSpec {
  const group = b.resource({
    kind: 'log-group',
    id: `arn:aws:logs:${input.region}:${acct(input.account)}:log-group:${input.name}`,
    name: input.name,
    resourceType: 'Log Group',
    service: 'cloudwatch',
    account: input.account,
    region: input.region,
    tags: input.tags,
    config: { retentionInDays: input.retentionDays, storedGb: input.storedGb },
    utilization: { ingestedGbPerDay: input.ingestGbPerDay },
    waste: input.retentionDays === null ? ['log-group-no-retention'] : [],
  });
  b.meter({
    key: `logs-ingest/${input.account}/${input.name}`,
    account: input.account,
    region: input.region,
    service: 'cloudwatch',
    resource: group,
    usageType: 'DataProcessing-Bytes',
    operation: 'PutLogEvents',
    description: '$0.50 per GB custom log data ingested',
    skuMeter: 'Logs Ingestion',
    unit: 'GB',
    price: '0.50',
    decimals: 6,
    quantity: { kind: 'usage', perDay: input.ingestGbPerDay, growth: 0.03, weekend: input.weekend ?? 0.75, noise: 0.07 },
  });
  b.meter({
    key: `logs-storage/${input.account}/${input.name}`,
    account: input.account,
    region: input.region,
    service: 'cloudwatch',
    resource: group,
    usageType: 'TimedStorage-ByteHrs',
    operation: 'HourlyStorageMetering',
    description: '$0.03 per GB-mo of log storage',
    skuMeter: 'Logs Storage',
    unit: 'GB-Months',
    price: '0.03',
    decimals: 8,
    quantity: { kind: 'monthly', perMonth: input.storedGb, growth: input.retentionDays === null ? 0.06 : 0.02 },
  });
  return group;
}

/** A resource with one or more simple meters: most managed services. */
function managed(
  b: CatalogBuilder,
  resource: Omit<Parameters<CatalogBuilder['resource']>[0], 'service'> & { service: ServiceKey },
  meters: Array<Omit<MeterInput, 'account' | 'region' | 'service' | 'resource'>>,
): ResourceSpec {
  const r = b.resource(resource);
  for (const m of meters) b.meter({ ...m, account: r.account, region: r.region, service: r.service, resource: r });
  return r;
}

/** An account-level meter without a resource (data transfer, GuardDuty, Config, ...). */
function accountMeter(b: CatalogBuilder, input: MeterInput): MeterSpec {
  return b.meter({ tags: null, ...input, resource: null });
}

// ---------------------------------------------------------------------------------------------
// the catalog

export interface Catalog {
  resources: readonly ResourceSpec[];
  meters: readonly MeterSpec[];
  /** The meters of the scale-out fleet (rowsTarget), after the base ones. */
  fleetMeterCount: number;
  savingsPlan: ResourceSpec;
  rdsReservedInstance: ResourceSpec;
}

/** Scale-out fleet instance type and the rows each fleet member adds per day (instance + volume). */
export const FLEET_INSTANCE_TYPE = 'c6i.large';
export const FLEET_ROWS_PER_MEMBER_PER_DAY = 2;

export function buildCatalog(fleetSize = 0): Catalog {
  const b = new CatalogBuilder();
  const web = (env = 'prod') => tags('web', env, { app: 'storefront' });
  const pay = (env = 'prod') => tags('payments', env, { app: 'checkout' });
  const search = tags('search', 'prod', { app: 'search' });
  const data = tags('data-platform', 'prod', { app: 'data-lake' });
  const ml = tags('ml', 'prod', { app: 'recommendations' });
  const platform = (env = 'prod') => tags('platform', env);
  const security = tags('security', 'prod');

  // --- EC2: production, us-east-1 ----------------------------------------------------------
  for (let i = 1; i <= 4; i++) ec2(b, { name: `prod-web-${i}`, account: 'prod', region: 'us-east-1', az: 'abc'[i % 3], type: 'm5.2xlarge', tags: web(), sp: true, cpu: [46, 81], waste: ['graviton-candidate'] });
  ec2(b, { name: 'prod-web-5', account: 'prod', region: 'us-east-1', az: 'b', type: 'm5.2xlarge', tags: web(), since: 380, cpu: [44, 79] });
  ec2(b, { name: 'prod-web-6', account: 'prod', region: 'us-east-1', az: 'c', type: 'm5.2xlarge', tags: web(), since: 240, cpu: [43, 77] });
  // The web tier scales in at weekends: these only run on weekdays.
  ec2(b, { name: 'prod-web-asg-1', account: 'prod', region: 'us-east-1', az: 'a', type: 'm5.xlarge', tags: web(), since: 300, weekdaysOnly: true, cpu: [52, 88] });
  ec2(b, { name: 'prod-web-asg-2', account: 'prod', region: 'us-east-1', az: 'b', type: 'm5.xlarge', tags: web(), since: 180, weekdaysOnly: true, cpu: [50, 86] });
  ec2(b, { name: 'prod-web-asg-3', account: 'prod', region: 'us-east-1', az: 'c', type: 'm5.xlarge', tags: web(), since: 60, weekdaysOnly: true, cpu: [49, 85] });
  for (let i = 1; i <= 3; i++) ec2(b, { name: `prod-api-${i}`, account: 'prod', region: 'us-east-1', az: 'abc'[i % 3], type: 'c5.4xlarge', tags: pay(), sp: true, cpu: [38, 74], waste: ['graviton-candidate'] });
  ec2(b, { name: 'prod-api-4', account: 'prod', region: 'us-east-1', az: 'a', type: 'c5.4xlarge', tags: pay(), since: 150, cpu: [35, 70] });
  ec2(b, { name: 'prod-payments-worker-1', account: 'prod', region: 'us-east-1', az: 'a', type: 'm6i.large', tags: pay(), cpu: [31, 64] });
  ec2(b, { name: 'prod-payments-worker-2', account: 'prod', region: 'us-east-1', az: 'b', type: 'm6i.large', tags: pay(), since: 210, cpu: [29, 61] });
  for (let i = 1; i <= 2; i++) ec2(b, { name: `prod-search-${i}`, account: 'prod', region: 'us-east-1', az: 'ab'[i - 1], type: 'r5.2xlarge', tags: search, sp: true, rootGb: 100, cpu: [41, 72] });
  ec2(b, { name: 'prod-search-3', account: 'prod', region: 'us-east-1', az: 'c', type: 'r5.2xlarge', tags: search, since: 240, rootGb: 100, cpu: [39, 70] });
  // Idle, previous generation, half tagged: nobody remembers who owns it.
  ec2(b, { name: 'legacy-reporting', account: 'prod', region: 'us-east-1', az: 'a', type: 'm4.2xlarge', tags: { env: 'prod' }, rootType: 'gp2', rootGb: 200, cpu: [1.8, 4.5], waste: ['idle-instance'] });

  // --- EC2: production, eu-west-1 and ap-southeast-2 ----------------------------------------
  ec2(b, { name: 'eu-web-1', account: 'prod', region: 'eu-west-1', az: 'a', type: 'm5.xlarge', tags: web(), cpu: [48, 83] });
  ec2(b, { name: 'eu-web-2', account: 'prod', region: 'eu-west-1', az: 'b', type: 'm5.xlarge', tags: web(), cpu: [47, 80] });
  ec2(b, { name: 'eu-web-3', account: 'prod', region: 'eu-west-1', az: 'c', type: 'm5.xlarge', tags: web(), since: 120, cpu: [45, 79] });
  ec2(b, { name: 'eu-api-1', account: 'prod', region: 'eu-west-1', az: 'a', type: 'c6i.2xlarge', tags: pay(), cpu: [36, 69] });
  ec2(b, { name: 'eu-api-2', account: 'prod', region: 'eu-west-1', az: 'b', type: 'c6i.2xlarge', tags: pay(), since: 280, cpu: [35, 66] });
  ec2(b, { name: 'apac-web-1', account: 'prod', region: 'ap-southeast-2', az: 'a', type: 'm5.large', tags: web(), since: 330, cpu: [33, 62] });
  ec2(b, { name: 'apac-web-2', account: 'prod', region: 'ap-southeast-2', az: 'b', type: 'm5.large', tags: web(), since: 330, cpu: [31, 60] });

  // --- EC2: staging, us-west-2 (scheduled off at weekends) ----------------------------------
  ec2(b, { name: 'staging-web-1', account: 'staging', region: 'us-west-2', type: 't3.large', tags: web('staging'), weekdaysOnly: true, cpu: [12, 40] });
  ec2(b, { name: 'staging-web-2', account: 'staging', region: 'us-west-2', az: 'b', type: 't3.large', tags: web('staging'), weekdaysOnly: true, cpu: [10, 38] });
  ec2(b, { name: 'staging-api-1', account: 'staging', region: 'us-west-2', type: 'c5.xlarge', tags: pay('staging'), weekdaysOnly: true, cpu: [9, 35] });
  ec2(b, { name: 'staging-db-tools', account: 'staging', region: 'us-west-2', type: 't2.large', tags: null, rootType: 'gp2', cpu: [4, 22] });
  ec2(b, { name: 'staging-loadgen', account: 'staging', region: 'us-west-2', type: 'r5.2xlarge', tags: platform('staging'), since: 200, cpu: [2.1, 6.3], waste: ['idle-instance', 'oversized-instance'] });

  // --- EC2: data platform, us-west-2 --------------------------------------------------------
  ec2(b, { name: 'data-etl-1', account: 'data', region: 'us-west-2', type: 'r6g.xlarge', tags: data, rootGb: 200, cpu: [55, 92] });
  ec2(b, { name: 'data-etl-2', account: 'data', region: 'us-west-2', az: 'b', type: 'r6g.xlarge', tags: data, rootGb: 200, since: 260, cpu: [52, 90] });
  ec2(b, { name: 'data-spark-spot-1', account: 'data', region: 'us-west-2', type: 'c5.4xlarge', tags: data, spot: true, weekdaysOnly: true, cpu: [71, 97] });
  ec2(b, { name: 'data-spark-spot-2', account: 'data', region: 'us-west-2', az: 'c', type: 'c5.4xlarge', tags: data, spot: true, weekdaysOnly: true, since: 170, cpu: [69, 96] });
  ec2(b, { name: 'ml-gpu-1', account: 'data', region: 'us-west-2', type: 'g4dn.xlarge', tags: ml, since: 60, rootGb: 250, cpu: [22, 64] });
  ec2(b, { name: 'data-airflow', account: 'data', region: 'us-west-2', type: 'm6g.large', tags: data, cpu: [24, 58] });
  // Stopped long ago, still paying for its volumes; no tags.
  ec2(b, { name: 'old-analytics', account: 'data', region: 'us-west-2', type: 'm4.xlarge', tags: null, stopped: 200, rootType: 'gp2', rootGb: 500, cpu: [0, 0], waste: ['stopped-instance-with-ebs'] });

  // --- EC2: shared services, us-east-1 ------------------------------------------------------
  ec2(b, { name: 'bastion', account: 'shared', region: 'us-east-1', type: 't2.medium', tags: platform(), rootType: 'gp2', cpu: [1.5, 9] });
  ec2(b, { name: 'ci-jenkins', account: 'shared', region: 'us-east-1', type: 'm5.2xlarge', tags: platform('dev'), rootGb: 500, cpu: [6, 14], waste: ['oversized-instance'] });
  ec2(b, { name: 'monitoring', account: 'shared', region: 'us-east-1', type: 'm6i.xlarge', tags: platform(), rootGb: 300, cpu: [34, 61] });
  ec2(b, { name: 'vpn', account: 'shared', region: 'us-east-1', type: 't3.small', tags: security, cpu: [8, 27] });

  // --- EBS volumes that are not root volumes ------------------------------------------------
  for (let i = 1; i <= 3; i++) {
    const instance = b.resources.find((r) => r.name === `prod-search-${i}`)!;
    ebsVolume(b, { name: `prod-search-${i}-data`, account: 'prod', region: 'us-east-1', az: instance.availabilityZone!, type: 'gp2', gb: 1000, tags: search, since: instance.createdDaysAgo ?? undefined, attachedTo: instance.id, waste: ['gp2-volume'] });
  }
  ebsVolume(b, { name: 'prod-migration-scratch', account: 'prod', region: 'us-east-1', type: 'gp2', gb: 1000, tags: platform(), since: 410, attachedTo: null, waste: ['gp2-volume'] });
  ebsVolume(b, { name: 'staging-restore-test', account: 'staging', region: 'us-west-2', type: 'gp2', gb: 500, tags: null, since: 150, attachedTo: null, waste: ['gp2-volume'] });
  ebsVolume(b, { name: 'data-archive-hdd', account: 'data', region: 'us-west-2', type: 'st1', gb: 2000, tags: data, since: 320, attachedTo: null });
  const etl1 = b.resources.find((r) => r.name === 'data-etl-1')!;
  ebsVolume(b, { name: 'data-etl-1-scratch', account: 'data', region: 'us-west-2', type: 'io1', gb: 500, iops: 10000, tags: data, attachedTo: etl1.id, waste: ['io1-overprovisioned-iops'] });

  // --- EBS snapshots ------------------------------------------------------------------------
  const legacy = b.resources.find((r) => r.name === 'legacy-reporting-root')!;
  snapshot(b, { name: 'legacy-reporting-2024-11', account: 'prod', region: 'us-east-1', gb: 200, createdDaysAgo: 700, volumeId: legacy.id, volumeExists: true, tags: null });
  snapshot(b, { name: 'pre-migration-db-backup', account: 'prod', region: 'us-east-1', gb: 1000, createdDaysAgo: 420, volumeId: `vol-0${hex16('volume/prod/decommissioned-db')}`, volumeExists: false, tags: platform() });
  snapshot(b, { name: 'search-reindex-backup', account: 'prod', region: 'us-east-1', gb: 1000, createdDaysAgo: 230, volumeId: b.resources.find((r) => r.name === 'prod-search-1-data')!.id, volumeExists: true, tags: search });
  snapshot(b, { name: 'old-analytics-final', account: 'data', region: 'us-west-2', gb: 500, createdDaysAgo: 200, volumeId: b.resources.find((r) => r.name === 'old-analytics-root')!.id, volumeExists: true, tags: null });
  snapshot(b, { name: 'etl-weekly-snapshot', account: 'data', region: 'us-west-2', gb: 200, createdDaysAgo: 6, volumeId: b.resources.find((r) => r.name === 'data-etl-1-root')!.id, volumeExists: true, tags: data });
  snapshot(b, { name: 'staging-ami-build-2023', account: 'staging', region: 'us-west-2', gb: 100, createdDaysAgo: 900, volumeId: `vol-0${hex16('volume/staging/ami-builder')}`, volumeExists: false, tags: null });
  snapshot(b, { name: 'eu-web-golden-image', account: 'prod', region: 'eu-west-1', gb: 50, createdDaysAgo: 35, volumeId: b.resources.find((r) => r.name === 'eu-web-1-root')!.id, volumeExists: true, tags: web() });

  // --- Networking: NAT gateways, Elastic IPs, load balancers, VPC endpoints ------------------
  natGateway(b, { name: 'prod-use1-nat-a', account: 'prod', region: 'us-east-1', az: 'a', gbPerDay: 900, tags: platform() });
  natGateway(b, { name: 'prod-use1-nat-b', account: 'prod', region: 'us-east-1', az: 'b', gbPerDay: 650, tags: platform() });
  natGateway(b, { name: 'prod-euw1-nat', account: 'prod', region: 'eu-west-1', az: 'a', gbPerDay: 240, tags: platform() });
  natGateway(b, { name: 'data-usw2-nat', account: 'data', region: 'us-west-2', az: 'a', gbPerDay: 1300, tags: data });
  natGateway(b, { name: 'staging-euw1-nat', account: 'staging', region: 'eu-west-1', az: 'a', gbPerDay: 0.4, tags: platform('staging'), idle: true });
  elasticIp(b, { name: 'staging-old-bastion-ip', account: 'staging', region: 'us-west-2', tags: null });
  elasticIp(b, { name: 'prod-euw1-reserved-ip', account: 'prod', region: 'eu-west-1', tags: platform(), since: 250 });
  elasticIp(b, { name: 'prod-use1-spare-ip', account: 'prod', region: 'us-east-1', tags: platform(), since: 95 });
  loadBalancer(b, { name: 'prod-web-alb', account: 'prod', region: 'us-east-1', lcuPerDay: 420, tags: web() });
  loadBalancer(b, { name: 'prod-api-alb', account: 'prod', region: 'us-east-1', lcuPerDay: 300, tags: pay() });
  loadBalancer(b, { name: 'eu-web-alb', account: 'prod', region: 'eu-west-1', lcuPerDay: 110, tags: web() });
  loadBalancer(b, { name: 'staging-old-alb', account: 'staging', region: 'us-west-2', lcuPerDay: 0, tags: web('staging'), idle: true, since: 380 });
  for (const [account, region] of [
    ['prod', 'us-east-1'],
    ['prod', 'eu-west-1'],
    ['data', 'us-west-2'],
    ['prod', 'ap-southeast-2'],
  ] as const) {
    accountMeter(b, {
      key: `ipv4-inuse/${account}/${region}`,
      account,
      region,
      service: 'vpc',
      usageType: 'PublicIPv4:InUseAddress',
      operation: 'AssociateAddressVPC',
      description: '$0.005 per In-use public IPv4 address per hour',
      skuMeter: 'Public IPv4 Address',
      unit: 'Hours',
      price: '0.005',
      regional: false,
      decimals: 0,
      quantity: { kind: 'usage', perDay: region === 'us-east-1' ? 24 * 14 : 24 * 4, growth: 0.02, weekend: 1, noise: 0 },
      since: region === 'ap-southeast-2' ? 330 : null,
    });
  }
  managed(
    b,
    {
      kind: 'vpc-endpoint',
      id: `vpce-0${hex16('vpce/prod/s3-ecr')}`,
      name: 'prod-use1-interface-endpoints',
      resourceType: 'VPC Endpoint',
      service: 'vpc',
      account: 'prod',
      region: 'us-east-1',
      tags: platform(),
      config: { vpcEndpointType: 'Interface', services: ['ecr.api', 'ecr.dkr', 'logs', 'sts'] },
    },
    [
      { key: 'vpce-hours/prod', usageType: 'VpcEndpoint-Hours', operation: 'VpcEndpoint', description: '$0.01 per VPC Endpoint Hour', skuMeter: 'VPC Endpoint', unit: 'Hours', price: '0.01', decimals: 0, quantity: { kind: 'hours', hours: 24 * 12 } },
      { key: 'vpce-bytes/prod', usageType: 'VpcEndpoint-Bytes', operation: 'VpcEndpoint', description: '$0.01 per GB Data Processed by VPC Endpoints', skuMeter: 'VPC Endpoint Data Processed', unit: 'GB', price: '0.01', decimals: 6, quantity: { kind: 'usage', perDay: 800, growth: 0.03, weekend: 0.7, noise: 0.06 } },
    ],
  );

  // --- Data transfer (account level, no resource, untagged) ---------------------------------
  const dto = (account: AccountKey, region: RegionKey, gbPerDay: number, since: number | null = null) =>
    accountMeter(b, {
      key: `dto/${account}/${region}`,
      account,
      region,
      service: 'datatransfer',
      usageType: 'DataTransfer-Out-Bytes',
      operation: '',
      description: `$0.09 per GB - first 10 TB / month data transfer out beyond the global free tier`,
      skuMeter: 'Data Transfer',
      unit: 'GB',
      price: '0.09',
      decimals: 6,
      quantity: { kind: 'usage', perDay: gbPerDay, growth: 0.03, weekend: 0.7, noise: 0.07 },
      since,
    });
  dto('prod', 'us-east-1', 600);
  dto('prod', 'eu-west-1', 250);
  dto('prod', 'ap-southeast-2', 170, 330);
  dto('data', 'us-west-2', 90);
  accountMeter(b, {
    key: 'dt-interregion/prod/us-east-1',
    account: 'prod',
    region: 'us-east-1',
    service: 'datatransfer',
    usageType: 'USW2-AWS-Out-Bytes',
    operation: '',
    description: '$0.02 per GB - US East (Northern Virginia) data transfer to US West (Oregon)',
    skuMeter: 'Inter-Region Data Transfer',
    unit: 'GB',
    price: '0.02',
    decimals: 6,
    quantity: { kind: 'usage', perDay: 1500, growth: 0.04, weekend: 0.85, noise: 0.06 },
  });
  for (const [account, region, gb] of [
    ['prod', 'us-east-1', 3000],
    ['data', 'us-west-2', 1200],
  ] as const) {
    accountMeter(b, {
      key: `dt-regional/${account}/${region}`,
      account,
      region,
      service: 'datatransfer',
      usageType: 'DataTransfer-Regional-Bytes',
      operation: 'InterZone-In',
      description: '$0.01 per GB - regional data transfer - in/out/between EC2 AZs or using elastic IPs or ELB',
      skuMeter: 'Inter-AZ Data Transfer',
      unit: 'GB',
      price: '0.01',
      decimals: 6,
      quantity: { kind: 'usage', perDay: gb, growth: 0.03, weekend: 0.75, noise: 0.06 },
    });
  }

  // --- S3 -----------------------------------------------------------------------------------
  s3Bucket(b, { name: 'demo-corp-data-lake-raw', account: 'data', region: 'us-west-2', tb: 180, storageClass: 'STANDARD', growth: 0.04, tier1PerDay: 9_000_000, tier2PerDay: 40_000_000, tags: data, lifecycle: false });
  s3Bucket(b, { name: 'demo-corp-data-lake-curated', account: 'data', region: 'us-west-2', tb: 45, storageClass: 'STANDARD_IA', growth: 0.03, tier2PerDay: 25_000_000, tags: data, lifecycle: true });
  s3Bucket(b, { name: 'demo-corp-web-assets', account: 'prod', region: 'us-east-1', tb: 2.5, storageClass: 'STANDARD', growth: 0.02, tier2PerDay: 60_000_000, tags: web(), lifecycle: true });
  s3Bucket(b, { name: 'demo-corp-logs-archive', account: 'shared', region: 'us-east-1', tb: 95, storageClass: 'GLACIER', growth: 0.05, tags: security, lifecycle: true });
  s3Bucket(b, { name: 'demo-corp-backups-euw1', account: 'prod', region: 'eu-west-1', tb: 14, storageClass: 'STANDARD', growth: 0.03, tags: null, lifecycle: false });
  s3Bucket(b, { name: 'demo-corp-athena-results', account: 'data', region: 'us-west-2', tb: 6, storageClass: 'STANDARD', growth: 0.06, tier1PerDay: 400_000, tags: null, lifecycle: false });
  s3Bucket(b, { name: 'demo-corp-cloudtrail', account: 'shared', region: 'us-east-1', tb: 4, storageClass: 'STANDARD', growth: 0.04, tier1PerDay: 1_500_000, tags: security, lifecycle: true });

  // --- RDS ----------------------------------------------------------------------------------
  rds(b, { name: 'prod-payments-db', account: 'prod', region: 'us-east-1', cls: 'db.r6g.xlarge', engine: 'mysql', multiAz: true, storageGb: 1500, tags: pay(), ri: true, cpu: [41, 78], connections: 220 });
  rds(b, { name: 'prod-catalog-db', account: 'prod', region: 'us-east-1', cls: 'db.m5.large', engine: 'postgres', multiAz: true, storageGb: 500, tags: web(), cpu: [33, 66], connections: 140 });
  rds(b, { name: 'eu-prod-db', account: 'prod', region: 'eu-west-1', cls: 'db.r6g.large', engine: 'postgres', multiAz: true, storageGb: 400, tags: pay(), cpu: [29, 57], connections: 90 });
  rds(b, { name: 'data-analytics-db', account: 'data', region: 'us-west-2', cls: 'db.r5.2xlarge', engine: 'postgres', multiAz: false, storageGb: 2000, tags: data, cpu: [6, 17], connections: 12, waste: ['rds-underutilized'] });
  rds(b, { name: 'staging-db', account: 'staging', region: 'us-west-2', cls: 'db.t3.medium', engine: 'mysql', multiAz: false, storageGb: 100, tags: pay('staging'), cpu: [1.2, 3], connections: 0.4, waste: ['idle-rds'] });
  accountMeter(b, {
    key: 'rds-backup/prod/us-east-1',
    account: 'prod',
    region: 'us-east-1',
    service: 'rds',
    usageType: 'RDS:ChargedBackupUsage',
    operation: 'CreateDBInstance',
    description: '$0.095 per additional GB-month of backup storage exceeding free allocation',
    skuMeter: 'Backup Storage',
    unit: 'GB-Months',
    price: '0.095',
    decimals: 7,
    quantity: { kind: 'monthly', perMonth: 2600, growth: 0.03 },
    tags: pay(),
  });

  // --- Lambda -------------------------------------------------------------------------------
  // Lambda Insights (memory use) is on where the teams asked for it; staging-api-handler and log-shipper run without it.
  lambda(b, { name: 'checkout-api', account: 'prod', region: 'us-east-1', memoryMb: 1024, invocationsPerDay: 2_500_000, avgMs: 120, maxMemoryUsedMb: 610, weekend: 0.6, insights: true, tags: pay() });
  lambda(b, { name: 'image-resizer', account: 'prod', region: 'us-east-1', memoryMb: 3008, invocationsPerDay: 420_000, avgMs: 800, maxMemoryUsedMb: 690, weekend: 0.7, insights: true, tags: web(), waste: ['lambda-overprovisioned-memory'] });
  lambda(b, { name: 'order-events-consumer', account: 'prod', region: 'us-east-1', memoryMb: 512, invocationsPerDay: 6_000_000, avgMs: 45, maxMemoryUsedMb: 300, weekend: 0.6, insights: true, tags: pay() });
  lambda(b, { name: 'eu-checkout-api', account: 'prod', region: 'eu-west-1', memoryMb: 1024, invocationsPerDay: 800_000, avgMs: 130, maxMemoryUsedMb: 590, weekend: 0.65, insights: true, tags: pay() });
  lambda(b, { name: 'nightly-report', account: 'data', region: 'us-west-2', memoryMb: 2048, invocationsPerDay: 1_500, avgMs: 240_000, maxMemoryUsedMb: 1700, weekend: 1, insights: true, tags: data });
  lambda(b, { name: 'staging-api-handler', account: 'staging', region: 'us-west-2', memoryMb: 1024, invocationsPerDay: 150_000, avgMs: 150, maxMemoryUsedMb: 500, weekend: 0.2, tags: pay('staging') });
  lambda(b, { name: 'log-shipper', account: 'shared', region: 'us-east-1', memoryMb: 256, invocationsPerDay: 3_000_000, avgMs: 90, maxMemoryUsedMb: 120, weekend: 0.8, tags: null });

  // --- DynamoDB -----------------------------------------------------------------------------
  for (const table of [
    { name: 'orders', wru: 38_000_000, rru: 160_000_000, gb: 900, t: pay() },
    { name: 'sessions', wru: 22_000_000, rru: 95_000_000, gb: 120, t: web() },
  ]) {
    managed(
      b,
      {
        kind: 'dynamodb-table',
        id: `arn:aws:dynamodb:us-east-1:${acct('prod')}:table/${table.name}`,
        name: table.name,
        resourceType: 'Table',
        service: 'dynamodb',
        account: 'prod',
        region: 'us-east-1',
        tags: table.t,
        config: { billingMode: 'PAY_PER_REQUEST', sizeGb: table.gb },
      },
      [
        { key: `ddb-wru/${table.name}`, usageType: 'WriteRequestUnits', operation: 'PayPerRequestThroughput', description: '$0.625 per million write request units', skuMeter: 'Write Request Units', unit: 'WriteRequestUnits', price: '0.000000625', regional: false, decimals: 0, quantity: { kind: 'usage', perDay: table.wru, growth: 0.035, weekend: 0.6, noise: 0.07 } },
        { key: `ddb-rru/${table.name}`, usageType: 'ReadRequestUnits', operation: 'PayPerRequestThroughput', description: '$0.125 per million read request units', skuMeter: 'Read Request Units', unit: 'ReadRequestUnits', price: '0.000000125', regional: false, decimals: 0, quantity: { kind: 'usage', perDay: table.rru, growth: 0.035, weekend: 0.6, noise: 0.07 } },
        { key: `ddb-storage/${table.name}`, usageType: 'TimedStorage-ByteHrs', operation: 'StandardStorage', description: '$0.25 per GB-Month of storage used beyond first 25 free GB-Months', skuMeter: 'Storage', unit: 'GB-Months', price: '0.25', decimals: 8, quantity: { kind: 'monthly', perMonth: table.gb, growth: 0.04 } },
      ],
    );
  }

  // --- CloudFront (global, 20% private pricing discount) ------------------------------------
  for (const dist of [
    { name: 'www.demo-corp.example', gb: 2000, req: 30_000_000, t: web() },
    { name: 'api.demo-corp.example', gb: 300, req: 18_000_000, t: pay() },
  ]) {
    const id = `E${alnumFrom(`cloudfront/${dist.name}`, 13)}`;
    managed(
      b,
      {
        kind: 'cloudfront-distribution',
        id: `arn:aws:cloudfront::${acct('prod')}:distribution/${id}`,
        name: dist.name,
        resourceType: 'Distribution',
        service: 'cloudfront',
        account: 'prod',
        region: null,
        tags: dist.t,
        config: { domainName: `${id.toLowerCase()}.cloudfront.net`, aliases: [dist.name], priceClass: 'PriceClass_All' },
      },
      [
        { key: `cf-bytes/${dist.name}`, usageType: '', rawUsageType: 'US-DataTransfer-Out-Bytes', operation: 'GET', description: '$0.085 per GB - first 10 TB / month data transfer out (United States)', skuMeter: 'Data Transfer', unit: 'GB', price: '0.085', contractedPermille: 800, decimals: 6, quantity: { kind: 'usage', perDay: dist.gb, growth: 0.03, weekend: 0.8, noise: 0.06 } },
        { key: `cf-req/${dist.name}`, usageType: '', rawUsageType: 'US-Requests-Tier2-HTTPS', operation: 'GET', description: '$0.0100 per 10,000 HTTPS requests (United States)', skuMeter: 'Requests', unit: 'Requests', price: '0.000001', contractedPermille: 800, decimals: 0, quantity: { kind: 'usage', perDay: dist.req, growth: 0.03, weekend: 0.8, noise: 0.06 } },
      ],
    );
  }

  // --- CloudWatch ---------------------------------------------------------------------------
  logGroup(b, { name: '/aws/eks/prod-use1/application', account: 'prod', region: 'us-east-1', ingestGbPerDay: 80, storedGb: 2100, retentionDays: 30, tags: platform() });
  logGroup(b, { name: '/aws/lambda/checkout-api', account: 'prod', region: 'us-east-1', ingestGbPerDay: 25, storedGb: 800, retentionDays: null, tags: pay() });
  logGroup(b, { name: '/ecs/eu-checkout-worker', account: 'prod', region: 'eu-west-1', ingestGbPerDay: 30, storedGb: 450, retentionDays: 14, tags: pay() });
  logGroup(b, { name: '/aws/glue/jobs', account: 'data', region: 'us-west-2', ingestGbPerDay: 18, storedGb: 1200, retentionDays: null, tags: data, weekend: 1 });
  logGroup(b, { name: '/aws/lambda/staging-api-handler', account: 'staging', region: 'us-west-2', ingestGbPerDay: 4, storedGb: 160, retentionDays: null, tags: pay('staging'), weekend: 0.3 });
  logGroup(b, { name: '/vpc/flow-logs', account: 'shared', region: 'us-east-1', ingestGbPerDay: 35, storedGb: 5200, retentionDays: null, tags: null });
  accountMeter(b, {
    key: 'cw-metrics/prod/us-east-1',
    account: 'prod',
    region: 'us-east-1',
    service: 'cloudwatch',
    usageType: 'CW:MetricMonitorUsage',
    operation: 'MetricStorage',
    description: '$0.30 per metric-month for the first 10,000 metrics',
    skuMeter: 'Metrics',
    unit: 'Metrics',
    price: '0.30',
    decimals: 8,
    quantity: { kind: 'monthly', perMonth: 4200, growth: 0.03 },
    tags: platform(),
  });

  // --- Containers: EKS, ECS on Fargate, ECR -------------------------------------------------
  for (const [account, region, name, t] of [
    ['prod', 'us-east-1', 'prod-use1', platform()],
    ['data', 'us-west-2', 'data-usw2', data],
  ] as const) {
    managed(
      b,
      { kind: 'eks-cluster', id: `arn:aws:eks:${region}:${acct(account)}:cluster/${name}`, name, resourceType: 'Cluster', service: 'eks', account, region, tags: t, config: { version: '1.31', status: 'ACTIVE' } },
      [{ key: `eks/${name}`, usageType: 'AmazonEKS-Hours:perCluster', operation: 'CreateOperation', description: '$0.10 per hour per Kubernetes cluster', skuMeter: 'Cluster', unit: 'Hours', price: '0.10', regional: false, decimals: 0, quantity: { kind: 'hours', hours: 24 } }],
    );
  }
  for (const svc of [
    { cluster: 'prod-use1', name: 'notifications', region: 'us-east-1' as const, vcpu: 24, t: web() },
    { cluster: 'prod-euw1', name: 'eu-checkout-worker', region: 'eu-west-1' as const, vcpu: 16, t: pay() },
  ]) {
    managed(
      b,
      {
        kind: 'ecs-service',
        id: `arn:aws:ecs:${svc.region}:${acct('prod')}:service/${svc.cluster}/${svc.name}`,
        name: svc.name,
        resourceType: 'Service',
        service: 'ecs',
        account: 'prod',
        region: svc.region,
        tags: svc.t,
        config: { launchType: 'FARGATE', cpuArchitecture: 'X86_64', desiredCount: svc.vcpu / 2, taskCpu: 2048, taskMemoryMb: 4096 },
      },
      [
        { key: `fargate-cpu/${svc.name}`, usageType: 'Fargate-vCPU-Hours:perCPU', operation: 'FargateTask', description: '$0.04048 per hour per vCPU for AWS Fargate Linux/X86', skuMeter: 'vCPU', unit: 'vCPU-Hours', price: '0.04048', decimals: 4, quantity: { kind: 'usage', perDay: svc.vcpu * 24, growth: 0.03, weekend: 0.6, noise: 0.05 } },
        { key: `fargate-mem/${svc.name}`, usageType: 'Fargate-GB-Hours', operation: 'FargateTask', description: '$0.004445 per GB-hour for AWS Fargate Linux/X86', skuMeter: 'Memory', unit: 'GB-Hours', price: '0.004445', decimals: 4, quantity: { kind: 'usage', perDay: svc.vcpu * 2 * 24, growth: 0.03, weekend: 0.6, noise: 0.05 } },
      ],
    );
  }
  managed(
    b,
    { kind: 'ecr-repository', id: `arn:aws:ecr:us-east-1:${acct('prod')}:repository/storefront`, name: 'storefront', resourceType: 'Repository', service: 'ecr', account: 'prod', region: 'us-east-1', tags: platform(), config: { imageCount: 1900, lifecyclePolicy: false } },
    [{ key: 'ecr/prod/storefront', usageType: 'TimedStorage-ByteHrs', operation: 'StorageUsage', description: '$0.10 per GB-month of data storage', skuMeter: 'Storage', unit: 'GB-Months', price: '0.10', decimals: 8, quantity: { kind: 'monthly', perMonth: 850, growth: 0.05 } }],
  );

  // --- Messaging, API, workflows ------------------------------------------------------------
  managed(
    b,
    { kind: 'sqs-queue', id: `arn:aws:sqs:us-east-1:${acct('prod')}:orders-queue`, name: 'orders-queue', resourceType: 'Queue', service: 'sqs', account: 'prod', region: 'us-east-1', tags: pay(), config: { fifo: false } },
    [{ key: 'sqs/prod/orders', usageType: 'Requests-Tier1', operation: 'SendMessage', description: '$0.40 per 1,000,000 Amazon SQS requests', skuMeter: 'Requests', unit: 'Requests', price: '0.0000004', regional: false, decimals: 0, quantity: { kind: 'usage', perDay: 40_000_000, growth: 0.035, weekend: 0.6, noise: 0.07 } }],
  );
  managed(
    b,
    { kind: 'sqs-queue', id: `arn:aws:sqs:us-west-2:${acct('data')}:ingest-queue`, name: 'ingest-queue', resourceType: 'Queue', service: 'sqs', account: 'data', region: 'us-west-2', tags: data, config: { fifo: false } },
    [{ key: 'sqs/data/ingest', usageType: 'Requests-Tier1', operation: 'ReceiveMessage', description: '$0.40 per 1,000,000 Amazon SQS requests', skuMeter: 'Requests', unit: 'Requests', price: '0.0000004', regional: false, decimals: 0, quantity: { kind: 'usage', perDay: 55_000_000, growth: 0.04, weekend: 0.9, noise: 0.06 } }],
  );
  managed(
    b,
    { kind: 'sns-topic', id: `arn:aws:sns:us-east-1:${acct('prod')}:order-events`, name: 'order-events', resourceType: 'Topic', service: 'sns', account: 'prod', region: 'us-east-1', tags: pay(), config: { subscriptions: 6 } },
    [
      { key: 'sns/prod/order-events', usageType: 'Requests-Tier1', operation: 'Publish', description: '$0.50 per 1 million Amazon SNS requests', skuMeter: 'Requests', unit: 'Requests', price: '0.0000005', regional: false, decimals: 0, quantity: { kind: 'usage', perDay: 30_000_000, growth: 0.035, weekend: 0.6, noise: 0.07 } },
      { key: 'sns-sms/prod/order-events', usageType: 'DeliveryAttempts-SMS', operation: 'Notification', description: '$0.00581 per SMS message delivered (US)', skuMeter: 'Notifications', unit: 'Messages', price: '0.00581', regional: false, decimals: 0, quantity: { kind: 'usage', perDay: 2500, growth: 0.03, weekend: 0.5, noise: 0.1 } },
    ],
  );
  managed(
    b,
    { kind: 'api-gateway', id: `arn:aws:apigateway:us-east-1::/restapis/${alnumFrom('apigw/prod', 10).toLowerCase()}`, name: 'public-api', resourceType: 'REST API', service: 'apigateway', account: 'prod', region: 'us-east-1', tags: pay(), config: { endpointType: 'REGIONAL', stage: 'v1' } },
    [{ key: 'apigw/prod/public-api', usageType: 'ApiGatewayRequest', operation: 'ApiGatewayRequest', description: '$3.50 per million API calls received', skuMeter: 'API Calls', unit: 'Requests', price: '0.0000035', regional: false, decimals: 0, quantity: { kind: 'usage', perDay: 12_000_000, growth: 0.035, weekend: 0.6, noise: 0.07 } }],
  );
  managed(
    b,
    { kind: 'api-gateway', id: `arn:aws:apigateway:eu-west-1::/restapis/${alnumFrom('apigw/eu', 10).toLowerCase()}`, name: 'eu-public-api', resourceType: 'REST API', service: 'apigateway', account: 'prod', region: 'eu-west-1', tags: pay(), config: { endpointType: 'REGIONAL', stage: 'v1' } },
    [{ key: 'apigw/prod/eu-public-api', usageType: 'ApiGatewayRequest', operation: 'ApiGatewayRequest', description: '$3.50 per million API calls received', skuMeter: 'API Calls', unit: 'Requests', price: '0.0000035', regional: false, decimals: 0, quantity: { kind: 'usage', perDay: 5_000_000, growth: 0.035, weekend: 0.6, noise: 0.07 } }],
  );
  managed(
    b,
    { kind: 'state-machine', id: `arn:aws:states:us-west-2:${acct('data')}:stateMachine:lake-ingestion`, name: 'lake-ingestion', resourceType: 'State Machine', service: 'stepfunctions', account: 'data', region: 'us-west-2', tags: data, config: { type: 'STANDARD' } },
    [{ key: 'sfn/data/lake-ingestion', usageType: 'StateTransition', operation: 'StartExecution', description: '$0.025 per 1,000 state transitions', skuMeter: 'State Transitions', unit: 'Transitions', price: '0.000025', regional: false, decimals: 0, quantity: { kind: 'usage', perDay: 600_000, growth: 0.04, weekend: 0.9, noise: 0.06 } }],
  );

  // --- Analytics and databases --------------------------------------------------------------
  accountMeter(b, { key: 'athena/data/us-west-2', account: 'data', region: 'us-west-2', service: 'athena', usageType: 'DataScannedInTB', operation: 'RunQuery', description: '$5.00 per TB scanned', skuMeter: 'Data Scanned', unit: 'Terabytes', price: '5', regional: false, decimals: 6, quantity: { kind: 'usage', perDay: 9.5, growth: 0.05, weekend: 0.25, noise: 0.15 }, tags: data });
  managed(
    b,
    { kind: 'glue-job', id: `arn:aws:glue:us-west-2:${acct('data')}:job/lake-curate`, name: 'lake-curate', resourceType: 'Job', service: 'glue', account: 'data', region: 'us-west-2', tags: data, config: { workerType: 'G.1X', numberOfWorkers: 10 } },
    [
      { key: 'glue-etl/data/lake-curate', usageType: 'ETL-DPU-Hour', operation: 'Jobrun', description: '$0.44 per DPU-Hour for each Apache Spark or Spark Streaming job', skuMeter: 'ETL Jobs', unit: 'DPU-Hours', price: '0.44', regional: false, decimals: 6, quantity: { kind: 'usage', perDay: 120, growth: 0.04, weekend: 0.9, noise: 0.08 } },
      { key: 'glue-crawler/data/lake-curate', usageType: 'Crawler-DPU-Hour', operation: 'CrawlerRun', description: '$0.44 per DPU-Hour for each crawler run', skuMeter: 'Crawlers', unit: 'DPU-Hours', price: '0.44', regional: false, decimals: 6, quantity: { kind: 'usage', perDay: 14, growth: 0.03, weekend: 1, noise: 0.1 } },
    ],
  );
  managed(
    b,
    { kind: 'redshift-cluster', id: `arn:aws:redshift:us-west-2:${acct('data')}:cluster:analytics`, name: 'analytics', resourceType: 'Cluster', service: 'redshift', account: 'data', region: 'us-west-2', tags: data, size: 'ra3.xlplus', config: { nodeType: 'ra3.xlplus', numberOfNodes: 4 } },
    [
      { key: 'redshift-node/data/analytics', usageType: 'Node:ra3.xlplus', operation: 'RunComputeNode:0001', description: '$1.086 per RA3 XLPlus Compute Node Hour', skuMeter: 'Compute', unit: 'Hours', price: '1.086', decimals: 0, quantity: { kind: 'hours', hours: 24 * 4 } },
      { key: 'redshift-rms/data/analytics', usageType: 'RMS:ManagedStorage', operation: 'RunComputeNode:0001', description: '$0.024 per GB-Month of Redshift Managed Storage', skuMeter: 'Managed Storage', unit: 'GB-Months', price: '0.024', decimals: 7, quantity: { kind: 'monthly', perMonth: 38_000, growth: 0.04 } },
    ],
  );
  managed(
    b,
    { kind: 'opensearch-domain', id: `arn:aws:es:us-east-1:${acct('prod')}:domain/product-search`, name: 'product-search', resourceType: 'Domain', service: 'opensearch', account: 'prod', region: 'us-east-1', tags: search, size: 'r6g.large.search', config: { instanceType: 'r6g.large.search', instanceCount: 3, storageGbPerNode: 500 } },
    [
      { key: 'es-node/prod/product-search', usageType: 'ESInstance:r6g.large', operation: 'ESDomain', description: '$0.167 per r6g.large.search instance hour (or partial hour)', skuMeter: 'Instance', unit: 'Hours', price: '0.167', decimals: 0, quantity: { kind: 'hours', hours: 24 * 3 } },
      { key: 'es-storage/prod/product-search', usageType: 'ES:GP3-Storage', operation: 'ESDomain', description: '$0.122 per GB-month of gp3 storage', skuMeter: 'Storage', unit: 'GB-Months', price: '0.122', decimals: 7, quantity: { kind: 'monthly', perMonth: 1500, growth: 0 } },
    ],
  );
  managed(
    b,
    { kind: 'elasticache-cluster', id: `arn:aws:elasticache:us-east-1:${acct('prod')}:replicationgroup:prod-sessions-cache`, name: 'prod-sessions-cache', resourceType: 'Cache Cluster', service: 'elasticache', account: 'prod', region: 'us-east-1', tags: web(), size: 'cache.r6g.large', config: { nodeType: 'cache.r6g.large', numNodes: 2, engine: 'redis' }, utilization: { cpuAvgPct: 18, cpuMaxPct: 35 } },
    [{ key: 'cache/prod/sessions', usageType: 'NodeUsage:cache.r6g.large', operation: 'CreateCacheCluster:0002', description: '$0.206 per Cache R6G Large Node Hour', skuMeter: 'Cache Node', unit: 'Hours', price: '0.206', decimals: 0, quantity: { kind: 'hours', hours: 48 } }],
  );
  managed(
    b,
    { kind: 'elasticache-cluster', id: `arn:aws:elasticache:us-west-2:${acct('staging')}:cluster:staging-cache`, name: 'staging-cache', resourceType: 'Cache Cluster', service: 'elasticache', account: 'staging', region: 'us-west-2', tags: web('staging'), size: 'cache.t3.medium', config: { nodeType: 'cache.t3.medium', numNodes: 1, engine: 'redis' }, utilization: { cpuAvgPct: 1.1, cpuMaxPct: 3 }, waste: ['idle-cache'] },
    [{ key: 'cache/staging', usageType: 'NodeUsage:cache.t3.medium', operation: 'CreateCacheCluster:0002', description: '$0.068 per Cache T3 Medium Node Hour', skuMeter: 'Cache Node', unit: 'Hours', price: '0.068', decimals: 0, quantity: { kind: 'hours', hours: 24 } }],
  );
  managed(
    b,
    { kind: 'kinesis-stream', id: `arn:aws:kinesis:us-west-2:${acct('data')}:stream/clickstream`, name: 'clickstream', resourceType: 'Stream', service: 'kinesis', account: 'data', region: 'us-west-2', tags: data, config: { streamMode: 'PROVISIONED', shards: 24 } },
    [
      { key: 'kinesis-shard/data/clickstream', usageType: 'Storage-ShardHour', operation: 'shardHourStorage', description: '$0.015 per shard hour', skuMeter: 'Shard Hours', unit: 'Hours', price: '0.015', regional: false, decimals: 0, quantity: { kind: 'hours', hours: 24 * 24 } },
      { key: 'kinesis-put/data/clickstream', usageType: 'PutRequestPayloadUnits', operation: 'PutRecord', description: '$0.014 per 1,000,000 PUT Payload Units', skuMeter: 'PUT Payload Units', unit: 'Units', price: '0.000000014', regional: false, decimals: 0, quantity: { kind: 'usage', perDay: 420_000_000, growth: 0.04, weekend: 0.7, noise: 0.06 } },
    ],
  );

  // --- Security and governance --------------------------------------------------------------
  for (const [account, region, name, requests] of [
    ['prod', 'us-east-1', 'prod-app-key', 3_500_000],
    ['data', 'us-west-2', 'data-lake-key', 1_200_000],
    ['shared', 'us-east-1', 'cloudtrail-key', 0],
  ] as const) {
    const meters: Array<Omit<MeterInput, 'account' | 'region' | 'service' | 'resource'>> = [
      { key: `kms-key/${name}`, usageType: 'KMS-Keys', operation: 'CreateKey', description: '$1 per customer managed KMS key version', skuMeter: 'Keys', unit: 'Keys', price: '1', regional: false, decimals: 8, quantity: { kind: 'monthly', perMonth: 1, growth: 0 } },
    ];
    if (requests) meters.push({ key: `kms-req/${name}`, usageType: 'KMS-Requests', operation: 'Decrypt', description: '$0.03 per 10,000 requests', skuMeter: 'Requests', unit: 'Requests', price: '0.000003', regional: false, decimals: 0, quantity: { kind: 'usage', perDay: requests, growth: 0.03, weekend: 0.7, noise: 0.07 } });
    managed(b, { kind: 'kms-key', id: `arn:aws:kms:${region}:${acct(account)}:key/${uuid(`kms/${name}`)}`, name, resourceType: 'Key', service: 'kms', account, region, tags: account === 'shared' ? security : account === 'data' ? data : platform(), config: { keyState: 'Enabled', keyManager: 'CUSTOMER', alias: `alias/${name}` } }, meters);
  }
  accountMeter(b, { key: 'secrets/prod', account: 'prod', region: 'us-east-1', service: 'secrets', usageType: 'AWSSecretsManager-Secrets', operation: 'StoreSecret', description: '$0.40 per secret per month', skuMeter: 'Secrets', unit: 'Secrets', price: '0.40', regional: false, decimals: 8, quantity: { kind: 'monthly', perMonth: 64, growth: 0.03 } });
  accountMeter(b, { key: 'secrets-api/prod', account: 'prod', region: 'us-east-1', service: 'secrets', usageType: 'AWSSecretsManager-APIRequest', operation: 'GetSecretValue', description: '$0.05 per 10,000 API requests', skuMeter: 'API Requests', unit: 'Requests', price: '0.000005', regional: false, decimals: 0, quantity: { kind: 'usage', perDay: 2_400_000, growth: 0.03, weekend: 0.7, noise: 0.06 } });
  for (const account of ['prod', 'data', 'shared'] as const) {
    const region = account === 'data' ? 'us-west-2' : 'us-east-1';
    accountMeter(b, { key: `config/${account}`, account, region, service: 'config', usageType: 'ConfigurationItemRecorded', operation: 'ConfigurationItemRecorded', description: '$0.003 per Configuration Item recorded', skuMeter: 'Configuration Items', unit: 'ConfigurationItem', price: '0.003', regional: false, decimals: 0, quantity: { kind: 'usage', perDay: account === 'prod' ? 4000 : 1500, growth: 0.03, weekend: 0.5, noise: 0.12 } });
    accountMeter(b, { key: `guardduty/${account}`, account, region, service: 'guardduty', usageType: 'PaidEventsAnalyzed', operation: 'CloudTrailAnalysis', description: '$4.00 per one million CloudTrail management events analyzed', skuMeter: 'CloudTrail Events', unit: 'Events', price: '0.000004', regional: false, decimals: 0, quantity: { kind: 'usage', perDay: account === 'prod' ? 1_500_000 : 500_000, growth: 0.03, weekend: 0.6, noise: 0.07 } });
  }
  accountMeter(b, { key: 'guardduty-flow/prod', account: 'prod', region: 'us-east-1', service: 'guardduty', usageType: 'PaidVpcFlowLogsAnalyzed', operation: 'VpcFlowLogsAnalysis', description: '$1.00 per GB for the first 500 GB/month of VPC Flow Logs analyzed', skuMeter: 'VPC Flow Logs', unit: 'GB', price: '1', regional: false, decimals: 6, quantity: { kind: 'usage', perDay: 48, growth: 0.03, weekend: 0.7, noise: 0.07 } });
  accountMeter(b, { key: 'cloudtrail/shared', account: 'shared', region: 'us-east-1', service: 'cloudtrail', usageType: 'PaidEventsRecorded', operation: 'DataEvent', description: '$0.10 per 100,000 data events recorded', skuMeter: 'Data Events', unit: 'Events', price: '0.000001', regional: false, decimals: 0, quantity: { kind: 'usage', perDay: 12_000_000, growth: 0.03, weekend: 0.7, noise: 0.06 } });
  managed(
    b,
    { kind: 'waf-web-acl', id: `arn:aws:wafv2:us-east-1:${acct('prod')}:regional/webacl/prod-web-acl/${uuid('waf/prod-web-acl')}`, name: 'prod-web-acl', resourceType: 'Web ACL', service: 'waf', account: 'prod', region: 'us-east-1', tags: security, config: { rules: 12 } },
    [
      { key: 'waf-acl/prod', usageType: 'WebACL', operation: 'WebACLV2', description: '$5.00 per web ACL per month (prorated hourly)', skuMeter: 'Web ACL', unit: 'WebACL', price: '5', regional: false, decimals: 8, quantity: { kind: 'monthly', perMonth: 1, growth: 0 } },
      { key: 'waf-rules/prod', usageType: 'Rule', operation: 'RuleV2', description: '$1.00 per rule per month (prorated hourly)', skuMeter: 'Rules', unit: 'Rules', price: '1', regional: false, decimals: 8, quantity: { kind: 'monthly', perMonth: 12, growth: 0 } },
      { key: 'waf-req/prod', usageType: 'Request', operation: 'Request', description: '$0.60 per million requests', skuMeter: 'Requests', unit: 'Requests', price: '0.0000006', regional: false, decimals: 0, quantity: { kind: 'usage', perDay: 40_000_000, growth: 0.03, weekend: 0.7, noise: 0.06 } },
    ],
  );

  // --- Backup and DNS -----------------------------------------------------------------------
  for (const [region, gb] of [
    ['us-east-1', 16_000],
    ['eu-west-1', 3_500],
  ] as const) {
    managed(
      b,
      { kind: 'backup-vault', id: `arn:aws:backup:${region}:${acct('prod')}:backup-vault:prod-${region}`, name: `prod-${region}`, resourceType: 'Backup Vault', service: 'backup', account: 'prod', region, tags: platform(), config: { recoveryPoints: 420 } },
      [{ key: `backup/prod/${region}`, usageType: 'WarmStorage-ByteHrs-EBS', operation: 'Storage', description: '$0.05 per GB-Month of EBS backup warm storage', skuMeter: 'Warm Storage', unit: 'GB-Months', price: '0.05', decimals: 8, quantity: { kind: 'monthly', perMonth: gb, growth: 0.03 } }],
    );
  }
  for (const zone of ['demo-corp.example', 'internal.demo-corp.example']) {
    managed(
      b,
      { kind: 'hosted-zone', id: `arn:aws:route53:::hostedzone/Z${alnumFrom(`zone/${zone}`, 20)}`, name: zone, resourceType: 'Hosted Zone', service: 'route53', account: 'shared', region: null, tags: platform(), config: { privateZone: zone.startsWith('internal'), recordCount: 180 } },
      [{ key: `r53-zone/${zone}`, usageType: '', rawUsageType: 'HostedZone', operation: '', description: '$0.50 per Hosted Zone for the first 25 Hosted Zones', skuMeter: 'Hosted Zones', unit: 'HostedZone', price: '0.50', decimals: 8, quantity: { kind: 'monthly', perMonth: 1, growth: 0 } }],
    );
  }
  accountMeter(b, { key: 'r53-queries/shared', account: 'shared', region: null, service: 'route53', usageType: '', rawUsageType: 'DNS-Queries', operation: 'A', description: '$0.40 per 1,000,000 queries for the first 1 Billion queries', skuMeter: 'DNS Queries', unit: 'Queries', price: '0.0000004', decimals: 0, quantity: { kind: 'usage', perDay: 45_000_000, growth: 0.03, weekend: 0.7, noise: 0.05 }, tags: platform() });

  // --- Anomaly resources: a forgotten load test in eu-west-1 (see anomalies.ts) --------------
  for (let i = 1; i <= 8; i++) {
    ec2(b, { name: `eu-loadtest-${i}`, account: 'prod', region: 'eu-west-1', az: 'abc'[i % 3], type: 'c5.9xlarge', tags: platform(), since: 12, until: 9, cpu: [78, 99] });
  }

  // --- Commitments --------------------------------------------------------------------------
  const savingsPlan = b.resource({
    kind: 'savings-plan',
    id: `arn:aws:savingsplans::${acct('management')}:savingsplan/${uuid('sp/compute-1')}`,
    name: 'Compute Savings Plan (1 year, No Upfront)',
    resourceType: 'Savings Plan',
    service: 'savingsplans',
    account: 'management',
    region: null,
    tags: null,
    config: { savingsPlanType: 'Compute', paymentOption: 'No Upfront', termYears: 1, commitmentPerHour: '3.4', discountPercent: 28 },
  });
  const rdsReservedInstance = b.resource({
    kind: 'reserved-instance',
    id: `arn:aws:rds:us-east-1:${acct('prod')}:ri:prod-payments-db-ri`,
    name: 'RDS Reserved Instance db.r6g.xlarge Multi-AZ MySQL (1 year, All Upfront)',
    resourceType: 'Reserved Instance',
    service: 'rds',
    account: 'prod',
    region: 'us-east-1',
    tags: pay(),
    size: 'db.r6g.xlarge',
    config: { offeringType: 'All Upfront', termYears: 1, multiAz: true, productDescription: 'mysql', effectiveHourlyRate: '0.5332' },
  });

  // --- Scale-out fleet for large benchmark files (rowsTarget) -------------------------------
  const baseMeters = b.meters.length;
  const regions: RegionKey[] = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'];
  for (let i = 0; i < fleetSize; i++) {
    const n = String(i + 1).padStart(5, '0');
    ec2(b, {
      name: `batch-worker-${n}`,
      account: 'data',
      region: regions[i % regions.length]!,
      az: 'abc'[i % 3],
      type: FLEET_INSTANCE_TYPE,
      tags: tags('data-platform', 'prod', { app: 'batch-fleet' }),
      rootGb: 100,
      cpu: [62, 94],
    });
  }
  return { resources: b.resources, meters: b.meters, fleetMeterCount: b.meters.length - baseMeters, savingsPlan, rdsReservedInstance };
}
