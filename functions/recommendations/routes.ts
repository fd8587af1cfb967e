import { recommendationRoutes, type RecommendationDetailView, type RecommendationSummaryView } from '#shared/contracts/recommendations.js';
import { queryFingerprint } from '#shared/db/cursor.js';
import { Invalid, type FieldIssue } from '#shared/errors.js';
import { callerOf, implement, type ApiRequest, type Implementation } from '#shared/http/api-request.js';
import { addMonths } from '#shared/costs/dates.js';
import { parseDecimal } from '#shared/money.js';
import type { BillingCosts } from '#shared/recommendations/context.js';
import { transition, type Action, type StoredRecommendation } from '#shared/recommendations/lifecycle.js';
import { DEFAULT_RECOMMENDATION_SETTINGS, HOURS_PER_MONTH, type RecommendationSettings, type RuleDefinition } from '#shared/recommendations/model.js';
import { formatUsd, type RecommendationRun, type RecommendationStore } from '#shared/recommendations/store.js';
import { resourceRefOf, type ResourceReader } from './resources.js';

/** What the recommendation routes need per request, all scoped to the caller's tenant. */
export interface RecommendationRouteDeps {
  recommendations: RecommendationStore;
  resources: ResourceReader;
  billing: BillingCosts;
  /** Re-analyses the tenant (after a settings change). */
  reanalyze: () => Promise<RecommendationRun>;
}

export function summaryOf(rec: StoredRecommendation): RecommendationSummaryView {
  const f = rec.finding;
  return {
    id: rec.id,
    ruleId: rec.ruleId,
    title: rec.title,
    category: rec.category,
    status: rec.status,
    source: f.source,
    alsoReportedBy: f.alsoReportedBy ?? [],
    resourceId: f.resourceId,
    resourceRef: f.resourceType === 'account' ? null : resourceRefOf({ accountId: f.accountId, region: f.region, type: f.resourceType, resourceId: f.resourceId }),
    resourceType: f.resourceType,
    resourceName: f.resourceName,
    accountId: f.accountId,
    region: f.region,
    actionType: f.actionType,
    reason: f.reason,
    currency: 'USD',
    currentMonthlyCost: f.current.monthlyCost,
    estimatedMonthlySavings: f.estimatedMonthlySavings,
    estimatedAnnualSavings: f.estimatedAnnualSavings,
    estimatedSavingsPercentage: f.estimatedSavingsPercentage,
    risk: f.risk,
    implementationEffort: f.effort,
    restartNeeded: f.restartNeeded,
    rollbackPossible: f.rollbackPossible,
    priceBasis: f.priceBasis,
    owner: rec.owner ?? f.inferredOwner,
    ownerSource: rec.owner ? 'assigned' : f.inferredOwner ? 'tag' : null,
    dismissReason: rec.dismissReason,
    snoozedUntil: rec.snoozedUntil,
    appliedAt: rec.appliedAt,
    realizedMonthlySavings: rec.realized?.realizedMonthlySavings ?? null,
    firstSeenAt: rec.firstSeenAt,
    updatedAt: rec.updatedAt,
    analyzedAt: rec.analyzedAt,
    statusChangedAt: rec.statusChangedAt,
    statusChangedBy: rec.statusChangedBy,
  };
}

export function detailOf(rec: StoredRecommendation): RecommendationDetailView {
  const f = rec.finding;
  return { ...summaryOf(rec), current: f.current, recommended: f.recommended, actions: f.actions, priceSource: f.priceSource, inferredOwner: f.inferredOwner, realized: rec.realized };
}

const perMonth = (billed: bigint, days: number): string => formatUsd((billed * BigInt(HOURS_PER_MONTH)) / (24n * BigInt(days)));

