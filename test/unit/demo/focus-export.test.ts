/**
 * The standard demo export (DEFAULT_END_DATE, 15 months), parsed back with csv-parse and checked
 * against the FOCUS 1.2 column rules, the content the later issues rely on, and its own summary
 * (re-summed here with BigInt, to the 1e-10).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_END_DATE, DEMO_RESOURCES, type DemoSummary, demoBillingCsv } from '#local/demo/billing.js';
import { ec2OnDemandPrices } from '#local/demo/ec2-prices.js';
import { DEMO_COLUMNS } from '#local/demo/focus-columns.js';
import { addTo, COL, parseCsv, units } from './helpers.js';

/** FOCUS 1.2's Mandatory columns (feature level "Mandatory" in the specification's column docs). */
const FOCUS_12_MANDATORY = [
  'BilledCost',
  'BillingAccountId',
  'BillingAccountName',
  'BillingCurrency',
  'BillingPeriodEnd',
  'BillingPeriodStart',
  'ChargeCategory',
  'ChargeClass',
  'ChargeDescription',
  'ChargePeriodEnd',
  'ChargePeriodStart',
  'ContractedCost',
  'EffectiveCost',
  'InvoiceIssuerName',
  'ListCost',
  'PricingQuantity',
  'PricingUnit',
  'ProviderName',
  'PublisherName',
  'ServiceCategory',
  'ServiceName',
];

/** The specification's column docs, when this checkout sits beside ../shared (CC BY 4.0, not copied here). */
const SPEC_COLUMNS_DIR = join(import.meta.dirname, '../../../../shared/data/focus-spec/columns');

function specColumns(): Array<{ id: string; level: string }> {
  return readdirSync(SPEC_COLUMNS_DIR)
    .filter((f) => f.endsWith('.md'))
    .map((f) => {
      const text = readFileSync(join(SPEC_COLUMNS_DIR, f), 'utf8');
      const id = /## Column ID\s+(\S+)/.exec(text)?.[1];
      const level = /\|\s*Feature level\s*\|\s*([A-Za-z]+)/.exec(text)?.[1];
      if (!id || !level) throw new Error(`${f}: no Column ID or Feature level`);
      return { id, level };
    });
}

const METRICS = ['BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost'] as const;
type Sums = Record<(typeof METRICS)[number], Map<string, bigint>>;
const newSums = (): Sums => ({ BilledCost: new Map(), EffectiveCost: new Map(), ListCost: new Map(), ContractedCost: new Map() });

interface Scan {
  header: string[];
  rows: number;
  sums: Sums;
  accounts: Set<string>;
  services: Set<string>;
  regions: Set<string>;
  usageDates: Set<string>;
  billingPeriods: Set<string>;
  categories: Set<string>;
  negativeCredits: number;
  usageEffective: bigint;
  untaggedUsageEffective: bigint;
  dailyUsageEffective: Map<string, bigint>;
  monthlyUsageEffective: Map<string, bigint>;
  resourceRows: Map<string, { account: string; region: string; count: number }>;
  ec2Prices: Array<{ type: string; region: string; listUnitPrice: string }>;
  commitmentUsageEffective: Map<string, bigint>;
  commitmentPurchaseBilled: Map<string, bigint>;
  violations: string[];
}

let scan: Scan;
let summary: DemoSummary;

