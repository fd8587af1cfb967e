import { currentStatus, pastPeriods, type PeriodStatus } from '#shared/budgets/evaluate.js';
import type { BudgetRecord, BudgetStore } from '#shared/budgets/store.js';
import { budgetRoutes } from '#shared/contracts/budgets.js';
import { todayIn } from '#shared/costs/dates.js';
import type { CostQueries } from '#shared/costs/query.js';
import { callerOf, implement, type ApiRequest, type Implementation } from '#shared/http/api-request.js';

/** What the budget routes need per request, all scoped to the caller's tenant. */
export interface BudgetRouteDeps {
  budgets: BudgetStore;
  queries: CostQueries;
  timezone: () => Promise<string>;
}

const view = (record: BudgetRecord, current: PeriodStatus) => ({ ...record, current });

/** CRUD, the current period's status and the history of past periods. `now` is injectable for tests. */
export function budgetRouteImplementations(depsOf: (req: ApiRequest) => BudgetRouteDeps, now: () => Date = () => new Date()): Implementation[] {
  const today = async (deps: BudgetRouteDeps) => todayIn(await deps.timezone(), now());
  return [
    implement(budgetRoutes.list, async (req) => {
      const deps = depsOf(req);
      const [page, day] = await Promise.all([deps.budgets.list(callerOf(req).tenantId, req.query.limit, req.query.cursor), today(deps)]);
      const statuses = await Promise.all(page.items.map((b) => currentStatus(deps.queries, b, day)));
      return { items: page.items.map((b, i) => view(b, statuses[i]!)), nextCursor: page.nextCursor };
    }),
    implement(budgetRoutes.create, async (req) => {
      const caller = callerOf(req);
      const deps = depsOf(req);
      const record = await deps.budgets.create(caller.tenantId, req.body, caller.principalId, now().toISOString());
      return view(record, await currentStatus(deps.queries, record, await today(deps)));
    }),
    implement(budgetRoutes.get, async (req) => {
      const deps = depsOf(req);
      const [record, day] = await Promise.all([deps.budgets.get(callerOf(req).tenantId, req.params.id), today(deps)]);
      return view(record, await currentStatus(deps.queries, record, day));
    }),
    implement(budgetRoutes.update, async (req) => {
      const deps = depsOf(req);
      const record = await deps.budgets.update(callerOf(req).tenantId, req.params.id, req.body, now().toISOString());
      return view(record, await currentStatus(deps.queries, record, await today(deps)));
    }),
    implement(budgetRoutes.delete, async (req) => {
      await depsOf(req).budgets.delete(callerOf(req).tenantId, req.params.id);
      return null;
    }),
    implement(budgetRoutes.history, async (req) => {
      const { tenantId } = callerOf(req);
      const deps = depsOf(req);
      const [record, day] = await Promise.all([deps.budgets.get(tenantId, req.params.id), today(deps)]);
      const recorded = await deps.budgets.periods(tenantId, record.id);
      const items = await pastPeriods(deps.queries, record, day, req.query.periods, (label) => recorded.get(label)?.amount ?? record.amount);
      return {
        budgetId: record.id,
        currency: record.currency,
        items: items.map((p) => ({ period: p.period, amount: recorded.get(p.period.label)?.amount ?? record.amount, actual: p.actual, actualPercent: p.actualPercent, status: p.status, thresholdsCrossed: p.thresholdsCrossed })),
      };
    }),
  ];
}
