import { Link, useParams } from 'react-router';
import { useAccounts } from '../accounts/queries.js';
import { useCan, useTimeZone } from '../app/context.js';
import { formatDateTime, formatMoney, formatMonth, formatNumber } from '../format.js';
import {
  ACTION_LABELS,
  configValue,
  formatBytes,
  humanizeKey,
  RESOURCE_TYPE_LABELS,
  RiskBadge,
  StatusBadge,
  type ResourceDetail,
} from '../recommendations/labels.js';
import { useResource } from '../recommendations/queries.js';
import Sparkline from '../recommendations/Sparkline.js';
import { Badge, Card, EmptyState, ErrorState, Loading, PageHeader, Stat } from '../ui/index.js';
import '../recommendations/recommendations.css';

/**
 * One resource: its configuration and tags, 30 days of CloudWatch utilization per metric, its own
 * cost from billing, and every recommendation about it (any state), each linking to its detail.
 */
export default function Resource() {
  const { id = '' } = useParams();
  const query = useResource(id);
  return (
    <>
      <nav aria-label="Breadcrumb" className="rec-breadcrumb">
        <Link to="/resources">← Resources</Link>
      </nav>
      {query.isPending ? (
        <>
          <PageHeader title="Resource" />
          <Loading rows={8} label="Loading the resource" />
        </>
      ) : query.isError ? (
        <>
          <PageHeader title="Resource" />
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        </>
      ) : (
        <ResourceView resource={query.data} />
      )}
    </>
  );
}

