import type { InventoryResource, ResourceType } from '../inventory/model.js';

/**
 * Optimization recommendations: the one model the rule engine (shared/recommendations/rules/),
 * the store and API (functions/recommendations/) and the console share. Field names follow AWS Cost
 * Optimization Hub where it has one, so users and tools recognise them.
 *
 * Money is exact: decimal strings in USD (the price table's and the tenant's billing currency),
 * computed with shared/money.ts, never floats.
 */

/** Cost Optimization Hub's actionType values (plus the ones our own rules need). */
export const ACTION_TYPES = [
  'Rightsize',
  'Stop',
  'Delete',
  'Upgrade',
  'MigrateToGraviton',
  'PurchaseSavingsPlans',
  'PurchaseReservedInstances',
  'SetRetention',
  'AddLifecyclePolicy',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** Cost Optimization Hub's implementationEffort scale. */
export const EFFORTS = ['VeryLow', 'Low', 'Medium', 'High', 'VeryHigh'] as const;
export type Effort = (typeof EFFORTS)[number];

export const RISKS = ['low', 'medium', 'high'] as const;
export type Risk = (typeof RISKS)[number];

export const CATEGORIES = ['compute', 'storage', 'network', 'database', 'serverless', 'logging', 'commitments'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Well-Architected pillar the rule belongs to. */
export const PILLARS = ['cost-optimization', 'performance-efficiency', 'sustainability', 'operational-excellence'] as const;
export type Pillar = (typeof PILLARS)[number];

/** open -> snoozed (until a date) | dismissed (with reason) | applied; resolved when the condition went away without us. */
export const RECOMMENDATION_STATUSES = ['open', 'snoozed', 'dismissed', 'applied', 'resolved'] as const;
export type RecommendationStatus = (typeof RECOMMENDATION_STATUSES)[number];

/** Where a finding came from: our rules, or imported from the account's AWS services. */
export const RECOMMENDATION_SOURCES = ['cloudoptima', 'cost-optimization-hub', 'compute-optimizer'] as const;
export type RecommendationSource = (typeof RECOMMENDATION_SOURCES)[number];

/** How a price was found: the tenant's own billed cost for the resource, its effective rate, a public list price. */
export const PRICE_BASES = ['billed-resource-cost', 'effective-rate', 'list-price'] as const;
export type PriceBasis = (typeof PRICE_BASES)[number];

/** One row of the rule catalog (GET /v1/recommendations/rules and the README table). */
export interface RuleDefinition {
  id: string; // kebab-case, stable: 'ec2-idle', 'ebs-gp2-to-gp3', ...
  title: string;
  category: Category;
  pillar: Pillar;
  resourceType: ResourceType | 'account';
  actionType: ActionType;
  risk: Risk;
  effort: Effort;
  restartNeeded: boolean;
  rollbackPossible: boolean;
  description: string;
  /** How the savings are computed, in words (shown in the catalog and the detail page). */
  savingsMethod: string;
}

/** Before/after of the resource: what a remediation would change. */
export interface ResourceSummary {
  /** e.g. 'm5.2xlarge', 'gp2 500 GiB', '1024 MB x86_64', 'running', 'no retention'. */
  summary: string;
  /** Monthly cost of this configuration, exact decimal USD string. */
  monthlyCost: string;
  /** The configuration values that differ (instanceType, volumeType, memoryMB, architecture...). */
  config: Record<string, string | number | boolean | null>;
}

/** What a rule produces for one resource (the store adds id, status, timestamps and lifecycle). */
export interface Finding {
  ruleId: string;
  resourceId: string;
  resourceType: ResourceType | 'account';
  accountId: string;
  region: string;
  resourceName: string | null;
  actionType: ActionType;
  /** One sentence with the evidence: "CPU max of daily averages 3.1% over 30 days (threshold 20%)". */
  reason: string;
  current: ResourceSummary;
  recommended: ResourceSummary;
  /** current.monthlyCost - recommended.monthlyCost, exact decimal string, > 0. */
  estimatedMonthlySavings: string;
  /** 12 x monthly. */
  estimatedAnnualSavings: string;
  /** savings / current cost x 100, 2 decimals ("37.50"). */
  estimatedSavingsPercentage: string;
  currency: 'USD';
  priceBasis: PriceBasis;
  /** Where the prices came from, e.g. "AWS Price List API via karpenter ... us-east-1" or "billing data 2026-10". */
  priceSource: string;
  /** The steps a remediation would take, in order (also the dry-run plan of the remediation issue). */
  actions: string[];
  risk: Risk;
  effort: Effort;
  restartNeeded: boolean;
  rollbackPossible: boolean;
  source: RecommendationSource;
  /**
   * Imported sources that report the same resource and action type: their finding was dropped as a
   * duplicate of this one (shared/recommendations/imports.ts mergeImported). Absent when none do.
   */
  alsoReportedBy?: RecommendationSource[];
  /** Owner inferred from the tenant's owner tag (settings.ownerTag), if the resource has it. */
  inferredOwner: string | null;
}

/** Per-tenant thresholds (GET/PATCH /v1/recommendations/settings), defaults in DEFAULT_RECOMMENDATION_SETTINGS. */
export interface RecommendationSettings {
  /** EC2 idle: max of daily average CPU below this % and network below idleNetworkBytesPerDay. */
  ec2IdleCpuPercent: number;
  /** EC2 low utilization (rightsizing): max of daily average CPU below this % over the window. */
  ec2LowCpuPercent: number;
  idleNetworkBytesPerDay: number;
  snapshotMaxAgeDays: number;
  rdsIdleMaxConnections: number;
  rdsLowCpuPercent: number;
  lambdaMemoryUsedPercent: number;
  loadBalancerIdleRequestsPerDay: number;
  natIdleBytesPerDay: number;
  s3LifecycleMinGiB: number;
  /** Tag whose value names a resource's owner (person or team). */
  ownerTag: string;
  /** Rules switched off for this tenant. */
  disabledRules: string[];
}

export const DEFAULT_RECOMMENDATION_SETTINGS: RecommendationSettings = {
  ec2IdleCpuPercent: 5,
  ec2LowCpuPercent: 20,
  idleNetworkBytesPerDay: 5 * 1024 * 1024,
  snapshotMaxAgeDays: 90,
  rdsIdleMaxConnections: 2,
  rdsLowCpuPercent: 20,
  lambdaMemoryUsedPercent: 50,
  loadBalancerIdleRequestsPerDay: 100,
  natIdleBytesPerDay: 1024 * 1024 * 1024,
  s3LifecycleMinGiB: 500,
  ownerTag: 'team',
  disabledRules: [],
};

/** The resource's own cost from billing data (last full 30 days), when the billing has its resource id. */
export interface ResourceCost {
  resourceId: string;
  /** Billed cost over `days`, exact decimal string. */
  billed: string;
  /** Effective (amortized, after discounts) cost over the same days. */
  effective: string;
  /** List (public on-demand) cost over the same days. */
  list: string;
  days: number;
  currency: string;
}

/** Everything a rule may read besides the resource: one analysis run's context. */
export interface RuleContext {
  /** The analysis day (yyyy-mm-dd): ages are measured from here, never from the clock. */
  today: string;
  settings: RecommendationSettings;
  prices: PriceBook;
  /** Resource costs from billing, by resource id (a subset: not every resource appears in billing). */
  costs: ReadonlyMap<string, ResourceCost>;
  /** All resources of the run, by id (rules that look across resources: snapshot of a deleted volume, EIP of a stopped instance). */
  resources: ReadonlyMap<string, InventoryResource>;
  /**
   * The tenant's effective/list ratio by service where billing shows negotiated discounts
   * (e.g. 'AmazonEC2' -> '0.82'), exact decimal strings; absent means list price.
   */
  effectiveRates: ReadonlyMap<string, string>;
}

/** Public prices, by region. Locally a bundled table; in AWS the Price List API behind the same interface. */
export interface PriceBook {
  /** Where the prices came from, for Finding.priceSource. */
  source(region: string): string;
  /** Hourly on-demand Linux price of an instance type, decimal string USD, or null if unknown. */
  ec2Hourly(instanceType: string, region: string): string | null;
  /** Monthly price of an EBS volume type per GiB, and per provisioned IOPS / throughput where billed. */
  ebsMonthly(volumeType: string, region: string): { perGiB: string; perIops: string | null; perMiBps: string | null } | null;
  snapshotMonthlyPerGiB(region: string): string | null;
  /** Hourly price of an idle (unassociated) public IPv4 address. */
  publicIpv4Hourly(region: string): string | null;
  natGatewayHourly(region: string): string | null;
  loadBalancerHourly(kind: 'application' | 'network' | 'gateway' | 'classic', region: string): string | null;
  rdsHourly(instanceClass: string, engine: string, multiAz: boolean, region: string): string | null;
  /** Lambda price per GB-second by architecture. */
  lambdaGbSecond(architecture: 'x86_64' | 'arm64', region: string): string | null;
  s3MonthlyPerGiB(storageClass: string, region: string): string | null;
  logsMonthlyPerGiBStored(region: string): string | null;
}

/** A rule: pure, deterministic, at most one finding per (resource, rule). */
export type Rule =
  | {
      definition: RuleDefinition;
      scope: 'resource';
      /** Called for each resource of definition.resourceType. */
      evaluate(resource: InventoryResource, context: RuleContext): Finding | null;
    }
  | {
      definition: RuleDefinition;
      scope: 'account';
      /** Called once per account with all its resources (coverage gaps, purchase simulations); resourceId is the account id. */
      evaluateAccount(accountId: string, resources: readonly InventoryResource[], context: RuleContext): Finding[];
    };

/** Hours in a month, as AWS's price calculator counts them (730). */
export const HOURS_PER_MONTH = 730;