beforeAll(async () => {
  const csv = demoBillingCsv({ endDate: DEFAULT_END_DATE });
  const s: Scan = {
    header: [],
    rows: 0,
    sums: newSums(),
    accounts: new Set(),
    services: new Set(),
    regions: new Set(),
    usageDates: new Set(),
    billingPeriods: new Set(),
    categories: new Set(),
    negativeCredits: 0,
    usageEffective: 0n,
    untaggedUsageEffective: 0n,
    dailyUsageEffective: new Map(),
    monthlyUsageEffective: new Map(),
    resourceRows: new Map(),
    ec2Prices: [],
    commitmentUsageEffective: new Map(),
    commitmentPurchaseBilled: new Map(),
    violations: [],
  };
  const violation = (line: number, message: string) => {
    if (s.violations.length < 20) s.violations.push(`line ${line}: ${message}`);
  };
  let line = 0;
  for await (const r of parseCsv(csv.chunks)) {
    line++;
    if (line === 1) {
      s.header = r;
      continue;
    }
    s.rows++;
    const v = (c: keyof typeof COL) => r[COL[c]]!;
    const category = v('ChargeCategory');
    const correction = v('ChargeClass') === 'Correction';
    const day = v('ChargePeriodStart').slice(0, 10);
    const month = v('BillingPeriodStart').slice(0, 7);
    const amounts = Object.fromEntries(METRICS.map((m) => [m, units(v(m))])) as Record<(typeof METRICS)[number], bigint>;
    for (const m of METRICS) {
      for (const key of ['total', `month/${month}`, `day/${day}`, `service/${v('ServiceName')}`, `account/${v('SubAccountId')}`, `category/${category}`]) {
        addTo(s.sums[m], key, amounts[m]);
      }
    }
    s.accounts.add(v('SubAccountId'));
    s.services.add(v('ServiceName'));
    if (v('RegionId')) s.regions.add(v('RegionId'));
    s.billingPeriods.add(`${v('BillingPeriodStart')}/${v('BillingPeriodEnd')}`);
    s.categories.add(category);
    if (category === 'Credit' && amounts.BilledCost < 0n) s.negativeCredits++;

    // FOCUS 1.2 nullability and arithmetic rules.
    for (const c of ['BillingAccountId', 'BillingCurrency', 'ChargeCategory', 'ChargeDescription', 'ServiceName', 'ServiceCategory', 'ProviderName', 'PublisherName', 'InvoiceIssuerName', 'ChargeFrequency'] as const) {
      if (!v(c)) violation(line, `${c} is null`);
    }
    if (!/^\d{4}-\d{2}-\d{2}T00:00:00Z$/.test(v('ChargePeriodStart')) || v('ChargePeriodEnd') <= v('ChargePeriodStart')) violation(line, 'bad charge period');
    if (category === 'Tax') {
      for (const c of ['ListUnitPrice', 'ContractedUnitPrice', 'PricingQuantity', 'PricingUnit', 'SkuId', 'SkuPriceId', 'PricingCategory'] as const) {
        if (v(c)) violation(line, `Tax row with ${c}`);
      }
    }
    if ((category === 'Usage' || category === 'Purchase') && !correction) {
      for (const c of ['ListUnitPrice', 'ContractedUnitPrice', 'PricingQuantity', 'PricingUnit', 'SkuId', 'SkuPriceId', 'PricingCategory'] as const) {
        if (!v(c)) violation(line, `${category} row without ${c}`);
      }
      const q = units(v('PricingQuantity'));
      if ((units(v('ListUnitPrice')) * q) / 10_000_000_000n !== amounts.ListCost || ((units(v('ListUnitPrice')) * q) % 10_000_000_000n) !== 0n) {
        violation(line, `ListCost ${v('ListCost')} != ListUnitPrice ${v('ListUnitPrice')} x PricingQuantity ${v('PricingQuantity')}`);
      }
      if ((units(v('ContractedUnitPrice')) * q) / 10_000_000_000n !== amounts.ContractedCost) violation(line, 'ContractedCost != ContractedUnitPrice x PricingQuantity');
      if (category === 'Purchase' && v('ChargeFrequency') === 'Usage-Based') violation(line, 'Usage-Based purchase');
    }
    if (category === 'Usage' && v('CommitmentDiscountStatus') !== 'Unused' && !correction && !v('ConsumedQuantity')) violation(line, 'Usage row without ConsumedQuantity');
    if (v('CommitmentDiscountStatus') === 'Unused' && v('ConsumedQuantity')) violation(line, 'Unused commitment with ConsumedQuantity');
    if (v('ResourceId') && !v('ResourceType')) violation(line, 'ResourceId without ResourceType');
    if (v('Tags')) {
      const tags = JSON.parse(v('Tags')) as unknown;
      if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) violation(line, 'Tags is not a JSON object');
    }
    if (v('CommitmentDiscountId') && (!v('CommitmentDiscountCategory') || !v('CommitmentDiscountType'))) violation(line, 'commitment without category/type');
    if (category === 'Purchase' && v('CommitmentDiscountId') && amounts.EffectiveCost !== 0n) violation(line, 'commitment purchase with EffectiveCost');
    if (category !== 'Usage' && category !== 'Purchase' && category !== 'Tax' && amounts.EffectiveCost !== amounts.BilledCost) violation(line, 'credit EffectiveCost != BilledCost');

    if (category === 'Usage' && !correction) {
      s.usageDates.add(day);
      s.usageEffective += amounts.EffectiveCost;
      const tags = v('Tags') ? (JSON.parse(v('Tags')) as Record<string, string>) : {};
      if (!tags['team']) s.untaggedUsageEffective += amounts.EffectiveCost;
      addTo(s.dailyUsageEffective, day, amounts.EffectiveCost);
      addTo(s.monthlyUsageEffective, month, amounts.EffectiveCost);
    }
    if (v('CommitmentDiscountId')) {
      if (category === 'Usage') addTo(s.commitmentUsageEffective, v('CommitmentDiscountId'), amounts.EffectiveCost);
      if (category === 'Purchase') addTo(s.commitmentPurchaseBilled, v('CommitmentDiscountId'), amounts.BilledCost);
    }
    if (v('ResourceId')) {
      const seen = s.resourceRows.get(v('ResourceId'));
      if (seen && (seen.account !== v('SubAccountId') || seen.region !== v('RegionId'))) violation(line, `resource ${v('ResourceId')} moved account/region`);
      s.resourceRows.set(v('ResourceId'), { account: v('SubAccountId'), region: v('RegionId'), count: (seen?.count ?? 0) + 1 });
    }
    const box = /^[A-Z0-9]+-BoxUsage:(.+)$/.exec(v('x_UsageType'));
    if (box && (v('RegionId') === 'us-east-1' || v('RegionId') === 'us-west-2') && s.ec2Prices.length < 5000) {
      s.ec2Prices.push({ type: box[1]!, region: v('RegionId'), listUnitPrice: v('ListUnitPrice') });
    }
  }
  scan = s;
  summary = csv.summary;
}, 60_000);