function ResourceView({ resource: r }: { resource: ResourceDetail }) {
  const timeZone = useTimeZone();
  const can = useCan();
  const accounts = useAccounts();
  const accountName = accounts.items.find((a) => a.id === r.accountId)?.name;
  const tags = Object.entries(r.tags).sort(([a], [b]) => a.localeCompare(b));
  const metrics = Object.entries(r.utilization);
  const config = Object.entries(r.config);
  const open = r.recommendations.filter((x) => x.status === 'open');
  return (
    <>
      <PageHeader
        title={r.name ?? r.resourceId}
        description={
          <>
            {RESOURCE_TYPE_LABELS[r.type]}{r.name && r.name !== r.resourceId ? <> <span className="rec-mono">{r.resourceId}</span></> : null} · {accountName ? `${accountName} (${r.accountId})` : r.accountId} · {r.region}
          </>
        }
        actions={
          <span className="rec-meta">
            {r.state ? <Badge tone={r.state === 'running' || r.state === 'available' || r.state === 'active' ? 'good' : 'neutral'}>{r.state}</Badge> : null}
            {r.size ? <Badge>{r.size}</Badge> : null}
          </span>
        }
      />

      <div className="grid grid-4">
        <Stat
          testId="stat-res-open"
          label="Open recommendations"
          value={<span data-testid="res-open-count">{r.openRecommendations}</span>}
          detail={`${r.recommendations.length} in any state`}
        />
        <Stat
          testId="stat-res-savings"
          label="Potential savings per month"
          value={<span data-testid="res-savings">{formatMoney(r.estimatedMonthlySavings, 'USD')}</span>}
          detail="from its open recommendations"
          tone={open.length ? 'down' : undefined}
        />
        <Stat
          testId="stat-res-cost"
          label={r.cost ? `Billed cost · ${formatMonth(`${r.cost.period}-01`)}` : 'Billed cost'}
          value={<span data-testid="res-billed">{r.cost ? formatMoney(r.cost.billedCost, r.cost.currency) : <span className="muted">—</span>}</span>}
          detail={r.cost ? `${formatMoney(r.cost.effectiveCost, r.cost.currency)} effective · ${formatMoney(r.cost.listCost, r.cost.currency)} at list prices` : 'Billing does not name this resource'}
        />
        <Stat
          label="Collected"
          value={<span style={{ fontSize: '1rem' }}>{formatDateTime(r.collectedAt, timeZone)}</span>}
          detail={r.createdAt ? `created ${formatDateTime(r.createdAt, timeZone)}` : undefined}
        />
      </div>

      {can('recommendations:read') ? (
        <Card title="Recommendations" actions={<span className="muted rec-sub">Every recommendation about this resource, any state</span>}>
          {r.recommendations.length ? (
            <div className="table-wrap">
              <table className="table rec-table" data-testid="resource-recommendations">
                <thead>
                  <tr>
                    <th scope="col">Recommendation</th>
                    <th scope="col">Action</th>
                    <th scope="col" className="num">
                      Savings / month
                    </th>
                    <th scope="col">Risk</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {r.recommendations.map((x) => (
                    <tr key={x.id} data-recommendation-id={x.id}>
                      <td className="rec-title-cell">
                        <Link to={`/recommendations/${encodeURIComponent(x.id)}`}>{x.title}</Link>
                        <div className="muted rec-sub rec-reason">{x.reason}</div>
                      </td>
                      <td>{ACTION_LABELS[x.actionType]}</td>
                      <td className="num">
                        <strong data-testid="resource-rec-savings">{formatMoney(x.estimatedMonthlySavings, x.currency)}</strong>
                      </td>
                      <td>
                        <RiskBadge risk={x.risk} />
                      </td>
                      <td>
                        <StatusBadge status={x.status} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <EmptyState title="Nothing found">No rule found anything to change about this resource.</EmptyState>
          )}
        </Card>
      ) : null}

      <Card title="Utilization, last 30 days" actions={<span className="muted rec-sub">Daily values from CloudWatch</span>}>
        {metrics.length ? (
          <div className="res-metrics" data-testid="utilization">
            {metrics.map(([key, m]) => {
              const format = formatterFor(m.unit);
              return (
                <div className="res-metric" key={key} data-metric={key}>
                  <div className="res-metric-head">
                    <span className="res-metric-name">{humanizeKey(key)}</span>
                    <span className="muted rec-sub">{m.metric}</span>
                  </div>
                  <div className="res-metric-figures muted">
                    {m.days ? (
                      <>
                        avg <strong data-testid="metric-average">{m.average === null ? '—' : format(m.average)}</strong> · max {m.maximum === null ? '—' : format(m.maximum)} · {m.days}{' '}
                        {m.days === 1 ? 'day' : 'days'}
                      </>
                    ) : (
                      'No data in the last 30 days'
                    )}
                  </div>
                  {m.daily.some((v) => v !== null) ? (
                    <Sparkline
                      daily={m.daily}
                      format={format}
                      label={`${humanizeKey(key)} per day over ${m.daily.length} days: average ${m.average === null ? 'none' : format(m.average)}, maximum ${m.maximum === null ? 'none' : format(m.maximum)}`}
                    />
                  ) : null}
                </div>
              );
            })}
          </div>
        ) : (
          <EmptyState title="No utilization metrics">CloudWatch has no metrics for this kind of resource, or none were collected yet.</EmptyState>
        )}
      </Card>

      <div className="res-layout">
        <Card title="Configuration">
          {config.length ? (
            <div className="table-wrap">
              <table className="table res-config-table" data-testid="configuration">
                <tbody>
                  {config.map(([k, v]) => (
                    <tr key={k}>
                      <td>{humanizeKey(k)}</td>
                      <td className="rec-mono">{configValue(v)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted">No configuration collected.</p>
          )}
        </Card>
        <div className="rec-column">
          <Card title="Tags">
            {tags.length ? (
              <ul className="res-tags" data-testid="tags">
                {tags.map(([k, v]) => (
                  <li key={k} className="chip">
                    <span className="res-tag-key">{k}</span>
                    <span>=</span>
                    <span>{v || <span className="muted">(empty)</span>}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted" style={{ margin: 0 }}>
                No tags.
              </p>
            )}
          </Card>
          <Card title="Cost from billing">
            {r.cost ? (
              <>
                <div className="table-wrap">
                  <table className="table" data-testid="resource-cost">
                    <thead>
                      <tr>
                        <th scope="col">Month</th>
                        <th scope="col" className="num">
                          Billed
                        </th>
                        <th scope="col" className="num">
                          Effective
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {r.cost.monthly.map((m) => (
                        <tr key={m.period}>
                          <td>{formatMonth(`${m.period}-01`)}</td>
                          <td className="num">{formatMoney(m.billedCost, r.cost!.currency)}</td>
                          <td className="num">{formatMoney(m.effectiveCost, r.cost!.currency)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <p className="muted rec-sub">
                  Its own line items in your billing export, named by its id. Effective is amortized, after discounts; {formatMonth(`${r.cost.period}-01`)} ({r.cost.days} days) at
                  public on-demand prices would be {formatMoney(r.cost.listCost, r.cost.currency)}.
                </p>
              </>
            ) : (
              <EmptyState title="No billed cost">Your billing data does not name this resource by its id (some services bill per account, not per resource).</EmptyState>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}

/** A metric's values in its unit's words. */
function formatterFor(unit: string): (n: number) => string {
  switch (unit) {
    case 'Percent':
      return (n) => `${formatNumber(Math.round(n * 10) / 10)} %`;
    case 'Bytes':
      return (n) => formatBytes(n);
    case 'Milliseconds':
      return (n) => `${formatNumber(Math.round(n))} ms`;
    case 'Count/Second':
      return (n) => `${formatNumber(Math.round(n * 10) / 10)}/s`;
    default:
      return (n) => formatNumber(Math.round(n * 10) / 10);
  }
}
