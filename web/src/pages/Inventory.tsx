import { useId } from 'react';
import { useSearchParams } from 'react-router';
import { useInfiniteQuery } from '@tanstack/react-query';
import { inventoryQuery, inventoryRoutes } from '#shared/contracts/inventory.js';
import { RESOURCE_TYPES, type ResourceType } from '#shared/inventory/model.js';
import { RESOURCE_LABELS, utilizationOf, type Resource } from '../accounts/labels.js';
import { accountKeys, useAccounts } from '../accounts/queries.js';
import { useApi, useTimeZone } from '../app/context.js';
import { formatDateTime } from '../format.js';
import { Button, Card, EmptyState, ErrorState, Loading, Notice, PageHeader, LoadMore } from '../ui/index.js';
import '../accounts/accounts.css';

const PAGE = 100;
type Filter = { type?: ResourceType; account?: string; region?: string };

/** The URL holds the filters in the API's own grammar (?type=&account=&region=), checked by its schema. */
function readFilter(search: URLSearchParams): { filter: Filter; problem: string | null } {
  const raw = Object.fromEntries(['type', 'account', 'region'].flatMap((k) => (search.get(k) ? [[k, search.get(k)!]] : [])));
  const parsed = inventoryQuery.safeParse(raw);
  if (!parsed.success) return { filter: {}, problem: parsed.error.issues.map((i) => `${String(i.path[0] ?? '')}: ${i.message}`).join('; ') };
  const { type, account, region } = parsed.data;
  return { filter: { ...(type ? { type } : {}), ...(account ? { account } : {}), ...(region ? { region } : {}) }, problem: null };
}

/**
 * Every collected resource of the connected accounts, normalized (EC2, EBS, snapshots, Elastic IPs,
 * load balancers, NAT gateways, RDS, Lambda, S3, log groups) with its utilization over 30 days.
 */
export default function Inventory() {
  const api = useApi();
  const zone = useTimeZone();
  const [search, setSearch] = useSearchParams();
  const { filter, problem } = readFilter(search);
  const accounts = useAccounts();
  const names = new Map(accounts.items.map((a) => [a.id, a.name]));
  const regions = [...new Set(accounts.items.flatMap((a) => a.lastSync?.regions ?? []))].sort();
  const query = useInfiniteQuery({
    queryKey: [...accountKeys.inventory, filter],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => api.call(inventoryRoutes.list, { query: { ...filter, limit: PAGE, cursor: pageParam }, signal }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: problem === null,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  const setFilter = (key: keyof Filter, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(key, value);
    else next.delete(key);
    setSearch(next, { replace: true });
  };
  const filtered = Object.keys(filter).length > 0;
  const ids = { type: useId(), account: useId(), region: useId() };

  return (
    <>
      <PageHeader title="Inventory" description="The resources collected from your connected AWS accounts, with their configuration and 30 days of utilization from CloudWatch." />
      <Card>
        <div className="inventory-filters" role="group" aria-label="Filters">
          <div className="field">
            <label htmlFor={ids.type}>Type</label>
            <select id={ids.type} value={filter.type ?? ''} onChange={(e) => setFilter('type', e.target.value)}>
              <option value="">All types</option>
              {RESOURCE_TYPES.map((t) => (
                <option key={t} value={t}>
                  {RESOURCE_LABELS[t]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.account}>Account</label>
            <select id={ids.account} value={filter.account ?? ''} onChange={(e) => setFilter('account', e.target.value)}>
              <option value="">All accounts</option>
              {accounts.items.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.id})
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.region}>Region</label>
            <select id={ids.region} value={filter.region ?? ''} onChange={(e) => setFilter('region', e.target.value)}>
              <option value="">All regions</option>
              {[...new Set([...regions, ...(filter.region ? [filter.region] : [])])].map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </div>
          {filtered ? (
            <Button variant="ghost" onClick={() => setSearch(new URLSearchParams(), { replace: true })}>
              Clear filters
            </Button>
          ) : null}
        </div>
      </Card>
      {problem ? (
        <Notice tone="bad">These filters cannot be used: {problem}</Notice>
      ) : query.isPending ? (
        <Card>
          <Loading rows={8} label="Loading inventory" />
        </Card>
      ) : query.isError && items.length === 0 ? (
        <Card>
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        </Card>
      ) : items.length === 0 ? (
        <Card>
          {filtered ? (
            <EmptyState title="No resources match these filters">Try another type, account or region.</EmptyState>
          ) : (
            <EmptyState title="No resources collected yet">Connect an AWS account and sync it: its resources appear here.</EmptyState>
          )}
        </Card>
      ) : (
        <Card>
          <div className="table-wrap">
            <table className="table inventory-table" aria-label="Resources">
              <thead>
                <tr>
                  <th scope="col">Resource</th>
                  <th scope="col">Type</th>
                  <th scope="col">Account</th>
                  <th scope="col">Region</th>
                  <th scope="col">State</th>
                  <th scope="col">Size</th>
                  <th scope="col">Utilization (30 days)</th>
                  <th scope="col">Collected</th>
                </tr>
              </thead>
              <tbody>
                {items.map((r: Resource) => (
                  <tr key={`${r.accountId}|${r.region}|${r.resourceId}`} data-resource-id={r.resourceId}>
                    <td>
                      <div className="cell-primary">{r.name ?? r.resourceId}</div>
                      {r.name ? <div className="resource-id">{r.resourceId}</div> : null}
                    </td>
                    <td>{RESOURCE_LABELS[r.type]}</td>
                    <td>
                      <div>{names.get(r.accountId) ?? r.accountId}</div>
                      <div className="cell-sub">{r.accountId}</div>
                    </td>
                    <td>{r.region}</td>
                    <td>{r.state ?? <span className="muted">–</span>}</td>
                    <td>{r.size ?? <span className="muted">–</span>}</td>
                    <td data-testid="utilization">{utilizationOf(r) ?? <span className="muted">–</span>}</td>
                    <td className="cell-sub">{formatDateTime(r.collectedAt, zone)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="list-footer">
            <span className="muted" data-testid="inventory-count">
              {items.length.toLocaleString('en-US')} {items.length === 1 ? 'resource' : 'resources'}
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
