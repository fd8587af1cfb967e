import { costRoutes } from '#shared/contracts/costs.js';
import { todayIn } from '#shared/costs/dates.js';
import type { CostQueries } from '#shared/costs/query.js';
import { implement, type ApiRequest, type Implementation } from '#shared/http/api-request.js';

/** What the cost routes need per request: the engine over the tenant's rollups, and the tenant's time zone. */
export interface CostsDeps {
  queries: CostQueries;
  /** The tenant profile's IANA time zone; read only when a default range or month to date needs "today". */
  timezone: () => Promise<string>;
}

/**
 * The costs domain's routes: validated input in, the engine's answer out. `now` is injectable so
 * tests can pin "today".
 */
export function costRouteImplementations(depsOf: (req: ApiRequest) => CostsDeps, now: () => Date = () => new Date()): Implementation[] {
  /** Today in the tenant's time zone; without a profile read when the request names both dates. */
  const todayFor = async (deps: CostsDeps, needed: boolean): Promise<string> =>
    needed ? todayIn(await deps.timezone(), now()) : now().toISOString().slice(0, 10);

  return [
    implement(costRoutes.overview, async (req) => {
      const deps = depsOf(req);
      return deps.queries.overview(req.query, await todayFor(deps, true));
    }),
    implement(costRoutes.breakdown, async (req) => {
      const deps = depsOf(req);
      return deps.queries.breakdown(req.query, await todayFor(deps, !req.query.start || !req.query.end));
    }),
    implement(costRoutes.topResources, async (req) => {
      const deps = depsOf(req);
      return deps.queries.topResources(req.query, await todayFor(deps, !req.query.start || !req.query.end));
    }),
  ];
}