describe('demo FOCUS export: columns', () => {
  it('has the demo header, with every FOCUS 1.2 mandatory column', () => {
    expect(scan.header).toEqual([...DEMO_COLUMNS]);
    for (const column of FOCUS_12_MANDATORY) expect(scan.header).toContain(column);
  });

  it.skipIf(!existsSync(SPEC_COLUMNS_DIR))("matches the specification's own column docs", () => {
    const spec = specColumns();
    expect(spec.filter((c) => c.level === 'Mandatory').map((c) => c.id).sort()).toEqual([...FOCUS_12_MANDATORY].sort());
    const known = new Set(spec.map((c) => c.id));
    // Every column is a FOCUS 1.2 column, an x_ custom column, or a FOCUS 1.3 provider column.
    for (const column of scan.header) {
      expect(known.has(column) || column.startsWith('x_') || ['ServiceProviderName', 'HostProviderName'].includes(column), column).toBe(true);
    }
    // Of the FOCUS 1.2 columns only the PricingCurrency* ones are left out (single-currency provider).
    expect(spec.map((c) => c.id).filter((id) => !scan.header.includes(id)).sort()).toEqual([
      'PricingCurrency',
      'PricingCurrencyContractedUnitPrice',
      'PricingCurrencyEffectiveCost',
      'PricingCurrencyListUnitPrice',
    ]);
  });

  it('follows the FOCUS nullability and unit price x quantity rules on every row', () => {
    expect(scan.violations).toEqual([]);
  });
});

