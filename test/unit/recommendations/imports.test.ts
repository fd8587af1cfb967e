import { describe, expect, it } from 'vitest';
import { analyzeTenant, type AnalyzeDeps } from '#functions/recommendations/analyze.js';
import { ruleOf } from '#functions/recommendations/deps.js';
import { NOT_ENROLLED, RecordedCostOptimizationHub } from '#local/demo/cost-optimization-hub.js';
import { DEMO_ACCOUNTS } from '#local/demo/dimensions.js';
import { demoRoleArn } from '#local/demo/inventory.js';
import type { ConnectedAccount } from '#shared/accounts/model.js';
import { AccountAccessError, type AccountTarget } from '#shared/inventory/provider.js';
import type { InventoryResource } from '#shared/inventory/model.js';
import { analyze } from '#shared/recommendations/engine.js';
import { importedRuleId, importedRuleOf, mergeImported, type ImportedFindings, type RecommendationImportSource } from '#shared/recommendations/imports.js';
import { recommendationIdOf, reconcile, type StoredRecommendation } from '#shared/recommendations/lifecycle.js';
import { DEFAULT_RECOMMENDATION_SETTINGS, type ActionType, type Finding, type RecommendationSource, type RuleContext } from '#shared/recommendations/model.js';
import { BundledPriceBook } from '#shared/recommendations/prices/bundled.js';
import type { RecommendationRun, RecommendationStore } from '#shared/recommendations/store.js';
import { demoInventory, DEMO_END, DEMO_TODAY } from './demo-inventory.js';

/** Imported findings: deduplication against ours, reconciliation per source, the analysis's import step, the recorded demo Hub. */
const A1 = '111111111111';
const A2 = '222222222222';

function finding(resourceId: string, actionType: ActionType, source: RecommendationSource, accountId = A1, savings = '10.00'): Finding {
  const ruleId = source === 'cloudoptima' ? `ours-${actionType.toLowerCase()}` : importedRuleId(source, 'Ec2Instance', actionType);
  return {
    ruleId,
    resourceId,
    resourceType: 'ec2-instance',
    accountId,
    region: 'us-east-1',
    resourceName: null,
    actionType,
    reason: 'r',
    current: { summary: 'm5.large', monthlyCost: savings, config: {} },
    recommended: { summary: 'x', monthlyCost: '0.00', config: {} },
    estimatedMonthlySavings: savings,
    estimatedAnnualSavings: '120.00',
    estimatedSavingsPercentage: '100.00',
    currency: 'USD',
    priceBasis: 'list-price',
    priceSource: 'p',
    actions: [],
    risk: 'low',
    effort: 'Low',
    restartNeeded: false,
    rollbackPossible: true,
    source,
    inferredOwner: null,
  };
}

describe('mergeImported', () => {
  it('drops an imported finding about the same resource and action type as ours, and notes the agreement on ours', () => {
    const ours = [finding('i-1', 'Rightsize', 'cloudoptima'), finding('i-2', 'Stop', 'cloudoptima')];
    const imported = [
      finding('i-1', 'Rightsize', 'compute-optimizer'),
      finding('i-1', 'Rightsize', 'cost-optimization-hub'),
      finding('i-2', 'Rightsize', 'compute-optimizer'), // another action on the same resource: kept
      finding('i-3', 'Stop', 'compute-optimizer'),
      finding('i-3', 'Stop', 'cost-optimization-hub'), // the same (resource, action) twice among the imported: the first wins
      finding('i-1', 'Rightsize', 'compute-optimizer', A2), // same id, another account: not ours
    ];
    const { findings, duplicates } = mergeImported(ours, imported);
    expect(duplicates).toBe(3);
    expect(findings.map((f) => [f.accountId, f.resourceId, f.actionType, f.source])).toEqual([
      [A1, 'i-1', 'Rightsize', 'cloudoptima'],
      [A1, 'i-2', 'Stop', 'cloudoptima'],
      [A1, 'i-2', 'Rightsize', 'compute-optimizer'],
      [A1, 'i-3', 'Stop', 'compute-optimizer'],
      [A2, 'i-1', 'Rightsize', 'compute-optimizer'],
    ]);
    expect(findings[0]!.alsoReportedBy).toEqual(['compute-optimizer', 'cost-optimization-hub']);
    expect(findings[1]!.alsoReportedBy).toBeUndefined();
    // Ours are not changed in place.
    expect(ours[0]!.alsoReportedBy).toBeUndefined();
  });
});

