/**
 * npm run bench:analyze: 10,000 synthetic resources of every type, with 30 days of metrics, through
 * analyze() with the bundled price book. Target: under 10 s.
 */
import { performance } from 'node:perf_hooks';
import type { InventoryResource, MetricSummary, ResourceType } from '#shared/inventory/model.js';
import { analyze, RULES } from '#shared/recommendations/engine.js';
import { DEFAULT_RECOMMENDATION_SETTINGS } from '#shared/recommendations/model.js';
import { BundledPriceBook } from '#shared/recommendations/prices/bundled.js';

const COUNT = 10_000;
const TARGET_MS = 10_000;
let seed = 42;
const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const series = (level: number): MetricSummary => {
  const daily = Array.from({ length: 30 }, () => Math.round(level * (0.8 + rand() * 0.4) * 1000) / 1000);
  return { metric: 'synthetic', unit: 'x', average: daily.reduce((a, b) => a + b, 0) / 30, maximum: Math.max(...daily), days: 30, daily };
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'];
const TYPES: ResourceType[] = ['ec2-instance', 'ebs-volume', 'ebs-snapshot', 'elastic-ip', 'load-balancer', 'nat-gateway', 'rds-instance', 'lambda-function', 's3-bucket', 'log-group'];

function synthetic(i: number): InventoryResource {
  const type = TYPES[i % TYPES.length]!;
  const base = { resourceId: `${type}-${i}`, type, accountId: `1000000000${i % 20}`.padStart(12, '0'), region: pick(REGIONS), name: `r${i}`, tags: { team: pick(['web', 'data', 'ml']) }, createdAt: '2025-01-01T00:00:00Z', collectedAt: '2026-11-01T06:00:00Z', runId: 'bench' };
  const low = rand() < 0.3;
  switch (type) {
    case 'ec2-instance': {
      const size = pick(['m5.2xlarge', 'c5.4xlarge', 'r5.xlarge', 'm4.xlarge', 't2.medium', 'm6g.large', 't3.large']);
      return { ...base, state: rand() < 0.1 ? 'stopped' : 'running', size, config: { instanceType: size, platform: 'Linux/UNIX', architecture: size.includes('g.') ? 'arm64' : 'x86_64', lifecycle: 'on-demand', volumeIds: [`ebs-volume-${i + 1}`], stateTransitionReason: 'User initiated (2026-05-01 10:00:00 GMT)' }, metrics: { cpu: series(low ? 3 : 40), cpuMax: series(low ? 8 : 80), networkIn: series(low ? 1e6 : 1e9), networkOut: series(low ? 1e6 : 1e9) } };
    }
    case 'ebs-volume': {
      const vt = pick(['gp2', 'gp3', 'io1', 'st1']);
      return { ...base, state: rand() < 0.2 ? 'available' : 'in-use', size: vt, config: { volumeType: vt, sizeGb: pick([50, 200, 1000]), iops: vt === 'io1' ? 10000 : 3000, attachedTo: null }, metrics: { readOps: series(low ? 1e6 : 5e8), writeOps: series(1e6) } };
    }
    case 'ebs-snapshot':
      return { ...base, state: 'completed', size: 'standard', createdAt: pick(['2024-01-01T00:00:00Z', '2026-10-20T00:00:00Z']), config: { volumeId: 'vol-1', volumeSizeGb: 100, storageTier: 'standard', sourceVolumeExists: rand() < 0.5 }, metrics: {} };
    case 'elastic-ip':
      return { ...base, state: low ? 'unassociated' : 'associated', size: null, config: { publicIp: '203.0.113.1', instanceId: `ec2-instance-${i - 3}` }, metrics: {} };
    case 'load-balancer':
      return { ...base, state: 'active', size: 'application', config: { type: 'application', healthyTargets: low ? 0 : 3, targetGroups: 1, registeredTargets: 3 }, metrics: { requests: series(low ? 10 : 1e6) } };
    case 'nat-gateway':
      return { ...base, state: 'available', size: null, config: {}, metrics: { bytesOut: series(low ? 1e6 : 1e11) } };
    case 'rds-instance': {
      const cls = pick(['db.r5.2xlarge', 'db.m5.large', 'db.t3.medium']);
      return { ...base, state: 'available', size: cls, config: { dbInstanceIdentifier: `db${i}`, dbInstanceClass: cls, engine: pick(['mysql', 'postgres']), multiAz: rand() < 0.5 }, metrics: { cpu: series(low ? 5 : 40), cpuMax: series(low ? 15 : 80), connections: series(low ? 0.5 : 100) } };
    }
    case 'lambda-function':
      return { ...base, state: 'Active', size: '1024 MB', config: { functionName: `f${i}`, memorySizeMb: 1024, architecture: 'x86_64', runtime: 'nodejs20.x' }, metrics: { invocations: series(1e5), duration: series(200), memoryUtilization: series(low ? 20 : 70) } };
    case 's3-bucket':
      return { ...base, state: null, size: null, config: { lifecycleRules: low ? 0 : 2 }, metrics: { standardBytes: series(2e12) } };
    default:
      return { ...base, state: null, size: 'STANDARD', config: { retentionInDays: low ? null : 30, storedBytes: 5e11 }, metrics: {} };
  }
}

const resources = Array.from({ length: COUNT }, (_, i) => synthetic(i));
const context = { today: '2026-11-01', settings: DEFAULT_RECOMMENDATION_SETTINGS, prices: new BundledPriceBook(), costs: new Map(), resources: new Map(resources.map((r) => [r.resourceId, r])), effectiveRates: new Map() };
analyze(resources.slice(0, 100), context); // load the price table once, outside the timing
const start = performance.now();
const findings = analyze(resources, context);
const ms = performance.now() - start;
const evaluations = RULES.reduce((n, rule) => n + (rule.scope === 'resource' ? resources.filter((r) => r.type === rule.definition.resourceType).length : 20), 0);
console.log(`analyze: ${COUNT} resources, ${RULES.length} rules, ${evaluations} rule evaluations, ${findings.length} findings in ${ms.toFixed(0)} ms (${Math.round((evaluations / ms) * 1000)} rule evaluations/s)`);
console.log(`${ms < TARGET_MS ? 'PASS' : 'FAIL'}: target < ${TARGET_MS / 1000} s`);
if (ms >= TARGET_MS) process.exitCode = 1;
