/**
 * The cost spikes injected into the demo billing data, in time relative to the window's end.
 * The anomaly work (issue 8) evaluates its detector against them; billing.ts resolves them to
 * dates (demoAnomalies / DEMO_ANOMALIES) with their exact extra cost per day.
 */

export interface AnomalySpec {
  id: string;
  description: string;
  /** First spike day, in days before the window's end, and the number of consecutive days. */
  daysAgo: number;
  days: number;
  /**
   * extra-quantity: the meter's usage jumps by `extraUsdPerDay` (rounded to the meter's quantity
   * precision). new-resources: the meters only exist during the spike (resources launched for it);
   * their whole cost is the spike.
   */
  kind: 'extra-quantity' | 'new-resources';
  /** Catalog meter keys carrying the spike (new-resources: all of them share one usage type). */
  meterKeys: readonly string[];
  /** Extra cost per day in USD, for extra-quantity spikes. */
  extraUsdPerDay?: string;
  /** Meter keys of resources that exist only because of the spike but are not part of its usage type (their volumes). */
  companionMeterKeys?: readonly string[];
}

const loadtest = Array.from({ length: 8 }, (_, i) => `ec2/prod/eu-loadtest-${i + 1}`);
const loadtestVolumes = Array.from({ length: 8 }, (_, i) => `ebs/prod/eu-loadtest-${i + 1}-root`);

export const ANOMALY_SPECS: readonly AnomalySpec[] = [
  {
    id: 'ec2-loadtest-euw1',
    description: 'A load test in eu-west-1 launched 8 c5.9xlarge instances and ran for 3 days before anyone noticed',
    daysAgo: 12,
    days: 3,
    kind: 'new-resources',
    meterKeys: loadtest,
    companionMeterKeys: loadtestVolumes,
  },
  {
    id: 'nat-bytes-use1',
    description: 'A batch job pulled a dataset through the prod NAT gateway instead of the S3 gateway endpoint',
    daysAgo: 47,
    days: 2,
    kind: 'extra-quantity',
    meterKeys: ['nat-bytes/prod/prod-use1-nat-a'],
    extraUsdPerDay: '300',
  },
  {
    id: 'lambda-recursion-usw2',
    description: 'A recursive invocation loop in the staging API handler',
    daysAgo: 83,
    days: 1,
    kind: 'extra-quantity',
    meterKeys: ['lambda-gbs/staging/staging-api-handler'],
    extraUsdPerDay: '180',
  },
  {
    id: 's3-requests-data-lake',
    description: 'A misconfigured backfill wrote millions of small objects to the raw data lake',
    daysAgo: 131,
    days: 2,
    kind: 'extra-quantity',
    meterKeys: ['s3-tier1/data/demo-corp-data-lake-raw'],
    extraUsdPerDay: '250',
  },
  {
    id: 'cloudwatch-logs-euw1',
    description: 'Debug logging left on in the EU checkout worker',
    daysAgo: 205,
    days: 4,
    kind: 'extra-quantity',
    meterKeys: ['logs-ingest/prod//ecs/eu-checkout-worker'],
    extraUsdPerDay: '160',
  },
  {
    id: 'data-transfer-apse2',
    description: 'A marketing video was served from the Sydney origin without the CDN',
    daysAgo: 266,
    days: 1,
    kind: 'extra-quantity',
    meterKeys: ['dto/prod/ap-southeast-2'],
    extraUsdPerDay: '220',
  },
  {
    id: 'dynamodb-writes-use1',
    description: 'A retry storm rewrote the orders table',
    daysAgo: 350,
    days: 2,
    kind: 'extra-quantity',
    meterKeys: ['ddb-wru/orders'],
    extraUsdPerDay: '200',
  },
];

/** Meter keys that exist only because of an anomaly: left out when anomalies are off. */
export function anomalyOnlyMeterKeys(): ReadonlySet<string> {
  const keys = new Set<string>();
  for (const spec of ANOMALY_SPECS) {
    if (spec.kind !== 'new-resources') continue;
    for (const key of spec.meterKeys) keys.add(key);
    for (const key of spec.companionMeterKeys ?? []) keys.add(key);
  }
  return keys;
}