describe('reconcile per source', () => {
  const lookup = (id: string) => ({ title: id, category: 'compute' as const });
  const T0 = '2026-11-01T07:00:00.000Z';
  const T1 = '2026-11-02T07:00:00.000Z';
  const stored = (findings: Finding[]) => reconcile([], findings, lookup, T0).writes.map((w) => ({ ...w, version: 1 }));

  it('resolves an imported finding only when its source answered for its account and no longer reports it', () => {
    const before = stored([finding('i-1', 'Stop', 'cloudoptima'), finding('i-2', 'Rightsize', 'compute-optimizer', A1), finding('i-3', 'Rightsize', 'compute-optimizer', A2), finding('i-4', 'PurchaseReservedInstances', 'cost-optimization-hub', A1)]);
    // Our rules ran; Compute Optimizer answered for A1 only (A2 failed); Cost Optimization Hub was not asked.
    const scope = new Map<RecommendationSource, 'all' | Set<string>>([
      ['cloudoptima', 'all'],
      ['compute-optimizer', new Set([A1])],
    ]);
    const { writes, counts } = reconcile(before, [], lookup, T1, scope);
    expect(writes.map((w) => [w.finding.resourceId, w.status]).sort()).toEqual([
      ['i-1', 'resolved'],
      ['i-2', 'resolved'],
    ]);
    expect(counts.resolved).toBe(2);
  });

  it('without a scope, only our rules resolve (imported ones are left as they are)', () => {
    const before = stored([finding('i-1', 'Stop', 'cloudoptima'), finding('i-2', 'Rightsize', 'compute-optimizer')]);
    const { writes } = reconcile(before, [], lookup, T1);
    expect(writes.map((w) => w.finding.resourceId)).toEqual(['i-1']);
  });
});

describe('imported rule titles', () => {
  it('name the source, the action and the resource type', () => {
    expect(importedRuleOf('compute-optimizer-lambda-function-rightsize')).toEqual({ title: 'Compute Optimizer: Rightsize (Lambda function)', category: 'serverless' });
    expect(importedRuleOf('coh-rds-reserved-instances-purchase-reserved-instances')).toEqual({ title: 'Cost Optimization Hub: Purchase reserved instances (RDS Reserved Instances)', category: 'commitments' });
    expect(importedRuleOf('ec2-idle')).toBeNull();
    expect(ruleOf('coh-ebs-volume-upgrade').title).toBe('Cost Optimization Hub: Upgrade (EBS volume)');
  });
});

// ---- The analysis with imports, on in-memory stores ----

class MemoryRecommendations {
  readonly items = new Map<string, StoredRecommendation>();
  runs: RecommendationRun[] = [];
  async settings() {
    return DEFAULT_RECOMMENDATION_SETTINGS;
  }
  async all() {
    return [...this.items.values()];
  }
  async writeAll(_t: string, recs: StoredRecommendation[]) {
    for (const r of recs) this.items.set(r.id, { ...r, version: r.version + 1 });
    return [];
  }
  async recordRun(_t: string, run: RecommendationRun) {
    this.runs.push(run);
  }
  async lastRun() {
    return this.runs.at(-1) ?? null;
  }
}

const account = (id: string, patch: Partial<ConnectedAccount> = {}): ConnectedAccount => ({
  id,
  name: id,
  roleArn: `arn:aws:iam::${id}:role/cloudoptima/CloudOptimaReadOnly`,
  externalId: 'cloudoptima-x',
  status: 'connected',
  lastTest: null,
  lastSync: { runId: 'r', status: 'succeeded', trigger: 'manual', startedAt: '2026-11-01T06:00:00Z', finishedAt: '2026-11-01T06:01:00Z', regions: [], resources: {}, warnings: [], error: null, snapshotKeys: [] },
  connectedAt: '2026-10-01T00:00:00Z',
  connectedBy: 'u',
  ...patch,
});

