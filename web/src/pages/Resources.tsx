import { useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { RESOURCE_TYPES } from '#shared/inventory/model.js';
import { useAccounts } from '../accounts/queries.js';
import { formatMoney } from '../format.js';
import { readResourceFilter, writeResourceFilter } from '../recommendations/filters.js';
import { RESOURCE_TYPE_LABELS, type ResourceRow } from '../recommendations/labels.js';
import { useResourceList, type ResourceFilter } from '../recommendations/queries.js';
import { Badge, Button, Card, EmptyState, ErrorState, LoadMore, Loading, Notice, PageHeader } from '../ui/index.js';
import '../recommendations/recommendations.css';

/**
 * The collected resources with what CloudOptima found about them: their open recommendations and
 * savings. Filter by type, account and region, search ids, names and tags; each opens its detail
 * (configuration, 30 days of utilization, its cost from billing, its recommendations).
 */
export default function Resources() {
  const [search, setSearch] = useSearchParams();
  const { filter, problem } = readResourceFilter(search);
  const { query, items } = useResourceList(filter, problem === null);
  const accounts = useAccounts();
  const names = new Map(accounts.items.map((a) => [a.id, a.name]));
  const regions = [...new Set([...accounts.items.flatMap((a) => a.lastSync?.regions ?? []), ...(filter.region ? [filter.region] : [])])].sort();
  // Changes apply to the address as it is when they happen (not as this render saw it), so two
  // quick changes in a row both count.
  const setFilter = (changes: Partial<ResourceFilter>, replaceAll = false) => {
    const now = new URLSearchParams(window.location.search);
    setSearch(writeResourceFilter(now, replaceAll ? changes : { ...readResourceFilter(now).filter, ...changes }), { replace: true });
  };
  const filtered = Object.values(filter).some(Boolean);
  const id = useId();

  // The search box follows the URL and writes it once typing pauses.
  const [q, setQ] = useState(filter.q ?? '');
  useEffect(() => setQ(filter.q ?? ''), [filter.q]);
  useEffect(() => {
    if (q.trim() === (filter.q ?? '')) return;
    const timer = setTimeout(() => setFilter({ q: q.trim() || undefined }), 350);
    return () => clearTimeout(timer);
  });

  return (
    <>
      <PageHeader
        title="Resources"
        description="Every resource collected from your connected AWS accounts, with its open recommendations and what they would save each month."
      />
      <Card>
        <div className="toolbar" role="search" aria-label="Filter resources">
          <div className="field">
            <label htmlFor={`${id}-q`}>Search</label>
            <input id={`${id}-q`} type="search" placeholder="Id, name or tag" value={q} maxLength={128} onChange={(e) => setQ(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-type`}>Type</label>
            <select id={`${id}-type`} value={filter.type ?? ''} onChange={(e) => setFilter({ type: (e.target.value || undefined) as ResourceFilter['type'] })}>
              <option value="">All types</option>
              {RESOURCE_TYPES.map((t) => (
                <option key={t} value={t}>
                  {RESOURCE_TYPE_LABELS[t]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-account`}>Account</label>
            <select id={`${id}-account`} value={filter.account ?? ''} onChange={(e) => setFilter({ account: e.target.value || undefined })}>
              <option value="">All accounts</option>
              {accounts.items.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.id})
                </option>
              ))}
              {filter.account && !names.has(filter.account) ? <option value={filter.account}>{filter.account}</option> : null}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-region`}>Region</label>
            <select id={`${id}-region`} value={filter.region ?? ''} onChange={(e) => setFilter({ region: e.target.value || undefined })}>
              <option value="">All regions</option>
              {regions.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </div>
          {filtered ? (
            <Button variant="ghost" onClick={() => setFilter({}, true)}>
              Clear filters
            </Button>
          ) : null}
        </div>
      </Card>
      {problem ? (
        <Notice tone="bad">
          These filters cannot be used: {problem}{' '}
          <Button variant="ghost" onClick={() => setFilter({}, true)}>
            Clear filters
          </Button>
        </Notice>
      ) : query.isPending ? (
        <Card>
          <Loading rows={8} label="Loading resources" />
        </Card>
      ) : query.isError && items.length === 0 ? (
        <Card>
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        </Card>
      ) : items.length === 0 && !query.hasNextPage ? (
        <Card>
          <div data-testid="resources-empty">
            {filtered ? (
              <EmptyState title="No resources match these filters" action={<Button onClick={() => setFilter({}, true)}>Clear filters</Button>}>
                Try another type, account, region or search.
              </EmptyState>
            ) : (
              <EmptyState title="No resources collected yet">Connect an AWS account and sync it: its resources appear here.</EmptyState>
            )}
          </div>
        </Card>
      ) : (
        <Card>
          <div className="table-wrap">
            <table className="table rec-table" data-testid="resources">
              <thead>
                <tr>
                  <th scope="col">Resource</th>
                  <th scope="col">Type</th>
                  <th scope="col">Account</th>
                  <th scope="col">Region</th>
                  <th scope="col">State</th>
                  <th scope="col">Size</th>
                  <th scope="col" className="num">
                    Open<span className="visually-hidden"> recommendations</span>
                  </th>
                  <th scope="col" className="num">
                    Savings / month
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((r: ResourceRow) => (
                  <tr key={r.id} data-resource-ref={r.id}>
                    <td className="rec-resource-cell">
                      <Link to={`/resources/${encodeURIComponent(r.id)}`} data-testid="res-name">
                        {r.name ?? r.resourceId}
                      </Link>
                      {r.name && r.name !== r.resourceId ? <div className="rec-mono muted">{r.resourceId}</div> : null}
                    </td>
                    <td data-testid="res-type" className="nowrap">{RESOURCE_TYPE_LABELS[r.type]}</td>
                    <td className="nowrap">
                      <div>{names.get(r.accountId) ?? r.accountId}</div>
                      {names.has(r.accountId) ? <div className="rec-mono muted">{r.accountId}</div> : null}
                    </td>
                    <td className="nowrap">{r.region}</td>
                    <td className="nowrap">{r.state ?? <span className="muted">—</span>}</td>
                    <td className="nowrap">{r.size ?? <span className="muted">—</span>}</td>
                    <td className="num" data-testid="res-open">
                      {r.openRecommendations ? <Badge tone="info">{r.openRecommendations}</Badge> : <span className="muted">0</span>}
                    </td>
                    <td className="num" data-testid="res-savings">
                      {r.openRecommendations ? <strong>{formatMoney(r.estimatedMonthlySavings, 'USD')}</strong> : <span className="muted">—</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="rec-list-footer">
            <span className="muted" data-testid="resources-count">
              {items.length} {items.length === 1 ? 'resource' : 'resources'}
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
