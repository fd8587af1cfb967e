import type { MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { LogGroup } from '@aws-sdk/client-cloudwatch-logs';
import type { Address, Instance, InstanceTypeInfo, NatGateway, Snapshot, Volume } from '@aws-sdk/client-ec2';
import type { LoadBalancer, TargetGroup, TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { DBInstance } from '@aws-sdk/client-rds';
import type { PermissionCheck } from '../accounts/model.js';

/**
 * Port: what the collection workflow and the connection test ask of a connected AWS account. The
 * answers keep the AWS APIs' own shapes (the SDK's types), so the raw snapshot stored is what AWS
 * said and one normalizer (normalize.ts) serves every provider. In AWS the collectors implement it
 * with SDK v3 clients (functions/collect/aws/), split by client so each Lambda bundle stays small;
 * locally the recorded demo account answers (local/demo/inventory.ts).
 */
export interface AccountTarget {
  accountId: string;
  roleArn: string;
  externalId: string;
  /** The tenant, for the role session's name (CloudTrail in the customer's account shows it). */
  tenantId: string;
}

/** A call refused or failed for one service in one region; the rest of the collection goes on. */
export interface CollectWarning {
  region: string;
  service: string;
  code: string;
  message: string;
}

export interface Ec2Inventory {
  region: string;
  Instances: Instance[];
  Volumes: Volume[];
  Snapshots: Snapshot[];
  Addresses: Address[];
  NatGateways: NatGateway[];
  /** DescribeInstanceTypes for the types in use: vCPUs, memory, architectures. */
  InstanceTypes: InstanceTypeInfo[];
  warnings: CollectWarning[];
}

export type CollectedTargetGroup = TargetGroup & { TargetHealthDescriptions: TargetHealthDescription[] };

export interface ServicesInventory {
  region: string;
  LoadBalancers: Array<LoadBalancer & { TargetGroups: CollectedTargetGroup[] }>;
  DBInstances: DBInstance[];
  Functions: FunctionConfiguration[];
  LogGroups: LogGroup[];
  warnings: CollectWarning[];
}

export interface CollectedBucket {
  Name: string;
  CreationDate: string | null;
  /** GetBucketLocation, with us-east-1 for the empty answer. */
  Region: string;
  /** Rules in GetBucketLifecycleConfiguration; 0 when it has none; null when it could not be read. */
  LifecycleRules: number | null;
}

export interface BucketsInventory {
  Buckets: CollectedBucket[];
  warnings: CollectWarning[];
}

export interface AccessCheck {
  /** AssumeRole with the ExternalId succeeded and the role is in the expected account. */
  assumed: boolean;
  error: { code: string; message: string } | null;
  permissions: PermissionCheck[];
}

export interface AccountConnection {
  /** The account the assumed role belongs to (GetCallerIdentity). */
  accountId: string;
  /** Regions enabled in the account (DescribeRegions). */
  regions: string[];
}

export interface AccessSource {
  checkAccess(target: AccountTarget): Promise<AccessCheck>;
}
export interface Ec2Source {
  connect(target: AccountTarget): Promise<AccountConnection>;
  ec2(target: AccountTarget, region: string): Promise<Ec2Inventory>;
}
export interface ServicesSource {
  services(target: AccountTarget, region: string): Promise<ServicesInventory>;
}
export interface BucketsSource {
  buckets(target: AccountTarget): Promise<BucketsInventory>;
}
export interface MetricsSource {
  /** GetMetricData over [start, end), every page. */
  metrics(target: AccountTarget, region: string, queries: MetricDataQuery[], start: Date, end: Date): Promise<MetricDataResult[]>;
}

export type InventoryProvider = AccessSource & Ec2Source & ServicesSource & BucketsSource & MetricsSource;

/** An account the provider could not reach (AssumeRole refused, wrong account): fails that account only. */
export class AccountAccessError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AccountAccessError';
  }
}

let local: InventoryProvider | undefined;

/** The local platform registers the recorded demo account here; in AWS nothing does. */
export function useLocalInventoryProvider(provider: InventoryProvider): void {
  local = provider;
}

export function localInventoryProvider(): InventoryProvider | undefined {
  return local;
}