/** Settings a rule reads together must agree: the idle threshold sits below the rightsizing one. */
function settingsIssues(s: RecommendationSettings, catalog: readonly RuleDefinition[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const known = new Set(catalog.map((r) => r.id));
  s.disabledRules.forEach((id, i) => {
    if (!known.has(id)) issues.push({ field: `body.disabledRules.${i}`, message: `unknown rule "${id}": see GET /v1/recommendations/rules` });
  });
  if (s.ec2IdleCpuPercent > s.ec2LowCpuPercent) issues.push({ field: 'body.ec2IdleCpuPercent', message: `must not be above ec2LowCpuPercent (${s.ec2LowCpuPercent})` });
  return issues;
}

/** Every recommendation route. `now` is injectable for tests. */
export function recommendationRouteImplementations(
  depsOf: (req: ApiRequest) => RecommendationRouteDeps,
  catalog: readonly RuleDefinition[],
  now: () => Date = () => new Date(),
): Implementation[] {
  const act = async (req: ApiRequest, id: string, action: (rec: StoredRecommendation) => Promise<Action> | Action) => {
    const caller = callerOf(req);
    const rec = await depsOf(req).recommendations.update(caller.tenantId, id, async (before) => transition(before, await action(before), caller.principalId, now().toISOString()));
    return detailOf(rec);
  };
  const settingsView = async (deps: RecommendationRouteDeps, tenantId: string, settings?: RecommendationSettings, run?: RecommendationRun | null) => {
    const s = settings ?? (await deps.recommendations.settings(tenantId));
    const last = run === undefined ? await deps.recommendations.lastRun(tenantId) : run;
    return { ...s, defaults: DEFAULT_RECOMMENDATION_SETTINGS, lastAnalysis: last ? { imported: 0, duplicates: 0, warnings: [], ...last } : null };
  };

  return [
    implement(recommendationRoutes.list, async (req) => {
      const { tenantId } = callerOf(req);
      const { limit, cursor, sort, resource, ...rest } = req.query;
      const filter = { ...rest, ...(resource ? { resourceKey: resource.split('_').slice(3).join('_') } : {}) };
      const fingerprint = queryFingerprint('recommendations', { ...rest, resource, sort });
      const page = await depsOf(req).recommendations.list(tenantId, filter, sort, limit, cursor, fingerprint);
      return { items: page.items.map(summaryOf), nextCursor: page.nextCursor };
    }),
    implement(recommendationRoutes.summary, async (req) => {
      const { tenantId } = callerOf(req);
      const deps = depsOf(req);
      const [t, run] = await Promise.all([deps.recommendations.totals(tenantId), deps.recommendations.lastRun(tenantId)]);
      const group = <K extends string>(map: Map<string, { count: number; monthly: bigint }>, key: K) =>
        [...map]
          .sort(([a, x], [b, y]) => (x.monthly === y.monthly ? (a < b ? -1 : 1) : x.monthly > y.monthly ? -1 : 1))
          .map(([k, g]) => ({ [key]: k, count: g.count, monthlySavings: formatUsd(g.monthly), annualSavings: formatUsd(g.monthly * 12n) }) as Record<K, never> & { count: number; monthlySavings: string; annualSavings: string });
      return {
        currency: 'USD' as const,
        open: {
          count: t.open.count,
          monthlySavings: formatUsd(t.open.monthly),
          annualSavings: formatUsd(t.open.monthly * 12n),
          deduplicatedMonthlySavings: formatUsd(t.open.deduplicated),
          deduplicatedAnnualSavings: formatUsd(t.open.deduplicated * 12n),
        },
        byCategory: group(t.byCategory, 'category'),
        byActionType: group(t.byActionType, 'actionType'),
        bySource: group(t.bySource, 'source'),
        byStatus: [...t.byStatus].map(([status, count]) => ({ status, count })),
        realized: {
          applied: t.applied.count,
          estimatedMonthlySavings: formatUsd(t.applied.estimated),
          measured: t.applied.measured,
          realizedMonthlySavings: formatUsd(t.applied.realized),
        },
        analyzedAt: run?.at ?? null,
      };
    }),
    implement(recommendationRoutes.rules, async (req) => {
      const { disabledRules } = await depsOf(req).recommendations.settings(callerOf(req).tenantId);
      const disabled = new Set(disabledRules);
      return { items: catalog.map(({ effort, ...r }) => ({ ...r, implementationEffort: effort, enabled: !disabled.has(r.id) })), nextCursor: null };
    }),
    implement(recommendationRoutes.getSettings, async (req) => settingsView(depsOf(req), callerOf(req).tenantId)),
    implement(recommendationRoutes.updateSettings, async (req) => {
      const { tenantId } = callerOf(req);
      const deps = depsOf(req);
      const merged: RecommendationSettings = { ...(await deps.recommendations.settings(tenantId)), ...req.body };
      merged.disabledRules = [...new Set(merged.disabledRules)].sort();
      const issues = settingsIssues(merged, catalog);
      if (issues.length) throw new Invalid('The settings are not valid.', issues);
      await deps.recommendations.saveSettings(tenantId, merged, now().toISOString());
      // Thresholds change what holds: re-analyse now, so the list answers to the new settings.
      const run = await deps.reanalyze();
      return settingsView(deps, tenantId, merged, run);
    }),
    implement(recommendationRoutes.get, async (req) => detailOf(await depsOf(req).recommendations.get(callerOf(req).tenantId, req.params.id))),
    implement(recommendationRoutes.impact, async (req) => {
      const { tenantId } = callerOf(req);
      const deps = depsOf(req);
      const rec = await deps.recommendations.get(tenantId, req.params.id);
      const f = rec.finding;
      const month = await deps.billing.lastFullMonth(now().toISOString().slice(0, 10));
      const billed = month?.resources.get(f.resourceId)?.billed;
      return {
        id: rec.id,
        actionType: f.actionType,
        currency: 'USD' as const,
        current: f.current,
        recommended: f.recommended,
        estimatedMonthlySavings: f.estimatedMonthlySavings,
        estimatedAnnualSavings: f.estimatedAnnualSavings,
        estimatedSavingsPercentage: f.estimatedSavingsPercentage,
        actions: f.actions,
        restartNeeded: f.restartNeeded,
        rollbackPossible: f.rollbackPossible,
        risk: f.risk,
        implementationEffort: f.effort,
        priceBasis: f.priceBasis,
        priceSource: f.priceSource,
        source: f.source,
        billedMonthlyCost: month && billed !== undefined ? perMonth(billed, month.days) : null,
        realized: rec.realized,
      };
    }),
    implement(recommendationRoutes.update, async (req) => act(req, req.params.id, () => ({ kind: 'owner', owner: req.body.owner }))),
    implement(recommendationRoutes.dismiss, async (req) => act(req, req.params.id, () => ({ kind: 'dismiss', reason: req.body.reason }))),
    implement(recommendationRoutes.snooze, async (req) => act(req, req.params.id, () => ({ kind: 'snooze', until: req.body.until }))),
    implement(recommendationRoutes.reopen, async (req) => act(req, req.params.id, () => ({ kind: 'reopen' }))),
    implement(recommendationRoutes.apply, async (req) =>
      act(req, req.params.id, async (rec) => ({
        kind: 'apply',
        // The resource's billed cost per day before it was applied: what later billing is compared with.
        baseline: await depsOf(req).billing.dailyBefore(rec.finding.resourceId, now().toISOString().slice(0, 10)),
      })),
    ),
    implement(recommendationRoutes.listResources, async (req) => {
      const { tenantId } = callerOf(req);
      const deps = depsOf(req);
      const { limit, cursor, ...filter } = req.query;
      const [page, open] = await Promise.all([
        deps.resources.list(tenantId, filter, limit, cursor, queryFingerprint('resources', filter)),
        deps.recommendations.list(tenantId, { status: 'open' }, 'updated', 20_000, undefined, 'resource-counts'),
      ]);
      const byKey = new Map<string, { count: number; monthly: bigint }>();
      for (const rec of open.items) {
        const g = byKey.get(rec.resourceKey) ?? { count: 0, monthly: 0n };
        g.count++;
        g.monthly += parseDecimal(rec.finding.estimatedMonthlySavings);
        byKey.set(rec.resourceKey, g);
      }
      return {
        items: page.items.flatMap((r) => {
          const id = resourceRefOf(r);
          if (!id) return [];
          const g = byKey.get(id.split('_').slice(3).join('_'));
          const { config: _c, metrics: _m, runId: _r, ...rest } = r;
          return [{ ...rest, id, openRecommendations: g?.count ?? 0, estimatedMonthlySavings: formatUsd(g?.monthly ?? 0n) }];
        }),
        nextCursor: page.nextCursor,
      };
    }),
    implement(recommendationRoutes.getResource, async (req) => {
      const { tenantId } = callerOf(req);
      const deps = depsOf(req);
      const r = await deps.resources.get(tenantId, req.params.id);
      const key = req.params.id.split('_').slice(3).join('_');
      const today = now().toISOString().slice(0, 10);
      const [recs, last] = await Promise.all([deps.recommendations.ofResource(tenantId, key), deps.billing.lastFullMonth(today)]);
      const open = recs.filter((x) => x.status === 'open');
      const months = last ? [addMonths(last.period, -2), addMonths(last.period, -1), last.period] : [];
      const monthly = [];
      for (const p of months) {
        const m = await deps.billing.month(p);
        const c = m?.resources.get(r.resourceId);
        if (c) monthly.push({ period: p, billedCost: formatUsd(c.billed), effectiveCost: formatUsd(c.effective) });
      }
      const cost = last?.resources.get(r.resourceId);
      const { metrics, runId: _r, ...rest } = r;
      return {
        ...rest,
        id: req.params.id,
        utilization: metrics,
        openRecommendations: open.length,
        estimatedMonthlySavings: formatUsd(open.reduce((s, x) => s + parseDecimal(x.finding.estimatedMonthlySavings), 0n)),
        cost:
          last && cost
            ? { currency: 'USD' as const, period: last.period, days: last.days, billedCost: formatUsd(cost.billed), effectiveCost: formatUsd(cost.effective), listCost: formatUsd(cost.list), monthly }
            : null,
        recommendations: recs.sort((a, b) => (a.status === b.status ? 0 : a.status === 'open' ? -1 : 1)).map(summaryOf),
      };
    }),
  ];
}