function depsWith(store: MemoryRecommendations, ours: Finding[], source: RecommendationImportSource, accounts: ConnectedAccount[]): AnalyzeDeps {
  return {
    recommendations: store as unknown as RecommendationStore,
    inventory: { list: async () => ({ items: [], nextCursor: null }) } as unknown as AnalyzeDeps['inventory'],
    billing: { lastFullMonth: async () => null, after: async () => null } as unknown as AnalyzeDeps['billing'],
    prices: new BundledPriceBook(),
    analyze: () => ours,
    ruleOf,
    imports: { source, accounts: async () => accounts },
  };
}

describe('analyzeTenant with imports', () => {
  const now = new Date('2026-11-01T07:00:00Z');
  const answer = (findings: Finding[]): ImportedFindings[] => [
    { source: 'cost-optimization-hub', findings: findings.filter((f) => f.source === 'cost-optimization-hub'), enabled: true },
    { source: 'compute-optimizer', findings: findings.filter((f) => f.source === 'compute-optimizer'), enabled: true },
  ];

  it('stores the imported findings with their source, drops duplicates of ours, turns failures into warnings, and resolves per source', async () => {
    const store = new MemoryRecommendations();
    const ours = [finding('i-1', 'Rightsize', 'cloudoptima')];
    let reported: Record<string, Finding[]> = {
      [A1]: [finding('i-1', 'Rightsize', 'compute-optimizer'), finding('i-9', 'Rightsize', 'compute-optimizer'), finding(A1, 'PurchaseReservedInstances', 'cost-optimization-hub')],
    };
    const asked: string[] = [];
    let a2Fails = true;
    const source: RecommendationImportSource = {
      async findings(target: AccountTarget) {
        asked.push(target.accountId);
        if (target.accountId === A2 && a2Fails) throw new AccountAccessError('ASSUME_ROLE_FAILED', 'AssumeRole refused');
        return answer(reported[target.accountId] ?? []);
      },
    };
    const accounts = [account(A1), account(A2), account('333333333333', { status: 'error' }), account('444444444444', { lastSync: { ...account(A1).lastSync!, status: 'failed' } })];
    const run = await analyzeTenant(depsWith(store, ours, source, accounts), 't1', now);
    expect(asked.sort()).toEqual([A1, A2]);
    expect(run).toMatchObject({ findings: 3, opened: 3, imported: 2, duplicates: 1 });
    expect(run.warnings).toEqual([{ accountId: A2, source: null, code: 'ASSUME_ROLE_FAILED', message: 'AssumeRole refused' }]);
    const bySource = (s: RecommendationSource) => [...store.items.values()].filter((r) => r.finding.source === s);
    expect(bySource('cloudoptima').map((r) => r.finding.alsoReportedBy)).toEqual([['compute-optimizer']]);
    expect(bySource('compute-optimizer').map((r) => r.finding.resourceId)).toEqual(['i-9']);
    expect(bySource('cost-optimization-hub').map((r) => [r.finding.resourceId, r.title, r.category])).toEqual([
      [A1, 'Cost Optimization Hub: Purchase reserved instances (EC2 instance)', 'compute'],
    ]);

    // A2 answers now; A1's Compute Optimizer stops reporting i-9: resolved. The Hub's finding stays open.
    a2Fails = false;
    reported = { [A1]: [finding(A1, 'PurchaseReservedInstances', 'cost-optimization-hub')], [A2]: [finding('i-7', 'Stop', 'compute-optimizer', A2)] };
    const second = await analyzeTenant(depsWith(store, ours, source, accounts), 't1', new Date('2026-11-02T07:00:00Z'));
    expect(second).toMatchObject({ resolved: 1, updated: 1, opened: 1, duplicates: 0, warnings: [] });
    const status = (resourceId: string) => [...store.items.values()].find((r) => r.finding.resourceId === resourceId)!.status;
    expect([status('i-9'), status('i-7'), status(A1)]).toEqual(['resolved', 'open', 'open']);
    // Ours no longer has an agreeing source: figures updated, still open.
    expect(bySource('cloudoptima')[0]).toMatchObject({ status: 'open' });
    expect(bySource('cloudoptima')[0]!.finding.alsoReportedBy).toBeUndefined();

    // A re-analysis without imports (a settings change) leaves imported ones and the agreement alone.
    reported = { [A1]: [finding('i-1', 'Rightsize', 'compute-optimizer')] };
    await analyzeTenant(depsWith(store, ours, source, accounts), 't1', new Date('2026-11-03T07:00:00Z'));
    const { imports: _none, ...withoutImports } = depsWith(store, ours, source, accounts);
    const third = await analyzeTenant(withoutImports, 't1', new Date('2026-11-04T07:00:00Z'));
    // ...and the run keeps the last import's figures.
    expect(third).toMatchObject({ resolved: 0, updated: 0, opened: 0, imported: 0, duplicates: 1, warnings: [] });
    expect(bySource('cloudoptima')[0]!.finding.alsoReportedBy).toEqual(['compute-optimizer']);
    expect(status('i-7')).toBe('resolved');
  });
});

