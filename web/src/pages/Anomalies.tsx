import { useId } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ANOMALY_STATUSES, SEVERITIES } from '#shared/analysis/constants.js';
import { hasFilter, readFilter, writeFilter } from '../anomalies/filters.js';
import { formatSpan, seriesLabel, SeverityBadge, SEVERITY_LABELS, spanDays, StatusBadge, STATUS_LABELS, FEEDBACK_LABELS, MONITOR_LABELS, type AnomalySummary } from '../anomalies/labels.js';
import { useAnomalyList, type AnomalyFilter } from '../anomalies/queries.js';
import { addDays } from '../costs/dates.js';
import { formatMoney } from '../format.js';
import { Button, Card, EmptyState, ErrorState, Loading, Notice, PageHeader, LoadMore } from '../ui/index.js';
import '../anomalies/anomalies.css';

/**
 * Cost anomalies, newest first: where spend jumped, by how much above the expected, and what drove
 * it. Filters live in the URL in the API's own grammar, so a shared link opens the same list.
 */
export default function Anomalies() {
  const [search, setSearch] = useSearchParams();
  const { filter, problem } = readFilter(search);
  const { query, items } = useAnomalyList(filter, problem === null);
  const setFilter = (next: AnomalyFilter) => setSearch(writeFilter(search, next), { replace: true });
  const filtered = hasFilter(filter);

  return (
    <>
      <PageHeader
        title="Anomalies"
        description="Unusual jumps in daily spend, found in the total and in each service, account, region and usage type, with their cost above the expected and the root cause."
      />
      <Card>
        <Filters filter={filter} onChange={setFilter} />
      </Card>
      {problem ? (
        <Notice tone="bad">
          These filters cannot be used: {problem}{' '}
          <Button variant="ghost" onClick={() => setFilter({})}>
            Clear filters
          </Button>
        </Notice>
      ) : query.isPending ? (
        <Card>
          <Loading rows={6} label="Loading anomalies" />
        </Card>
      ) : query.isError && items.length === 0 ? (
        <Card>
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        </Card>
      ) : items.length === 0 ? (
        <Card>
          {filtered ? (
            <EmptyState title="No anomalies match these filters" action={<Button onClick={() => setFilter({})}>Clear filters</Button>}>
              Try another status, severity or date range.
            </EmptyState>
          ) : (
            <div data-testid="anomalies-empty">
              <EmptyState title="No anomalies detected">
                Daily spend is checked after every billing ingestion and once a day. When spend jumps well above what its own history predicts, the anomaly is listed here
                with its cost impact and root cause.
              </EmptyState>
            </div>
          )}
        </Card>
      ) : (
        <Card>
          <AnomalyTable anomalies={items} />
          <div className="anomaly-list-footer">
            <span className="muted" data-testid="anomalies-count">
              {items.length} {items.length === 1 ? 'anomaly' : 'anomalies'}
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

function Filters({ filter, onChange }: { filter: AnomalyFilter; onChange: (f: AnomalyFilter) => void }) {
  const id = useId();
  // The URL holds the API's exclusive end; people pick the last day they want to see.
  const lastDay = filter.end ? addDays(filter.end, -1) : '';
  return (
    <div className="toolbar anomaly-filters" role="search" aria-label="Filter anomalies">
      <div className="field">
        <label htmlFor={`${id}-status`}>Status</label>
        <select id={`${id}-status`} value={filter.status ?? ''} onChange={(e) => onChange({ ...filter, status: (e.target.value || undefined) as AnomalyFilter['status'] })}>
          <option value="">Any status</option>
          {ANOMALY_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-severity`}>Severity</label>
        <select id={`${id}-severity`} value={filter.severity ?? ''} onChange={(e) => onChange({ ...filter, severity: (e.target.value || undefined) as AnomalyFilter['severity'] })}>
          <option value="">Any severity</option>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {SEVERITY_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-from`}>Started from</label>
        <input id={`${id}-from`} type="date" value={filter.start ?? ''} max={lastDay || undefined} onChange={(e) => onChange({ ...filter, start: e.target.value || undefined })} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-to`}>Started to (inclusive)</label>
        <input
          id={`${id}-to`}
          type="date"
          value={lastDay}
          min={filter.start || undefined}
          onChange={(e) => onChange({ ...filter, end: e.target.value ? addDays(e.target.value, 1) : undefined })}
        />
      </div>
      {hasFilter(filter) ? (
        <Button variant="ghost" onClick={() => onChange({})}>
          Clear filters
        </Button>
      ) : null}
    </div>
  );
}

function AnomalyTable({ anomalies }: { anomalies: AnomalySummary[] }) {
  return (
    <div className="table-wrap">
      <table className="table anomaly-table" data-testid="anomalies">
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Series</th>
            <th scope="col">Severity</th>
            <th scope="col" className="num">
              Impact
            </th>
            <th scope="col">Status</th>
            <th scope="col">Root cause</th>
          </tr>
        </thead>
        <tbody>
          {anomalies.map((a) => {
            const days = spanDays(a.startDate, a.endDate);
            return (
              <tr key={a.id} data-anomaly-id={a.id}>
                <td className="anomaly-started">
                  <span data-testid="anomaly-started">{formatSpan(a.startDate, a.endDate)}</span>
                  <div className="muted anomaly-sub">
                    {days} {days === 1 ? 'day' : 'days'}
                  </div>
                </td>
                <td>
                  <div className="muted anomaly-sub">{a.monitor === 'total' ? 'Tenant total' : MONITOR_LABELS[a.monitor]}</div>
                  <Link to={`/anomalies/${encodeURIComponent(a.id)}`} data-testid="anomaly-series" aria-label={`${seriesLabel(a)}, ${formatSpan(a.startDate, a.endDate)}: details`}>
                    {a.dimensionName}
                  </Link>
                </td>
                <td>
                  <SeverityBadge severity={a.severity} />
                </td>
                <td className="num">
                  <span data-testid="anomaly-impact">{formatMoney(a.impact, a.currency)}</span>
                  <div className="muted anomaly-sub">{formatMoney(a.impactPerDay, a.currency)}/day</div>
                </td>
                <td>
                  <StatusBadge status={a.status} />
                  {a.feedback ? <div className="muted anomaly-sub">{FEEDBACK_LABELS[a.feedback]}</div> : null}
                  {a.suppressed ? <div className="muted anomaly-sub">Same cause marked expected</div> : null}
                </td>
                <td className="anomaly-cause" data-testid="anomaly-cause">
                  {a.rootCause}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
