/**
 * Normalized inventory: one shape for every collected resource, whatever the provider (AWS or the
 * recorded demo account), so the recommendation rules read one model.
 */
export const RESOURCE_TYPES = [
  'ec2-instance',
  'ebs-volume',
  'ebs-snapshot',
  'elastic-ip',
  'load-balancer',
  'nat-gateway',
  'rds-instance',
  'lambda-function',
  's3-bucket',
  'log-group',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export type ConfigValue = string | number | boolean | null | string[];

/** Summary of one metric over the collection window (daily points; null where nothing was reported). */
export interface MetricSummary {
  /** CloudWatch namespace/metric and statistic, e.g. `AWS/EC2 CPUUtilization Average`. */
  metric: string;
  unit: string;
  /** Mean of the daily values. */
  average: number | null;
  /** Highest daily value (of the daily statistic: the max of daily averages for Average). */
  maximum: number | null;
  /** Days with a value. */
  days: number;
  /** One value per day, oldest first, null where the day had no datapoint. */
  daily: Array<number | null>;
}

export interface InventoryResource {
  /** The provider's id: instance id, volume id, ARN, bucket name... */
  resourceId: string;
  type: ResourceType;
  accountId: string;
  region: string;
  name: string | null;
  /** The provider's state: running, stopped, available, in-use, active... */
  state: string | null;
  /** Instance type, volume type, DB class, memory size... the size dimension rules change. */
  size: string | null;
  createdAt: string | null;
  tags: Record<string, string>;
  config: Record<string, ConfigValue>;
  /** Keyed by a short name: cpu, networkIn, connections, invocations, ... */
  metrics: Record<string, MetricSummary>;
  /** The collection that last saw it. */
  collectedAt: string;
  runId: string;
}
