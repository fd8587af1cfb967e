import { allPages } from '#shared/db/pages.js';
import type { InventoryResource } from '#shared/inventory/model.js';
import type { InventoryStore } from '#shared/inventory/store.js';
import { buildRuleContext, type BillingCosts } from '#shared/recommendations/context.js';
import { measure, recommendationIdOf, reconcile, type ReconcileCounts, type RuleLookup, type StoredRecommendation } from '#shared/recommendations/lifecycle.js';
import type { Finding, PriceBook, RuleContext } from '#shared/recommendations/model.js';
import type { RecommendationRun, RecommendationStore } from '#shared/recommendations/store.js';

/**
 * One tenant's recommendation analysis: its inventory, its settings, prices and billing into the
 * rules, then the store reconciled (new -> open, gone -> resolved, figures updated) and the
 * realized savings of applied recommendations measured from billing. Idempotent: a rerun with the
 * same inputs writes nothing new.
 */
export interface AnalyzeDeps {
  recommendations: RecommendationStore;
  inventory: InventoryStore;
  billing: BillingCosts;
  prices: PriceBook;
  /** The rule engine (shared/recommendations/engine.ts). */
  analyze: (resources: readonly InventoryResource[], context: RuleContext) => Finding[];
  ruleOf: RuleLookup;
}

/** Our own rules' source: imported findings are reconciled by their importer. */
const SOURCE = 'cloudoptima';

export async function analyzeTenant(deps: AnalyzeDeps, tenantId: string, now: Date): Promise<RecommendationRun> {
  const at = now.toISOString();
  const today = at.slice(0, 10);
  const [settings, resources] = await Promise.all([
    deps.recommendations.settings(tenantId),
    allPages((cursor) => deps.inventory.list(tenantId, {}, 500, cursor, 'recommendations-analysis')),
  ]);
  const context = await buildRuleContext({ today, settings, prices: deps.prices, billing: deps.billing, resources });
  const findings = deps.analyze(resources, context);

  const total: ReconcileCounts = { findings: 0, opened: 0, updated: 0, resolved: 0, reopened: 0 };
  let pending: Set<string> | null = null;
  // A write whose version moved on (a user acted meanwhile) is recomputed from what is stored now.
  for (let attempt = 0; attempt < 4; attempt++) {
    const stored = (await deps.recommendations.all(tenantId)).filter((r) => r.finding.source === SOURCE && (!pending || pending.has(r.id)));
    const ours = pending ? findings.filter((f) => pending!.has(idOf(f))) : findings;
    const { writes, counts } = reconcile(stored, ours, deps.ruleOf, at);
    const measured = await measureApplied(deps.billing, stored, writes, at, today);
    if (attempt === 0) Object.assign(total, counts);
    const stale = await deps.recommendations.writeAll(tenantId, [...writes, ...measured]);
    if (!stale.length) break;
    if (attempt === 3) throw new Error(`recommendations kept changing during the analysis: ${stale.slice(0, 5).join(', ')}`);
    pending = new Set(stale);
  }
  const run: RecommendationRun = { at, ...total };
  await deps.recommendations.recordRun(tenantId, run);
  return run;
}

const idOf = (f: Finding) => recommendationIdOf(f.ruleId, f.resourceId);

/** Applied recommendations not otherwise written, with their savings measured from later billing. */
async function measureApplied(billing: BillingCosts, stored: readonly StoredRecommendation[], writes: readonly StoredRecommendation[], at: string, today: string): Promise<StoredRecommendation[]> {
  const written = new Set(writes.map((w) => w.id));
  const out: StoredRecommendation[] = [];
  for (const rec of stored) {
    if (rec.status !== 'applied' || !rec.appliedAt || !rec.realized) continue;
    const base = writes.find((w) => w.id === rec.id) ?? rec;
    const after = await billing.after(rec.finding.resourceId, rec.appliedAt, today);
    const next = measure(base, after, at);
    if (next !== base && !written.has(rec.id)) out.push(next);
    else if (next !== base) Object.assign(base, next);
  }
  return out;
}