describe('demo FOCUS export: content', () => {
  it('spans 15 monthly billing periods and every day from the first of the month to the end date', () => {
    expect(scan.billingPeriods.size).toBe(15);
    expect(summary.startDate).toBe('2025-08-01');
    expect(summary.endDate).toBe(DEFAULT_END_DATE);
    const days: string[] = [];
    for (let t = Date.UTC(2025, 7, 1); t <= Date.UTC(2026, 9, 31); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
    expect(days).toHaveLength(457);
    expect([...scan.usageDates].sort()).toEqual(days);
  });

  it('has 3+ linked accounts, 25+ services, 4+ regions and every charge category the ingestion must handle', () => {
    expect(scan.accounts.size).toBeGreaterThanOrEqual(3);
    expect(scan.services.size).toBeGreaterThanOrEqual(25);
    expect(scan.regions.size).toBeGreaterThanOrEqual(4);
    expect([...scan.categories].sort()).toEqual(['Credit', 'Purchase', 'Tax', 'Usage']);
    expect(scan.negativeCredits).toBeGreaterThan(0);
  });

  it('leaves about 15% of usage spend without a team tag', () => {
    const share = Number((scan.untaggedUsageEffective * 10_000n) / scan.usageEffective) / 10_000;
    expect(share).toBeGreaterThan(0.1);
    expect(share).toBeLessThan(0.2);
  });

  it('spends more on weekdays than at weekends', () => {
    const byKind = { weekday: [] as number[], weekend: [] as number[] };
    for (const [day, amount] of scan.dailyUsageEffective) {
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      byKind[weekday === 0 || weekday === 6 ? 'weekend' : 'weekday'].push(Number(amount / 10_000_000_000n));
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(byKind.weekday)).toBeGreaterThan(mean(byKind.weekend) * 1.1);
  });

  it('grows: the last 3 months cost more than the first 3 (2-4% a month)', () => {
    const months = [...scan.monthlyUsageEffective.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => Number(v / 10_000_000_000n));
    const first = months.slice(0, 3).reduce((a, b) => a + b, 0);
    const last = months.slice(-3).reduce((a, b) => a + b, 0);
    const monthlyGrowth = (last / first) ** (1 / 12) - 1;
    expect(monthlyGrowth).toBeGreaterThan(0.02);
    expect(monthlyGrowth).toBeLessThan(0.04);
  });

  it('balances each commitment: usage EffectiveCost equals purchase BilledCost for the Savings Plan', () => {
    const sp = [...scan.commitmentPurchaseBilled.keys()].find((id) => id.includes(':savingsplan/'))!;
    expect(sp).toBeDefined();
    expect(scan.commitmentUsageEffective.get(sp)).toBe(scan.commitmentPurchaseBilled.get(sp));
    // The RDS RI (1 year, all upfront) amortizes its upfront fee exactly over 365 days of usage.
    const ri = [...scan.commitmentPurchaseBilled.keys()].find((id) => id.includes(':ri:'))!;
    const purchases = scan.sums.BilledCost.get('category/Purchase')!;
    expect(purchases).toBeGreaterThan(0n);
    expect(scan.commitmentPurchaseBilled.get(ri)! % 365n).toBe(0n);
  });

  it('prices EC2 (us-east-1, us-west-2) at the bundled on-demand price table', () => {
    const prices = ec2OnDemandPrices();
    expect(scan.ec2Prices.length).toBeGreaterThan(100);
    for (const { type, listUnitPrice } of scan.ec2Prices) expect(units(listUnitPrice)).toBe(units(prices.get(type)!.usdPerHour));
  });
});

describe('demo FOCUS export: summary', () => {
  it('equals an independent BigInt re-sum of the parsed CSV', () => {
    expect(summary.complete).toBe(true);
    expect(summary.rowCount).toBe(scan.rows);
    const check = (key: string, totals: { billed: string; effective: string; list: string; contracted: string } | undefined) => {
      expect(totals, key).toBeDefined();
      expect(units(totals!.billed), `${key} billed`).toBe(scan.sums.BilledCost.get(key));
      expect(units(totals!.effective), `${key} effective`).toBe(scan.sums.EffectiveCost.get(key));
      expect(units(totals!.list), `${key} list`).toBe(scan.sums.ListCost.get(key));
      expect(units(totals!.contracted), `${key} contracted`).toBe(scan.sums.ContractedCost.get(key));
    };
    check('total', summary.total);
    const groups: Array<[string, Record<string, DemoSummary['total']>]> = [
      ['month', summary.byMonth],
      ['day', summary.byDay],
      ['service', summary.byService],
      ['account', summary.byAccount],
      ['category', summary.byChargeCategory],
    ];
    for (const [prefix, group] of groups) {
      const expected = [...scan.sums.BilledCost.keys()].filter((k) => k.startsWith(`${prefix}/`)).map((k) => k.slice(prefix.length + 1));
      expect(Object.keys(group).sort(), prefix).toEqual(expected.sort());
      for (const [key, totals] of Object.entries(group)) check(`${prefix}/${key}`, totals);
    }
    expect(Object.keys(summary.byMonth)).toHaveLength(15);
  });
});

describe('demo FOCUS export: resources', () => {
  const ID_FORMATS: Record<string, RegExp> = {
    'ec2-instance': /^i-0[0-9a-f]{16}$/,
    'ebs-volume': /^vol-0[0-9a-f]{16}$/,
    'ebs-snapshot': /^snap-0[0-9a-f]{16}$/,
    'elastic-ip': /^eipalloc-0[0-9a-f]{16}$/,
    'nat-gateway': /^nat-0[0-9a-f]{16}$/,
    'vpc-endpoint': /^vpce-0[0-9a-f]{16}$/,
    'load-balancer': /^arn:aws:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer\/app\/[a-z0-9-]+\/[0-9a-f]{16}$/,
    'rds-instance': /^arn:aws:rds:[a-z0-9-]+:\d{12}:db:[a-z0-9-]+$/,
    'lambda-function': /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9-_]+$/,
    's3-bucket': /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    'log-group': /^arn:aws:logs:[a-z0-9-]+:\d{12}:log-group:[/A-Za-z0-9._-]+$/,
    'dynamodb-table': /^arn:aws:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]+$/,
  };

  it('gives every resource a well-formed id, unique in the catalog', () => {
    expect(new Set(DEMO_RESOURCES.map((r) => r.id)).size).toBe(DEMO_RESOURCES.length);
    for (const r of DEMO_RESOURCES) {
      const format = ID_FORMATS[r.kind];
      if (format) expect(r.id, r.kind).toMatch(format);
      if (r.id.startsWith('arn:aws:') && r.regionId && !r.id.startsWith('arn:aws:cloudfront')) expect(r.id).toContain(`:${r.regionId}:`);
      expect(r.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(units(r.dailyCostBasis) >= 0n).toBe(true);
    }
  });

  it('references the catalog from the rows and the rows from the catalog, with matching account and region', () => {
    const byId = new Map(DEMO_RESOURCES.map((r) => [r.id, r]));
    for (const [id, seen] of scan.resourceRows) {
      const resource = byId.get(id);
      expect(resource, id).toBeDefined();
      if (resource!.kind === 'savings-plan') continue;
      expect(seen.account, id).toBe(resource!.accountId);
      expect(seen.region, id).toBe(resource!.regionId ?? '');
    }
    for (const r of DEMO_RESOURCES) expect(scan.resourceRows.has(r.id), `${r.kind} ${r.name}`).toBe(true);
  });

  it('holds the waste the recommendation rules look for', () => {
    const withHint = (hint: string) => DEMO_RESOURCES.filter((r) => r.waste.includes(hint));
    for (const hint of ['idle-instance', 'oversized-instance', 'previous-generation', 'unattached-volume', 'gp2-volume', 'old-snapshot', 'snapshot-of-deleted-volume', 'idle-nat-gateway', 'unassociated-eip', 'idle-load-balancer', 'idle-rds', 'stopped-instance-with-ebs', 'lambda-overprovisioned-memory', 's3-no-lifecycle', 'log-group-no-retention', 'io1-overprovisioned-iops']) {
      expect(withHint(hint).length, hint).toBeGreaterThan(0);
    }
    const previousGeneration = withHint('previous-generation').map((r) => r.size!.split('.')[0]);
    expect(previousGeneration).toContain('m4');
    expect(previousGeneration).toContain('t2');
    for (const snapshot of withHint('old-snapshot')) {
      expect(Date.parse(DEFAULT_END_DATE) - Date.parse(snapshot.createdAt)).toBeGreaterThan(90 * 86_400_000);
    }
    for (const volume of withHint('unattached-volume')) expect(volume.config['attachedTo']).toBeNull();
    expect(DEMO_RESOURCES.find((r) => r.name === 'old-analytics')!.stoppedAt).not.toBeNull();
  });
});
