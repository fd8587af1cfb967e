import type { MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { MetricSummary } from './model.js';
import type { NormalizedResource } from './normalize.js';

/**
 * The utilization each resource type is collected with: daily CloudWatch statistics over the last
 * COLLECTION_DAYS days, the window the recommendation thresholds are defined on (e.g. "max of
 * daily average CPU < 20 % over 30 days").
 */
export const COLLECTION_DAYS = 30;
const DAY_SECONDS = 86_400;
/** GetMetricData takes at most 500 queries per request. */
export const MAX_QUERIES_PER_REQUEST = 500;

interface MetricSpec {
  key: string;
  namespace: string;
  metric: string;
  stat: 'Average' | 'Maximum' | 'Sum';
  unit: string;
  dimensions: (r: NormalizedResource) => Array<{ Name: string; Value: string }> | null;
}

const dim = (name: string, value: unknown) => (typeof value === 'string' && value ? [{ Name: name, Value: value }] : null);

const SPECS: Partial<Record<NormalizedResource['type'], MetricSpec[]>> = {
  'ec2-instance': [
    { key: 'cpu', namespace: 'AWS/EC2', metric: 'CPUUtilization', stat: 'Average', unit: 'Percent', dimensions: (r) => dim('InstanceId', r.resourceId) },
    { key: 'cpuMax', namespace: 'AWS/EC2', metric: 'CPUUtilization', stat: 'Maximum', unit: 'Percent', dimensions: (r) => dim('InstanceId', r.resourceId) },
    { key: 'networkIn', namespace: 'AWS/EC2', metric: 'NetworkIn', stat: 'Sum', unit: 'Bytes', dimensions: (r) => dim('InstanceId', r.resourceId) },
    { key: 'networkOut', namespace: 'AWS/EC2', metric: 'NetworkOut', stat: 'Sum', unit: 'Bytes', dimensions: (r) => dim('InstanceId', r.resourceId) },
  ],
  'ebs-volume': [
    { key: 'readOps', namespace: 'AWS/EBS', metric: 'VolumeReadOps', stat: 'Sum', unit: 'Count', dimensions: (r) => dim('VolumeId', r.resourceId) },
    { key: 'writeOps', namespace: 'AWS/EBS', metric: 'VolumeWriteOps', stat: 'Sum', unit: 'Count', dimensions: (r) => dim('VolumeId', r.resourceId) },
  ],
  'rds-instance': [
    { key: 'cpu', namespace: 'AWS/RDS', metric: 'CPUUtilization', stat: 'Average', unit: 'Percent', dimensions: (r) => dim('DBInstanceIdentifier', r.config.dbInstanceIdentifier) },
    { key: 'cpuMax', namespace: 'AWS/RDS', metric: 'CPUUtilization', stat: 'Maximum', unit: 'Percent', dimensions: (r) => dim('DBInstanceIdentifier', r.config.dbInstanceIdentifier) },
    { key: 'connections', namespace: 'AWS/RDS', metric: 'DatabaseConnections', stat: 'Average', unit: 'Count', dimensions: (r) => dim('DBInstanceIdentifier', r.config.dbInstanceIdentifier) },
    { key: 'readIops', namespace: 'AWS/RDS', metric: 'ReadIOPS', stat: 'Average', unit: 'Count/Second', dimensions: (r) => dim('DBInstanceIdentifier', r.config.dbInstanceIdentifier) },
    { key: 'writeIops', namespace: 'AWS/RDS', metric: 'WriteIOPS', stat: 'Average', unit: 'Count/Second', dimensions: (r) => dim('DBInstanceIdentifier', r.config.dbInstanceIdentifier) },
  ],
  'lambda-function': [
    { key: 'invocations', namespace: 'AWS/Lambda', metric: 'Invocations', stat: 'Sum', unit: 'Count', dimensions: (r) => dim('FunctionName', r.config.functionName) },
    { key: 'duration', namespace: 'AWS/Lambda', metric: 'Duration', stat: 'Average', unit: 'Milliseconds', dimensions: (r) => dim('FunctionName', r.config.functionName) },
    // CloudWatch Lambda Insights (the function's extension layer): daily peak of memory used / configured.
    // Functions without Lambda Insights have no such metric: CloudWatch answers an empty series, a "no data" summary.
    { key: 'memoryUtilization', namespace: 'LambdaInsights', metric: 'memory_utilization', stat: 'Maximum', unit: 'Percent', dimensions: (r) => dim('function_name', r.config.functionName) },
  ],
  'load-balancer': [
    {
      key: 'requests',
      namespace: 'AWS/ApplicationELB',
      metric: 'RequestCount',
      stat: 'Sum',
      unit: 'Count',
      dimensions: (r) => (r.config.type === 'application' ? dim('LoadBalancer', r.config.metricDimension) : null),
    },
    {
      key: 'flows',
      namespace: 'AWS/NetworkELB',
      metric: 'NewFlowCount',
      stat: 'Sum',
      unit: 'Count',
      dimensions: (r) => (r.config.type === 'network' ? dim('LoadBalancer', r.config.metricDimension) : null),
    },
  ],
  'nat-gateway': [
    { key: 'bytesOut', namespace: 'AWS/NATGateway', metric: 'BytesOutToDestination', stat: 'Sum', unit: 'Bytes', dimensions: (r) => dim('NatGatewayId', r.resourceId) },
    { key: 'connections', namespace: 'AWS/NATGateway', metric: 'ActiveConnectionCount', stat: 'Maximum', unit: 'Count', dimensions: (r) => dim('NatGatewayId', r.resourceId) },
  ],
  's3-bucket': [
    {
      key: 'standardBytes',
      namespace: 'AWS/S3',
      metric: 'BucketSizeBytes',
      stat: 'Average',
      unit: 'Bytes',
      dimensions: (r) => [
        { Name: 'BucketName', Value: r.resourceId },
        { Name: 'StorageType', Value: 'StandardStorage' },
      ],
    },
  ],
};

export interface PlannedMetric {
  /** The GetMetricData query id (`m<n>`). */
  id: string;
  resourceIndex: number;
  key: string;
  label: string;
  unit: string;
}

/** The GetMetricData queries for these resources (all of one region), and what each one is. */
export function planMetrics(resources: NormalizedResource[]): { queries: MetricDataQuery[]; planned: PlannedMetric[] } {
  const queries: MetricDataQuery[] = [];
  const planned: PlannedMetric[] = [];
  resources.forEach((r, resourceIndex) => {
    for (const spec of SPECS[r.type] ?? []) {
      const dimensions = spec.dimensions(r);
      if (!dimensions) continue;
      const id = `m${queries.length}`;
      queries.push({
        Id: id,
        MetricStat: { Metric: { Namespace: spec.namespace, MetricName: spec.metric, Dimensions: dimensions }, Period: DAY_SECONDS, Stat: spec.stat },
        ReturnData: true,
      });
      planned.push({ id, resourceIndex, key: spec.key, label: `${spec.namespace} ${spec.metric} ${spec.stat}`, unit: spec.unit });
    }
  });
  return { queries, planned };
}

/** The collection window: COLLECTION_DAYS whole UTC days ending at the start of `now`'s day. */
export function collectionWindow(now: Date): { start: Date; end: Date; days: string[] } {
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const start = new Date(end.getTime() - COLLECTION_DAYS * DAY_SECONDS * 1000);
  const days = Array.from({ length: COLLECTION_DAYS }, (_, i) => new Date(start.getTime() + i * DAY_SECONDS * 1000).toISOString().slice(0, 10));
  return { start, end, days };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** Daily points (whatever order CloudWatch returned them in) -> one value per day of the window. */
export function summarize(planned: PlannedMetric, result: MetricDataResult | undefined, days: string[]): MetricSummary {
  const byDay = new Map<string, number>();
  (result?.Timestamps ?? []).forEach((t, i) => {
    const value = result?.Values?.[i];
    if (value !== undefined) byDay.set(new Date(t).toISOString().slice(0, 10), value);
  });
  const daily = days.map((d) => (byDay.has(d) ? round(byDay.get(d)!) : null));
  const values = daily.filter((v): v is number => v !== null);
  return {
    metric: planned.label,
    unit: planned.unit,
    average: values.length ? round(values.reduce((a, b) => a + b, 0) / values.length) : null,
    maximum: values.length ? Math.max(...values) : null,
    days: values.length,
    daily,
  };
}
