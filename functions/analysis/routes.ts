import { DEFAULT_THRESHOLDS } from '#shared/analysis/anomalies.js';
import { costForecast } from '#shared/analysis/forecast-view.js';
import type { AnomalyStore } from '#shared/analysis/store.js';
import { analysisRoutes } from '#shared/contracts/analysis.js';
import { todayIn } from '#shared/costs/dates.js';
import type { CostQueries } from '#shared/costs/query.js';
import { callerOf, implement, type ApiRequest, type Implementation } from '#shared/http/api-request.js';

/** What the analysis routes need per request, all scoped to the caller's tenant. */
export interface AnalysisRouteDeps {
  anomalies: AnomalyStore;
  queries: CostQueries;
  timezone: () => Promise<string>;
}

/** Anomalies (list, detail, lifecycle and feedback) and the forecast. `now` is injectable for tests. */
export function analysisRouteImplementations(depsOf: (req: ApiRequest) => AnalysisRouteDeps, now: () => Date = () => new Date()): Implementation[] {
  return [
    implement(analysisRoutes.listAnomalies, async (req) => {
      const { tenantId } = callerOf(req);
      const { limit, cursor, ...filter } = req.query;
      const page = await depsOf(req).anomalies.list(tenantId, filter, limit, cursor);
      return {
        items: page.items.map(({ contributors: _c, flaggedBy: _f, series: _s, causeId: _id, statusChangedAt: _a, statusChangedBy: _b, ...summary }) => summary),
        nextCursor: page.nextCursor,
      };
    }),
    implement(analysisRoutes.getAnomaly, async (req) => {
      const { causeId: _id, ...anomaly } = await depsOf(req).anomalies.get(callerOf(req).tenantId, req.params.id);
      return anomaly;
    }),
    implement(analysisRoutes.updateAnomaly, async (req) => {
      const caller = callerOf(req);
      const { anomalies } = depsOf(req);
      const before = await anomalies.get(caller.tenantId, req.params.id);
      const at = now().toISOString();
      const { causeId: _id, ...after } = await anomalies.update(caller.tenantId, req.params.id, req.body, caller.principalId, at);
      // "expected" suppresses later anomalies of the same cause; taking it back lifts that again.
      if (req.body.feedback === 'expected') await anomalies.suppress(caller.tenantId, before.causeId, before.id, caller.principalId, at);
      else if (req.body.feedback !== undefined && before.feedback === 'expected') await anomalies.unsuppress(caller.tenantId, before.causeId, before.id);
      return after;
    }),
    implement(analysisRoutes.getAnomalySettings, async (req) => ({
      ...(await depsOf(req).anomalies.settings(callerOf(req).tenantId)),
      defaults: DEFAULT_THRESHOLDS,
    })),
    implement(analysisRoutes.updateAnomalySettings, async (req) => ({
      ...(await depsOf(req).anomalies.updateSettings(callerOf(req).tenantId, req.body)),
      defaults: DEFAULT_THRESHOLDS,
    })),
    implement(analysisRoutes.forecast, async (req) => {
      const deps = depsOf(req);
      return costForecast(deps.queries, req.query, todayIn(await deps.timezone(), now()));
    }),
  ];
}
