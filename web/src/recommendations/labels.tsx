import type { z } from 'zod';
import type {
  recommendationDetail,
  recommendationImpact,
  recommendationSettings,
  recommendationSummary,
  recommendationTotals,
  resourceDetail,
  resourceSummaryView,
  ruleCatalogEntry,
} from '#shared/contracts/recommendations.js';
import type { ActionType, Category, Effort, PriceBasis, RecommendationSource, RecommendationStatus, Risk } from '#shared/recommendations/model.js';
import type { ResourceType } from '#shared/inventory/model.js';
import { Badge } from '../ui/index.js';

export type Recommendation = z.output<typeof recommendationSummary>;
export type RecommendationDetail = z.output<typeof recommendationDetail>;
export type Impact = z.output<typeof recommendationImpact>;
export type Totals = z.output<typeof recommendationTotals>;
export type Rule = z.output<typeof ruleCatalogEntry>;
export type Settings = z.output<typeof recommendationSettings>;
export type ResourceRow = z.output<typeof resourceSummaryView>;
export type ResourceDetail = z.output<typeof resourceDetail>;

/** How the console names the API's vocabulary. */
export const CATEGORY_LABELS: Record<Category, string> = {
  compute: 'Compute',
  storage: 'Storage',
  network: 'Network',
  database: 'Database',
  serverless: 'Serverless',
  logging: 'Logging',
  commitments: 'Commitments',
};

export const ACTION_LABELS: Record<ActionType, string> = {
  Rightsize: 'Rightsize',
  Stop: 'Stop',
  Delete: 'Delete',
  Upgrade: 'Upgrade',
  MigrateToGraviton: 'Migrate to Graviton',
  PurchaseSavingsPlans: 'Purchase Savings Plans',
  PurchaseReservedInstances: 'Purchase Reserved Instances',
  SetRetention: 'Set retention',
  AddLifecyclePolicy: 'Add lifecycle policy',
};

export const STATUS_LABELS: Record<RecommendationStatus, string> = {
  open: 'Open',
  snoozed: 'Snoozed',
  dismissed: 'Dismissed',
  applied: 'Applied',
  resolved: 'Resolved',
};

export const RISK_LABELS: Record<Risk, string> = { low: 'Low risk', medium: 'Medium risk', high: 'High risk' };

export const EFFORT_LABELS: Record<Effort, string> = {
  VeryLow: 'Very low effort',
  Low: 'Low effort',
  Medium: 'Medium effort',
  High: 'High effort',
  VeryHigh: 'Very high effort',
};

export const SOURCE_LABELS: Record<RecommendationSource, string> = {
  cloudoptima: 'CloudOptima rules',
  'cost-optimization-hub': 'Cost Optimization Hub',
  'compute-optimizer': 'Compute Optimizer',
};

/** Where the figures' prices came from, in words. */
export const PRICE_BASIS_LABELS: Record<PriceBasis, string> = {
  'billed-resource-cost': 'from your billed cost of this resource',
  'effective-rate': 'at your effective rate (the list price with your discounts)',
  'list-price': 'at the public on-demand list price',
};

export const RESOURCE_TYPE_LABELS: Record<ResourceType | 'account', string> = {
  'ec2-instance': 'EC2 instance',
  'ebs-volume': 'EBS volume',
  'ebs-snapshot': 'EBS snapshot',
  'elastic-ip': 'Elastic IP',
  'load-balancer': 'Load balancer',
  'nat-gateway': 'NAT gateway',
  'rds-instance': 'RDS instance',
  'lambda-function': 'Lambda function',
  's3-bucket': 'S3 bucket',
  'log-group': 'Log group',
  account: 'Account',
};

const RISK_TONES: Record<Risk, 'good' | 'warn' | 'bad'> = { low: 'good', medium: 'warn', high: 'bad' };

export function RiskBadge({ risk }: { risk: Risk }) {
  return (
    <span data-risk={risk}>
      <Badge tone={RISK_TONES[risk]}>{RISK_LABELS[risk]}</Badge>
    </span>
  );
}

export function EffortBadge({ effort }: { effort: Effort }) {
  return (
    <span data-effort={effort}>
      <Badge>{EFFORT_LABELS[effort]}</Badge>
    </span>
  );
}

const STATUS_TONES: Record<RecommendationStatus, 'neutral' | 'info' | 'warn' | 'good' | 'bad'> = {
  open: 'info',
  snoozed: 'warn',
  dismissed: 'neutral',
  applied: 'good',
  resolved: 'good',
};

export function StatusBadge({ status }: { status: RecommendationStatus }) {
  return (
    <span data-status={status}>
      <Badge tone={STATUS_TONES[status]}>{STATUS_LABELS[status]}</Badge>
    </span>
  );
}

/** A configuration value in words (null: not set). */
export function configValue(value: string | number | boolean | null | readonly string[]): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
  if (Array.isArray(value)) return value.length ? value.join(', ') : '—';
  return String(value);
}

/** "instanceType" -> "Instance type", "standardGiB" -> "Standard GiB", "memoryMB" -> "Memory MB". */
export function humanizeKey(key: string): string {
  const tokens = key.match(/[KMGTP]iB|[A-Z]{2,}(?![a-z])|[A-Z]?[a-z]+\d*|\d+/g);
  if (!tokens) return key;
  return tokens
    .map((t, i) => {
      const acronym = /[A-Z]/.test(t.slice(1));
      if (acronym) return t;
      return i === 0 ? t[0]!.toUpperCase() + t.slice(1) : t.toLowerCase();
    })
    .join(' ');
}

/** Bytes in binary units: 5242880 -> "5 MiB". */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${units[unit]}`;
}
