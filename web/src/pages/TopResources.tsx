import { useMemo } from 'react';
import { useLocation } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { costRoutes } from '#shared/contracts/costs.js';
import { useApi } from '../app/context.js';
import { formatRange, Freshness, MetricPicker, OtherCurrencies, RangePicker, ShareCell, useTenantToday } from '../costs/controls.js';
import { DEFAULT_VIEW, filterQuery, parseView, rangeOf, serializeView, type CostView } from '../costs/view.js';
import { useViewSearch } from '../costs/useViewSearch.js';
import { formatMoney, formatMonth } from '../format.js';
import { Card, EmptyState, PageHeader, QueryView } from '../ui/index.js';

const LIMITS = [25, 50, 100, 250] as const;
const DEFAULT_LIMIT = 50;
/** Resources are kept per billing month: "this month" is the natural default. */
const DEFAULTS: CostView = { ...DEFAULT_VIEW, range: 'mtd' };

/**
 * The most expensive resources for a range. Resource costs are stored per billing period, so the API
 * widens the range to the whole months it touches; the page says which months it shows.
 * Range, metric and limit live in the URL (same grammar as the explorer).
 */
export default function TopResources() {
  const api = useApi();
  const location = useLocation();
  const { latest, go: navigateTo } = useViewSearch();
  const view = useMemo(() => parseView(location.search, DEFAULTS), [location.search]);
  const limitOf = (search: string) => {
    const param = Number(new URLSearchParams(search).get('limit'));
    return (LIMITS as readonly number[]).includes(param) ? param : DEFAULT_LIMIT;
  };
  const limit = limitOf(location.search);
  const go = (patch: Partial<CostView>, nextLimit?: number) => {
    const current = latest();
    const keepLimit = nextLimit ?? limitOf(current);
    const search = serializeView({ ...parseView(current, DEFAULTS), ...patch }, DEFAULTS);
    navigateTo(keepLimit === DEFAULT_LIMIT ? search : `${search}&limit=${keepLimit}`);
  };
  const today = useTenantToday();
  const range = rangeOf(view, today);
  const query = { ...range, metric: view.metric, limit, ...(view.currency ? { currency: view.currency } : {}), ...filterQuery(view.filters) };
  const top = useQuery({
    queryKey: ['costs', 'resources', query],
    queryFn: ({ signal }) => api.call(costRoutes.topResources, { query, signal }),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <PageHeader
        title="Top resources"
        description="The resources that cost the most, with their service, account and region."
        actions={top.data ? <Freshness estimated={top.data.estimated} dataUpdatedAt={top.data.dataUpdatedAt} /> : null}
      />
      <Card>
        <div className="cost-toolbar">
          <RangePicker
            preset={view.range}
            range={range}
            onPreset={(id) => go({ range: id, start: null, end: null })}
            onCustom={(r) => go({ range: 'custom', start: r.start, end: r.end })}
          />
          <MetricPicker value={view.metric} onChange={(metric) => go({ metric })} />
          <div className="field">
            <label htmlFor="resources-limit">Show</label>
            <select id="resources-limit" value={limit} onChange={(e) => go({}, Number(e.target.value))}>
              {LIMITS.map((n) => (
                <option key={n} value={n}>
                  Top {n}
                </option>
              ))}
            </select>
          </div>
        </div>
      </Card>
      {top.data ? <OtherCurrencies shown={top.data.currency} currencies={top.data.currencies} onPick={(currency) => go({ currency })} /> : null}
      <Card
        title={
          top.data ? (
            <>
              Most expensive resources{' '}
              <span className="muted" data-testid="resources-periods">
                · {top.data.periods.map(formatMonth).join(', ')}
              </span>
            </>
          ) : (
            'Most expensive resources'
          )
        }
      >
        <QueryView
          query={top}
          loadingRows={10}
          isEmpty={(d) => d.items.length === 0}
          empty={<EmptyState title="No resource costs in this range">Costs attributed to a resource id appear here once billing data with resource ids is in.</EmptyState>}
        >
          {(d) => (
            <>
              {d.start !== range.start || d.end !== range.end ? (
                <p className="muted">
                  Resource costs are kept per billing month, so this covers the whole months {formatRange(d)}.
                </p>
              ) : null}
              <div className="table-wrap">
                <table className="table" data-testid="resources-table">
                  <caption className="visually-hidden">Most expensive resources, {formatRange(d)}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Resource</th>
                      <th scope="col">Service</th>
                      <th scope="col">Account</th>
                      <th scope="col">Region</th>
                      <th scope="col" className="num">
                        Cost
                      </th>
                      <th scope="col" className="num">
                        Share
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.items.map((r) => (
                      <tr key={r.resourceId}>
                        <td className="mono resource-id">{r.resourceId}</td>
                        <td>{r.service || <span className="muted">(none)</span>}</td>
                        <td>
                          {r.accountName ?? r.account}
                          {r.accountName ? <div className="muted mono resource-account">{r.account}</div> : null}
                        </td>
                        <td className="nowrap">{r.region || <span className="muted">(none)</span>}</td>
                        <td className="num">{formatMoney(r.amount, d.currency)}</td>
                        <td className="num">
                          <ShareCell share={r.share} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                  <tfoot>
                    <tr>
                      <th scope="row" colSpan={4}>
                        All resource-attributed spend in these months
                      </th>
                      <td className="num" data-testid="resources-total">
                        {formatMoney(d.total, d.currency)}
                      </td>
                      <td />
                    </tr>
                  </tfoot>
                </table>
              </div>
            </>
          )}
        </QueryView>
      </Card>
    </>
  );
}
