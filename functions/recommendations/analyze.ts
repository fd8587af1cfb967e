import { allPages } from '#shared/db/pages.js';
import type { InventoryResource } from '#shared/inventory/model.js';
import type { InventoryStore } from '#shared/inventory/store.js';
import { buildRuleContext, type BillingCosts } from '#shared/recommendations/context.js';
import { measure, recommendationIdOf, reconcile, type ReconcileCounts, type RuleLookup, type StoredRecommendation } from '#shared/recommendations/lifecycle.js';
import type { ConnectedAccount } from '#shared/accounts/model.js';
import { mergeImported, type ImportedSource, type RecommendationImportSource } from '#shared/recommendations/imports.js';
import type { Finding, PriceBook, RecommendationSource, RuleContext } from '#shared/recommendations/model.js';
import type { ImportWarning, RecommendationRun, RecommendationStore } from '#shared/recommendations/store.js';

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
  /**
   * The account's own AWS findings to import (the collection workflow's task sets it; the API's
   * re-analysis after a settings change does not, and leaves imported recommendations as they are).
   */
  imports?: { source: RecommendationImportSource; accounts: (tenantId: string) => Promise<ConnectedAccount[]> };
}

/** Accounts asked at once for their imported findings. */
const IMPORT_CONCURRENCY = 4;

/** An account is asked when the collection reached it: connected, and its last sync did not fail. */
export const importable = (a: ConnectedAccount): boolean => a.status === 'connected' && a.lastSync?.status !== 'failed';

export interface ImportOutcome {
  findings: Finding[];
  /** Per imported source, the accounts that answered (enrolled or not): their stored findings of it are reconciled. */
  answered: Map<ImportedSource, Set<string>>;
  warnings: ImportWarning[];
}

/** Every importable account's findings from the import source; an account that fails becomes a warning. */
export async function importFindings(imports: NonNullable<AnalyzeDeps['imports']>, tenantId: string): Promise<ImportOutcome> {
  const accounts = (await imports.accounts(tenantId)).filter(importable);
  const outcome: ImportOutcome = { findings: [], answered: new Map(), warnings: [] };
  for (let i = 0; i < accounts.length; i += IMPORT_CONCURRENCY) {
    const batch = accounts.slice(i, i + IMPORT_CONCURRENCY);
    const answers = await Promise.allSettled(batch.map((a) => imports.source.findings({ accountId: a.id, roleArn: a.roleArn, externalId: a.externalId, tenantId })));
    answers.forEach((answer, j) => {
      const accountId = batch[j]!.id;
      if (answer.status === 'rejected') {
        const e = answer.reason as Error & { code?: string };
        outcome.warnings.push({ accountId, source: null, code: e.code ?? e.name ?? 'Error', message: String(e.message ?? e).slice(0, 500) });
        return;
      }
      for (const part of answer.value) {
        (outcome.answered.get(part.source) ?? outcome.answered.set(part.source, new Set()).get(part.source)!).add(accountId);
        // Only the account's own findings: an answer never speaks for another account.
        outcome.findings.push(...part.findings.filter((f) => f.accountId === accountId && f.source === part.source));
        if (part.warning) outcome.warnings.push({ accountId, source: part.source, code: part.enabled ? 'PARTIAL_IMPORT' : 'NOT_ENABLED', message: part.warning.slice(0, 500) });
      }
    });
  }
  return outcome;
}

export async function analyzeTenant(deps: AnalyzeDeps, tenantId: string, now: Date): Promise<RecommendationRun> {
  const at = now.toISOString();
  const today = at.slice(0, 10);
  const [settings, resources] = await Promise.all([
    deps.recommendations.settings(tenantId),
    allPages((cursor) => deps.inventory.list(tenantId, {}, 500, cursor, 'recommendations-analysis')),
  ]);
  const context = await buildRuleContext({ today, settings, prices: deps.prices, billing: deps.billing, resources });
  const ours = deps.analyze(resources, context);
  const imported = deps.imports ? await importFindings(deps.imports, tenantId) : null;
  const byId = new Map(resources.map((r) => [r.resourceId, r]));
  const merged = imported ? mergeImported(ours, imported.findings.map((f) => withInventory(f, byId.get(f.resourceId), settings.ownerTag))) : null;
  const scope = new Map<RecommendationSource, 'all' | ReadonlySet<string>>([['cloudoptima', 'all'], ...(imported ? imported.answered : [])]);

  const total: ReconcileCounts = { findings: 0, opened: 0, updated: 0, resolved: 0, reopened: 0 };
  let pending: Set<string> | null = null;
  // A write whose version moved on (a user acted meanwhile) is recomputed from what is stored now.
  for (let attempt = 0; attempt < 4; attempt++) {
    const stored = (await deps.recommendations.all(tenantId)).filter((r) => !pending || pending.has(r.id));
    // Without imports, ours keep the agreement the last import recorded on them.
    const all = merged ? merged.findings : keepAgreement(ours, stored);
    const findings = pending ? all.filter((f) => pending!.has(idOf(f))) : all;
    const { writes, counts } = reconcile(stored, findings, deps.ruleOf, at, scope);
    const measured = await measureApplied(deps.billing, stored, writes, at, today);
    if (attempt === 0) Object.assign(total, counts);
    const stale = await deps.recommendations.writeAll(tenantId, [...writes, ...measured]);
    if (!stale.length) break;
    if (attempt === 3) throw new Error(`recommendations kept changing during the analysis: ${stale.slice(0, 5).join(', ')}`);
    pending = new Set(stale);
  }
  // Without imports, the run keeps what the last import found (the imported recommendations are still there).
  const previous = imported ? null : await deps.recommendations.lastRun(tenantId);
  const importFigures =
    imported && merged
      ? { imported: merged.findings.length - ours.length, duplicates: merged.duplicates, warnings: imported.warnings }
      : previous
        ? { imported: previous.imported ?? 0, duplicates: previous.duplicates ?? 0, warnings: previous.warnings ?? [] }
        : {};
  const run: RecommendationRun = { at, ...total, ...importFigures };
  await deps.recommendations.recordRun(tenantId, run);
  return run;
}

const idOf = (f: Finding) => recommendationIdOf(f.ruleId, f.resourceId);

/** An imported finding with the inventory's name for its resource and the owner its tag names, when we collected it. */
function withInventory(f: Finding, resource: InventoryResource | undefined, ownerTag: string): Finding {
  if (!resource || f.resourceType === 'account') return f;
  const owner = ownerTag ? resource.tags[ownerTag] : undefined;
  return { ...f, resourceName: f.resourceName ?? resource.name, inferredOwner: owner !== undefined && owner !== '' ? owner : f.inferredOwner };
}

/** Our findings with the `alsoReportedBy` their stored recommendation has (a re-analysis without imports keeps it). */
function keepAgreement(ours: readonly Finding[], stored: readonly StoredRecommendation[]): Finding[] {
  const agreed = new Map(stored.filter((r) => r.finding.alsoReportedBy?.length).map((r) => [r.id, r.finding.alsoReportedBy!]));
  if (!agreed.size) return [...ours];
  return ours.map((f) => {
    const also = agreed.get(idOf(f));
    return also ? { ...f, alsoReportedBy: also } : f;
  });
}

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