// ---- The recorded demo Hub against the recorded demo inventory ----

describe('the recorded demo Cost Optimization Hub', () => {
  it('overlaps ours where it was recorded to, adds findings ours do not make, and an unenrolled account warns', async () => {
    const { resources } = await demoInventory();
    const context: RuleContext = {
      today: DEMO_TODAY,
      settings: DEFAULT_RECOMMENDATION_SETTINGS,
      prices: new BundledPriceBook(),
      costs: new Map(),
      resources: new Map(resources.map((r: InventoryResource) => [r.resourceId, r])),
      effectiveRates: new Map(),
    };
    const ours = analyze(resources, context);
    const hub = new RecordedCostOptimizationHub(DEMO_END);
    const imported: Finding[] = [];
    const warnings: string[] = [];
    for (const a of Object.values(DEMO_ACCOUNTS)) {
      const answer = await hub.findings({ accountId: a.id, roleArn: demoRoleArn(a.id), externalId: 'x', tenantId: 't1' });
      expect(answer.every((p) => p.enabled)).toBe(!NOT_ENROLLED.has(a.id));
      for (const p of answer) {
        imported.push(...p.findings);
        if (p.warning) warnings.push(`${a.id}: ${p.warning}`);
      }
    }
    const { findings, duplicates } = mergeImported(ours, imported);
    expect(duplicates).toBe(2);
    const agreed = findings.filter((f) => f.alsoReportedBy).map((f) => [f.ruleId, f.resourceName ?? f.resourceId, f.alsoReportedBy]);
    expect(agreed.map(([rule]) => rule).sort()).toEqual(['ebs-gp2-to-gp3', 'ec2-idle']);
    const kept = findings.filter((f) => f.source !== 'cloudoptima');
    expect(kept.map((f) => [f.source, f.actionType, f.resourceType]).sort()).toEqual([
      ['compute-optimizer', 'Rightsize', 'lambda-function'],
      ['cost-optimization-hub', 'PurchaseReservedInstances', 'account'],
    ]);
    // Every kept one is about a resource the inventory holds (or the account), under the id the inventory uses.
    for (const f of kept) expect(f.resourceType === 'account' ? f.resourceId === f.accountId : context.resources.has(f.resourceId)).toBe(true);
    // Ours never make the kept ones: no finding of ours on that resource with that action.
    for (const f of kept) expect(ours.some((o) => o.resourceId === f.resourceId && o.actionType === f.actionType)).toBe(false);
    expect(new Set(kept.map((f) => recommendationIdOf(f.ruleId, f.resourceId))).size).toBe(kept.length);
    expect(warnings).toEqual([
      expect.stringMatching(new RegExp(`^${DEMO_ACCOUNTS.prod.id}: 1 Cost Optimization Hub recommendation was not imported: resource type Ec2AutoScalingGroup`)),
      expect.stringMatching(new RegExp(`^${DEMO_ACCOUNTS.data.id}: Cost Optimization Hub did not answer`)),
    ]);
    await expect(hub.findings({ accountId: '999999999999', roleArn: demoRoleArn('999999999999'), externalId: 'x', tenantId: 't1' })).rejects.toBeInstanceOf(AccountAccessError);
  });
});
