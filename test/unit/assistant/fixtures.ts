import type { Anomaly } from '#shared/analysis/model.js';
import { assistantTools, type ToolDeps } from '#shared/assistant/tools.js';
import type { BudgetRecord } from '#shared/budgets/store.js';
import { addDays } from '#shared/costs/dates.js';
import { CostQueries, type CostReader } from '#shared/costs/query.js';
import { MemoryCostReader, type Fact } from '../costs/helpers.js';

/**
 * Two tenants' data in memory behind the real domain code (CostQueries, costForecast,
 * currentStatus): tenant-a spends on EC2 and S3, tenant-b ten times as much on other services.
 * Every read names the tenant it was for, so a test can prove a tool only ever read its own.
 */
export const TODAY = '2026-11-19';

function facts(scale: number, services: string[]): Fact[] {
  const out: Fact[] = [];
  for (let d = '2026-08-01'; d <= '2026-11-18'; d = addDays(d, 1)) {
    services.forEach((service, i) => {
      const base = (i + 1) * 100 * scale + (Number(d.slice(8)) % 7);
      out.push({ date: d, service, account: '111122223333', region: i ? 'us-east-1' : 'eu-west-1', billed: `${base}.125`, resourceId: `${service.split(' ').pop()}-res-${i}` });
    });
  }
  return out;
}

export const TENANT_FACTS = {
  'tenant-a': facts(1, ['Amazon Elastic Compute Cloud', 'Amazon Simple Storage Service']),
  'tenant-b': facts(10, ['Amazon Redshift', 'Amazon Elastic Compute Cloud']),
};

export class TenantReaders implements CostReader {
  readonly tenantsRead = new Set<string>();
  private readonly readers = new Map(Object.entries(TENANT_FACTS).map(([t, f]) => [t, MemoryCostReader.of(f, { accountNames: { '111122223333': 'prod' } })]));
  private of(tenantId: string) {
    this.tenantsRead.add(tenantId);
    return this.readers.get(tenantId) ?? new MemoryCostReader();
  }
  currentVersions(tenantId: string, from: string, to: string) {
    return this.of(tenantId).currentVersions(tenantId, from, to);
  }
  readRows(tenantId: string, sourceId: string, period: string, version: string, kind: Parameters<CostReader['readRows']>[4]) {
    return this.of(tenantId).readRows(tenantId, sourceId, period, version, kind);
  }
  readMeta(tenantId: string, sourceId: string, period: string, version: string) {
    return this.of(tenantId).readMeta!(tenantId, sourceId, period, version);
  }
}

const anomaly = (tenantId: string): Anomaly =>
  ({
    id: `${tenantId}-anomaly`,
    status: 'active',
    severity: 'high',
    dimensionName: 'Amazon Elastic Compute Cloud',
    startDate: '2026-11-17',
    endDate: '2026-11-18',
    currency: 'USD',
    impact: '655.08',
    impactPerDay: '327.54',
    rootCause: 'Amazon Elastic Compute Cloud in eu-west-1, usage type EUW1-BoxUsage:c5.9xlarge: +$327.54/day',
  }) as unknown as Anomaly;

const budget = (tenantId: string): BudgetRecord => ({
  id: `${tenantId}-budget`,
  name: tenantId === 'tenant-a' ? 'prod compute' : 'other tenant budget',
  amount: '5000',
  currency: 'USD',
  period: 'monthly',
  metric: 'billed',
  filters: {},
  thresholds: [{ percent: 100, on: 'actual' }],
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'u',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

const ONE = 10n ** 12n;
/** Open recommendations of a tenant: two storage ones that are alternatives for one volume, one compute. */
const recommendationsOf = (storeTenants: Set<string>) => ({
  totals: async (t: string) => {
    storeTenants.add(t);
    return {
      open: { count: 3, monthly: 170n * ONE, deduplicated: 120n * ONE },
      byCategory: new Map([['storage', { count: 2, monthly: 100n * ONE }], ['compute', { count: 1, monthly: 70n * ONE }]]),
      byActionType: new Map([['delete', { count: 3, monthly: 170n * ONE }]]),
      byStatus: new Map([['open', 3]]),
      applied: { count: 0, estimated: 0n, measured: 0, realized: 0n },
    };
  },
  list: async (t: string, filter: { category?: string }) => {
    storeTenants.add(t);
    const all = [
      { title: 'Delete unattached EBS volumes', category: 'storage', savings: '50.00', name: 'vol-scratch' },
      { title: 'Upgrade gp2 volumes to gp3', category: 'storage', savings: '50.00', name: 'vol-scratch' },
      { title: 'Stop idle EC2 instances', category: 'compute', savings: '70.00', name: 'loadgen' },
    ].filter((r) => !filter.category || r.category === filter.category);
    return {
      items: all.map((r) => ({
        title: r.title,
        category: r.category,
        finding: { resourceId: r.name, resourceName: r.name, accountId: '111122223333', region: 'us-east-1', actionType: 'delete', risk: 'low', current: { monthlyCost: '80.00' }, estimatedMonthlySavings: r.savings, reason: 'Unattached for 40 days.' },
      })),
      nextCursor: null,
    };
  },
});

/** The tools of `tenantId`, over readers and stores that record which tenant each read was for. */
export function toolsFor(tenantId: string, reader = new TenantReaders(), options: { recommendations?: boolean } = {}) {
  const storeTenants = new Set<string>();
  const deps: ToolDeps = {
    tenantId,
    today: TODAY,
    queries: new CostQueries(reader, tenantId),
    anomalies: { list: async (t: string) => (storeTenants.add(t), { items: [anomaly(t)], nextCursor: null }) } as never,
    budgets: { all: async (t: string) => (storeTenants.add(t), [budget(t)]) } as never,
    recommendations: options.recommendations ? (recommendationsOf(storeTenants) as never) : null,
  };
  return { tools: assistantTools(deps), reader, storeTenants };
}
