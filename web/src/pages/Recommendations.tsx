import { useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { RECOMMENDATION_SORTS } from '#shared/contracts/recommendations.js';
import { ACTION_TYPES, CATEGORIES, RECOMMENDATION_SOURCES, RECOMMENDATION_STATUSES, RISKS } from '#shared/recommendations/model.js';
import { useAccounts } from '../accounts/queries.js';
import { useTimeZone } from '../app/context.js';
import { formatDateTime, formatMoney, formatPercent } from '../format.js';
import { ALL_STATUSES, hasRecommendationFilter, readRecommendationFilter, writeRecommendationFilter } from '../recommendations/filters.js';
import {
  ACTION_LABELS,
  CATEGORY_LABELS,
  EffortBadge,
  RISK_LABELS,
  RiskBadge,
  SOURCE_LABELS,
  STATUS_LABELS,
  StatusBadge,
  type Recommendation,
  type Totals,
} from '../recommendations/labels.js';
import { useRecommendationList, useRecommendationTotals, type RecommendationFilter } from '../recommendations/queries.js';
import SavingsChart from '../recommendations/SavingsChart.js';
import { Badge, Button, Card, EmptyState, ErrorState, LoadMore, Loading, Notice, PageHeader, Stat } from '../ui/index.js';
import '../recommendations/recommendations.css';

const SORT_LABELS: Record<(typeof RECOMMENDATION_SORTS)[number], string> = {
  '-savings': 'Largest savings first',
  savings: 'Smallest savings first',
  updated: 'Recently changed first',
};

/**
 * Optimization recommendations: what the rules found in the connected accounts, with their estimated
 * savings. The header totals come from GET /v1/recommendations/summary; the table is the list with
 * its filters in the URL (the API's own grammar), so a shared link opens the same view.
 */
export default function Recommendations() {
  const [search, setSearch] = useSearchParams();
  const { filter, problem } = readRecommendationFilter(search);
  const totals = useRecommendationTotals(true, { fresh: true });
  const { query, items } = useRecommendationList(filter, problem === null);
  const accounts = useAccounts();
  const accountNames = new Map(accounts.items.map((a) => [a.id, a.name]));
  // Changes apply to the address as it is when they happen (not as this render saw it: react-router's
  // functional update hands the render's params), so two quick changes in a row both count.
  const patch = (changes: Partial<RecommendationFilter>) => {
    const now = new URLSearchParams(window.location.search);
    setSearch(writeRecommendationFilter(now, { ...readRecommendationFilter(now).filter, ...changes }), { replace: true });
  };
  const reset = () => setSearch(writeRecommendationFilter(new URLSearchParams(window.location.search), { status: 'open' }), { replace: true });
  const filtered = hasRecommendationFilter(filter);
  const timeZone = useTimeZone();

  return (
    <>
      <PageHeader
        title="Recommendations"
        description="Idle, oversized and outdated resources in your connected accounts, with what acting on them would save each month."
        actions={
          <>
            {totals.data?.analyzedAt ? (
              <span className="muted rec-sub" data-testid="analyzed-at">
                Analysed {formatDateTime(totals.data.analyzedAt, timeZone)}
              </span>
            ) : null}
            <Link to="/settings/recommendations" className="btn btn-ghost">
              Rules and thresholds
            </Link>
          </>
        }
      />
      <TotalsView query={totals} onStatus={(status) => patch({ status })} />

      <Card>
        <Filters filter={filter} onChange={patch} onReset={reset} accounts={accounts.items.map((a) => ({ id: a.id, name: a.name }))} />
      </Card>
      {problem ? (
        <Notice tone="bad">
          These filters cannot be used: {problem}{' '}
          <Button variant="ghost" onClick={reset}>
            Clear filters
          </Button>
        </Notice>
      ) : query.isPending ? (
        <Card>
          <Loading rows={8} label="Loading recommendations" />
        </Card>
      ) : query.isError && items.length === 0 ? (
        <Card>
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        </Card>
      ) : items.length === 0 ? (
        <Card>
          {filtered ? (
            <div data-testid="recommendations-empty">
              <EmptyState title="No recommendations match these filters" action={<Button onClick={reset}>Clear filters</Button>}>
                Try another status, category or minimum saving.
              </EmptyState>
            </div>
          ) : (
            <div data-testid="recommendations-empty">
              <EmptyState title="No open recommendations">
                Your resources are analysed after every inventory sync and once a day. When one is idle, oversized or on an older generation, it is listed here with
                its estimated savings.
              </EmptyState>
            </div>
          )}
        </Card>
      ) : (
        <Card>
          <RecommendationTable
            items={items}
            accountNames={accountNames}
            sort={filter.sort ?? '-savings'}
            onSort={(sort) => patch({ sort })}
          />
          <div className="rec-list-footer">
            <span className="muted" data-testid="recommendations-count">
              {items.length} {items.length === 1 ? 'recommendation' : 'recommendations'}
              {query.hasNextPage ? ' shown' : ''}
            </span>
            <LoadMore query={query} />
          </div>
          {query.isFetchNextPageError ? <ErrorState error={query.error} onRetry={() => void query.fetchNextPage()} /> : null}
        </Card>
      )}
    </>
  );
}

function TotalsView({ query, onStatus }: { query: ReturnType<typeof useRecommendationTotals>; onStatus: (status: RecommendationFilter['status']) => void }) {
  if (query.isPending)
    return (
      <div className="grid grid-4">
        {['Open recommendations', 'Potential monthly savings', 'Potential annual savings', 'Realized savings'].map((label) => (
          <Stat key={label} label={label} value={<span className="stat-skeleton skeleton" />} />
        ))}
      </div>
    );
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const t = query.data;
  return (
    <>
      <div className="grid grid-4">
        <Stat testId="stat-open" label="Open recommendations" value={<span data-testid="open-count">{t.open.count}</span>} detail={openDetail(t)} />
        <Stat
          testId="stat-monthly"
          label="Potential monthly savings"
          value={<span data-testid="open-monthly">{formatMoney(t.open.deduplicatedMonthlySavings, t.currency)}</span>}
          detail={
            <span data-testid="open-monthly-detail" title="Stop, rightsize and migrate are alternatives for one resource: its cost is counted once, at the largest of its open recommendations.">
              {t.open.deduplicatedMonthlySavings === t.open.monthlySavings
                ? 'estimated, if every open recommendation is acted on'
                : `each resource counted once (the list adds up to ${formatMoney(t.open.monthlySavings, t.currency)}: some are alternatives)`}
            </span>
          }
          tone="down"
        />
        <Stat
          testId="stat-annual"
          label="Potential annual savings"
          value={<span data-testid="open-annual">{formatMoney(t.open.deduplicatedAnnualSavings, t.currency)}</span>}
          detail="12 × the monthly estimate"
        />
        <Stat
          testId="stat-realized"
          label="Realized savings per month"
          value={<span data-testid="realized-monthly">{formatMoney(t.realized.realizedMonthlySavings, t.currency)}</span>}
          detail={
            <span data-testid="realized-detail">
              {t.realized.applied === 0
                ? 'None applied yet'
                : `confirmed by billing for ${t.realized.measured} of ${t.realized.applied} applied (estimated ${formatMoney(t.realized.estimatedMonthlySavings, t.currency)})`}
            </span>
          }
          tone="down"
        />
      </div>
      <div className="rec-overview">
        <Card title="Monthly savings by category" actions={<span className="muted rec-sub">Open recommendations</span>}>
          {t.byCategory.length ? (
            <SavingsChart
              currency={t.currency}
              bars={t.byCategory.map((c) => ({ key: c.category, name: CATEGORY_LABELS[c.category], count: c.count, monthlySavings: c.monthlySavings }))}
              label={`Potential monthly savings by category: ${t.byCategory.map((c) => `${CATEGORY_LABELS[c.category]} ${formatMoney(c.monthlySavings, t.currency)} (${c.count})`).join('; ')}`}
            />
          ) : (
            <EmptyState title="No open recommendations">Nothing to save right now.</EmptyState>
          )}
        </Card>
        <Card title="By action" actions={<span className="muted rec-sub">Open recommendations</span>}>
          {t.byActionType.length ? (
            <table className="table rec-mini-table" data-testid="by-action">
              <thead>
                <tr>
                  <th scope="col">Action</th>
                  <th scope="col" className="num">
                    Open
                  </th>
                  <th scope="col" className="num">
                    Per month
                  </th>
                </tr>
              </thead>
              <tbody>
                {t.byActionType.map((a) => (
                  <tr key={a.actionType}>
                    <td>{ACTION_LABELS[a.actionType]}</td>
                    <td className="num">{a.count}</td>
                    <td className="num">{formatMoney(a.monthlySavings, t.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <EmptyState title="Nothing open" />
          )}
        </Card>
        <Card title="By status">
          <ul className="rec-status-list" data-testid="by-status">
            {RECOMMENDATION_STATUSES.map((status) => {
              const count = t.byStatus.find((s) => s.status === status)?.count ?? 0;
              return (
                <li key={status} data-status-count={status}>
                  <button type="button" className="rec-status-link" onClick={() => onStatus(status)} aria-label={`Show ${STATUS_LABELS[status].toLowerCase()} recommendations (${count})`}>
                    <StatusBadge status={status} />
                    <span className="num">{count}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        </Card>
      </div>
    </>
  );
}

function openDetail(t: Totals): string {
  const top = t.byCategory[0];
  return top ? `most in ${CATEGORY_LABELS[top.category].toLowerCase()} (${top.count})` : 'nothing waiting for you';
}

function Filters({
  filter,
  onChange,
  onReset,
  accounts,
}: {
  filter: RecommendationFilter;
  onChange: (changes: Partial<RecommendationFilter>) => void;
  onReset: () => void;
  accounts: Array<{ id: string; name: string }>;
}) {
  const id = useId();
  // Minimum savings is typed: the URL follows once typing pauses.
  const [minSavings, setMinSavings] = useState(filter.minSavings ?? '');
  useEffect(() => setMinSavings(filter.minSavings ?? ''), [filter.minSavings]);
  useEffect(() => {
    const value = minSavings.trim();
    if (value === (filter.minSavings ?? '')) return;
    const timer = setTimeout(() => onChange({ minSavings: value || undefined }), 400);
    return () => clearTimeout(timer);
  });
  const accountOptions = accounts.some((a) => a.id === filter.account) || !filter.account ? accounts : [...accounts, { id: filter.account, name: filter.account }];
  const select = <K extends keyof RecommendationFilter>(key: K, value: string) => onChange({ [key]: value || undefined });

  return (
    <div className="toolbar rec-filters" role="search" aria-label="Filter recommendations">
      <div className="field">
        <label htmlFor={`${id}-status`}>Status</label>
        <select id={`${id}-status`} value={filter.status ?? ALL_STATUSES} onChange={(e) => onChange({ status: e.target.value === ALL_STATUSES ? undefined : (e.target.value as RecommendationFilter['status']) })}>
          {RECOMMENDATION_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
          <option value={ALL_STATUSES}>Any status</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-category`}>Category</label>
        <select id={`${id}-category`} value={filter.category ?? ''} onChange={(e) => select('category', e.target.value)}>
          <option value="">Any category</option>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {CATEGORY_LABELS[c]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-risk`}>Risk</label>
        <select id={`${id}-risk`} value={filter.risk ?? ''} onChange={(e) => select('risk', e.target.value)}>
          <option value="">Any risk</option>
          {RISKS.map((r) => (
            <option key={r} value={r}>
              {RISK_LABELS[r]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-account`}>Account</label>
        <select id={`${id}-account`} value={filter.account ?? ''} onChange={(e) => select('account', e.target.value)}>
          <option value="">Any account</option>
          {accountOptions.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name === a.id ? a.id : `${a.name} (${a.id})`}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-action`}>Action</label>
        <select id={`${id}-action`} value={filter.actionType ?? ''} onChange={(e) => select('actionType', e.target.value)}>
          <option value="">Any action</option>
          {ACTION_TYPES.map((a) => (
            <option key={a} value={a}>
              {ACTION_LABELS[a]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-source`}>Source</label>
        <select id={`${id}-source`} value={filter.source ?? ''} onChange={(e) => select('source', e.target.value)}>
          <option value="">Any source</option>
          {RECOMMENDATION_SOURCES.map((s) => (
            <option key={s} value={s}>
              {SOURCE_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="field rec-min-savings">
        <label htmlFor={`${id}-min`}>Min. savings / month (USD)</label>
        <input
          id={`${id}-min`}
          type="text"
          inputMode="decimal"
          placeholder="e.g. 25"
          value={minSavings}
          onChange={(e) => setMinSavings(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') onChange({ minSavings: minSavings.trim() || undefined });
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-sort`}>Sort</label>
        <select id={`${id}-sort`} value={filter.sort ?? '-savings'} onChange={(e) => onChange({ sort: e.target.value as RecommendationFilter['sort'] })}>
          {RECOMMENDATION_SORTS.map((s) => (
            <option key={s} value={s}>
              {SORT_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      {hasRecommendationFilter(filter) || filter.sort ? (
        <Button variant="ghost" onClick={onReset}>
          Clear filters
        </Button>
      ) : null}
    </div>
  );
}

function RecommendationTable({
  items,
  accountNames,
  sort,
  onSort,
}: {
  items: Recommendation[];
  accountNames: Map<string, string>;
  sort: NonNullable<RecommendationFilter['sort']>;
  onSort: (sort: NonNullable<RecommendationFilter['sort']>) => void;
}) {
  const bySavings = sort === '-savings' || sort === 'savings';
  return (
    <div className="table-wrap">
      <table className="table rec-table" data-testid="recommendations">
        <thead>
          <tr>
            <th scope="col">Recommendation</th>
            <th scope="col">Resource</th>
            <th scope="col">Account · region</th>
            <th scope="col">Action</th>
            <th scope="col" className="num" aria-sort={sort === '-savings' ? 'descending' : sort === 'savings' ? 'ascending' : 'none'}>
              <button type="button" className="rec-sort" onClick={() => onSort(sort === '-savings' ? 'savings' : '-savings')} title="Sort by monthly savings">
                Savings / month {bySavings ? (sort === '-savings' ? '↓' : '↑') : ''}
              </button>
            </th>
            <th scope="col">Risk · effort</th>
            <th scope="col">Status · owner</th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr key={r.id} data-recommendation-id={r.id}>
              <td className="rec-title-cell">
                <Link to={`/recommendations/${encodeURIComponent(r.id)}`} data-testid="rec-title">
                  {r.title}
                </Link>
                <div className="muted rec-sub rec-reason" title={r.reason}>
                  {r.reason}
                </div>
                {r.source !== 'cloudoptima' || r.alsoReportedBy.length ? (
                  <div className="rec-sub" data-testid="rec-source">
                    {r.source !== 'cloudoptima' ? <Badge tone="neutral">From {SOURCE_LABELS[r.source]}</Badge> : null}
                    {r.alsoReportedBy.length ? <span className="muted"> Also reported by {r.alsoReportedBy.map((s) => SOURCE_LABELS[s]).join(' and ')}</span> : null}
                  </div>
                ) : null}
              </td>
              <td className="rec-resource-cell">
                <div data-testid="rec-resource">
                  {r.resourceRef ? <Link to={`/resources/${encodeURIComponent(r.resourceRef)}`}>{r.resourceName ?? r.resourceId}</Link> : (r.resourceName ?? r.resourceId)}
                </div>
                {r.resourceName && r.resourceName !== r.resourceId ? <div className="rec-mono rec-sub muted">{r.resourceId}</div> : null}
              </td>
              <td>
                <div data-testid="rec-account" className="nowrap">{accountNames.get(r.accountId) ?? r.accountId}</div>
                {accountNames.has(r.accountId) ? <div className="muted rec-mono">{r.accountId}</div> : null}
                <div className="muted rec-sub nowrap" data-testid="rec-region">
                  {r.region}
                </div>
              </td>
              <td data-testid="rec-action">{ACTION_LABELS[r.actionType]}</td>
              <td className="num">
                <strong data-testid="rec-savings">{formatMoney(r.estimatedMonthlySavings, r.currency)}</strong>
                <div className="muted rec-sub">
                  {formatPercent(r.estimatedSavingsPercentage)} of {formatMoney(r.currentMonthlyCost, r.currency)}
                </div>
              </td>
              <td>
                <div className="rec-badges">
                  <RiskBadge risk={r.risk} />
                  <EffortBadge effort={r.implementationEffort} />
                </div>
              </td>
              <td className="rec-status-cell">
                <StatusBadge status={r.status} />
                <div className="rec-sub" data-testid="rec-owner" title={r.ownerSource === 'tag' ? "From the resource's owner tag" : undefined}>
                  {r.owner ? (
                    <>
                      {r.owner}
                      {r.ownerSource === 'tag' ? <span className="muted"> (tag)</span> : null}
                    </>
                  ) : (
                    <span className="muted">No owner</span>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
