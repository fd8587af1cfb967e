import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { useLocation } from 'react-router';
import { useViewSearch } from '../costs/useViewSearch.js';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { costRoutes } from '#shared/contracts/costs.js';
import { useApi } from '../app/context.js';
import TrendChart, { ChartLegend, colorOf, type TrendSeries } from '../charts/TrendChart.js';
import { formatRange, Freshness, MetricPicker, OtherCurrencies, RangePicker, ShareCell, useTenantToday } from '../costs/controls.js';
import { breakdownCsv, csvFileName, downloadText, type Breakdown } from '../costs/csv.js';
import {
  addFilter,
  dimensionLabel,
  DIMENSIONS,
  filterDimensionsFor,
  filterQuery,
  granularityOf,
  incompatibility,
  isTag,
  parseView,
  rangeOf,
  removeFilter,
  serializeView,
  TOP_CHOICES,
  valueLabel,
  type CostView,
  type Filter,
} from '../costs/view.js';
import { formatMoney, formatPercent } from '../format.js';
import { Button, Card, EmptyState, ErrorState, Loading, Notice, PageHeader } from '../ui/index.js';
import './CostExplorer.css';

/**
 * The cost explorer: spend over a range, grouped by a dimension, tag key or resource, filtered, as a
 * stacked chart of the top N + other and a table. The whole view lives in the URL (the API's own
 * filter grammar, see costs/view.ts): reloading or sharing the address restores it.
 */
export default function CostExplorer() {
  const api = useApi();
  const location = useLocation();
  const { latest, go } = useViewSearch();
  const view = useMemo(() => parseView(location.search), [location.search]);
  const setView = (patch: Partial<CostView>) => go(serializeView({ ...parseView(latest()), ...patch }));
  // Filters a new grouping cannot be answered under are dropped, and the page says which and why.
  const [dropped, setDropped] = useState<{ search: string; notes: string[] } | null>(null);
  const setGroupBy = (groupBy: string) => {
    const current = parseView(latest());
    const keep = current.filters.filter((f) => incompatibility(groupBy, f.dimension) === null);
    const notes = current.filters
      .filter((f) => !keep.includes(f))
      .map((f) => `${dimensionLabel(f.dimension)}: ${f.values.map(valueLabel).join(' or ')} (${incompatibility(groupBy, f.dimension)})`);
    const search = serializeView({ ...current, groupBy, filters: keep });
    setDropped(notes.length ? { search, notes } : null);
    go(search);
  };
  const today = useTenantToday();
  const range = rangeOf(view, today);
  const granularity = granularityOf(view, range);

  const query = {
    ...range,
    groupBy: view.groupBy,
    granularity,
    metric: view.metric,
    top: view.top,
    ...(view.currency ? { currency: view.currency } : {}),
    ...filterQuery(view.filters),
  };
  const breakdown = useQuery({
    queryKey: ['costs', 'breakdown', query],
    queryFn: ({ signal }) => api.call(costRoutes.breakdown, { query, signal }),
    placeholderData: keepPreviousData,
  });
  const b = breakdown.data;
  const canFilterRows = view.groupBy !== 'resource';

  return (
    <>
      <PageHeader
        title="Cost explorer"
        description="Slice spend by service, account, region, usage type, charge category, tag or resource."
        actions={
          <>
            {b ? <Freshness estimated={b.estimated} dataUpdatedAt={b.dataUpdatedAt} /> : null}
            <Button onClick={() => b && downloadText(breakdownCsv(b), csvFileName(b))} disabled={!b || breakdown.isPlaceholderData || (b.rows.length === 0 && !b.other)}>
              Download CSV
            </Button>
          </>
        }
      />

      <Card>
        <div className="cost-toolbar explorer-toolbar">
          <RangePicker
            preset={view.range}
            range={range}
            onPreset={(id) => setView({ range: id, start: null, end: null })}
            onCustom={(r) => setView({ range: 'custom', start: r.start, end: r.end })}
          />
          <GroupByPicker value={view.groupBy} onChange={setGroupBy} />
          <div className="field">
            <span className="field-label" id="granularity-label">
              Granularity
            </span>
            <div className="segmented" role="group" aria-labelledby="granularity-label">
              {(['daily', 'monthly'] as const).map((g) => (
                <button
                  key={g}
                  type="button"
                  aria-pressed={granularity === g}
                  disabled={g === 'daily' && view.groupBy === 'resource'}
                  title={g === 'daily' && view.groupBy === 'resource' ? 'Resource costs are kept per month' : undefined}
                  onClick={() => setView({ granularity: g })}
                >
                  {g === 'daily' ? 'Daily' : 'Monthly'}
                </button>
              ))}
            </div>
          </div>
          <MetricPicker value={view.metric} onChange={(metric) => setView({ metric })} />
          <div className="field">
            <label htmlFor="explorer-top">Show</label>
            <select id="explorer-top" value={view.top} onChange={(e) => setView({ top: Number(e.target.value) })}>
              {TOP_CHOICES.map((n) => (
                <option key={n} value={n}>
                  Top {n}
                </option>
              ))}
            </select>
          </div>
        </div>
        <Filters view={view} range={range} onChange={(filters) => setView({ filters })} />
      </Card>

      {dropped && dropped.search === location.search ? (
        <Notice>
          Removed {dropped.notes.length === 1 ? 'a filter' : 'filters'} that cannot apply when grouping by {dimensionLabel(view.groupBy).toLowerCase()}: {dropped.notes.join('; ')}.
        </Notice>
      ) : null}
      {b ? <OtherCurrencies shown={b.currency} currencies={b.currencies} onPick={(currency) => setView({ currency })} /> : null}

      {breakdown.isPending ? (
        <Card>
          <Loading rows={10} label="Loading costs" />
        </Card>
      ) : breakdown.isError && !b ? (
        <Card>
          <ErrorState error={breakdown.error} onRetry={() => void breakdown.refetch()} />
        </Card>
      ) : b ? (
        <>
          {breakdown.isError ? <ErrorState error={breakdown.error} onRetry={() => void breakdown.refetch()} /> : null}
          <Card
            className={breakdown.isPlaceholderData ? 'explorer-stale' : ''}
            title={
              <>
                {b.granularity === 'daily' ? 'Daily' : 'Monthly'} {b.metric} cost by {dimensionLabel(b.groupBy).toLowerCase()}
                <span className="muted explorer-subtitle"> · {formatRange(b)}</span>
              </>
            }
            actions={
              <div className="segmented" role="group" aria-label="Chart type">
                {(['bar', 'area'] as const).map((c) => (
                  <button key={c} type="button" aria-pressed={view.chart === c} onClick={() => setView({ chart: c })}>
                    {c === 'bar' ? 'Bars' : 'Areas'}
                  </button>
                ))}
              </div>
            }
          >
            {b.rows.length === 0 && !b.other ? (
              <EmptyState title="No spend in this view">
                {view.filters.length ? 'Nothing matches these filters in this range. Remove a filter or widen the range.' : 'There is no billing data in this range.'}
              </EmptyState>
            ) : (
              <ExplorerChart breakdown={b} kind={view.chart} />
            )}
          </Card>
          {b.rows.length || b.other ? (
            <Card title={`${dimensionLabel(b.groupBy)} totals`}>
              <BreakdownTable
                breakdown={b}
                onFilter={canFilterRows ? (key) => setView({ filters: addFilter(view.filters, view.groupBy, key) }) : undefined}
              />
            </Card>
          ) : null}
        </>
      ) : null}
    </>
  );
}

function seriesOf(b: Breakdown): TrendSeries[] {
  const series: TrendSeries[] = b.rows.map((r) => ({ key: r.key, name: r.name, points: r.points }));
  if (b.other) series.push({ key: '(other)', name: `Other (${b.other.count} more)`, points: b.other.points, other: true });
  return series;
}

function ExplorerChart({ breakdown: b, kind }: { breakdown: Breakdown; kind: 'bar' | 'area' }) {
  const series = useMemo(() => seriesOf(b), [b]);
  return (
    <div data-testid="explorer-chart" data-series={series.length}>
      <TrendChart
        series={series}
        currency={b.currency}
        granularity={b.granularity}
        kind={kind}
        height={340}
        label={`${b.granularity === 'daily' ? 'Daily' : 'Monthly'} ${b.metric} cost by ${dimensionLabel(b.groupBy)} from ${formatRange(b)}: ${series.map((s) => s.name).join(', ')}`}
      />
      <ChartLegend series={series} />
    </div>
  );
}

function BreakdownTable({ breakdown: b, onFilter }: { breakdown: Breakdown; onFilter?: (key: string) => void }) {
  const series = seriesOf(b);
  return (
    <div className="table-wrap">
      <table className="table" data-testid="breakdown-table">
        <caption className="visually-hidden">
          {dimensionLabel(b.groupBy)} totals from {formatRange(b)}
        </caption>
        <thead>
          <tr>
            <th scope="col">{dimensionLabel(b.groupBy)}</th>
            <th scope="col" className="num">
              Cost
            </th>
            <th scope="col" className="num">
              Share
            </th>
          </tr>
        </thead>
        <tbody>
          {b.rows.map((r, i) => (
            <tr key={r.key} data-key={r.key}>
              <td>
                <span className="swatch" style={{ background: colorOf(series[i]!, i) }} />
                {onFilter ? (
                  <button type="button" className="link-btn" onClick={() => onFilter(r.key)} title={`Show only ${r.name}`}>
                    {r.name}
                  </button>
                ) : (
                  <span className={b.groupBy === 'resource' ? 'mono' : undefined}>{r.name}</span>
                )}
                {b.groupBy === 'account' && r.name !== r.key ? <span className="muted mono explorer-key"> {r.key}</span> : null}
              </td>
              <td className="num">{formatMoney(r.amount, b.currency)}</td>
              <td className="num">
                <ShareCell share={r.share} />
              </td>
            </tr>
          ))}
          {b.other ? (
            <tr data-key="(other)">
              <td>
                <span className="swatch" style={{ background: colorOf(series.at(-1)!, series.length - 1) }} />
                <span className="muted">Other ({b.other.count} more)</span>
              </td>
              <td className="num">{formatMoney(b.other.amount, b.currency)}</td>
              <td className="num">
                <ShareCell share={b.other.share} />
              </td>
            </tr>
          ) : null}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td className="num" data-testid="breakdown-total">
              {formatMoney(b.total, b.currency)}
            </td>
            <td className="num">{Number(b.total) > 0 ? formatPercent('100') : ''}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/** Group by: a dimension, resource, or a tag key typed in. */
function GroupByPicker({ value, onChange }: { value: string; onChange: (groupBy: string) => void }) {
  const id = useId();
  const tagged = isTag(value);
  const [choice, setChoice] = useState(tagged ? 'tag' : value);
  const [tagKey, setTagKey] = useState(tagged ? value.slice(4) : '');
  useEffect(() => {
    setChoice(isTag(value) ? 'tag' : value);
    if (isTag(value)) setTagKey(value.slice(4));
  }, [value]);
  const applyTag = (e?: FormEvent) => {
    e?.preventDefault();
    const key = tagKey.trim();
    if (key) onChange(`tag:${key}`);
  };
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-group`}>Group by</label>
        <select
          id={`${id}-group`}
          value={choice}
          onChange={(e) => {
            setChoice(e.target.value);
            if (e.target.value !== 'tag') onChange(e.target.value);
            else if (tagKey.trim()) onChange(`tag:${tagKey.trim()}`);
          }}
        >
          {DIMENSIONS.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label}
            </option>
          ))}
          <option value="resource">Resource</option>
          <option value="tag">Tag…</option>
        </select>
      </div>
      {choice === 'tag' ? (
        <form className="field explorer-inline-form" onSubmit={applyTag}>
          <label htmlFor={`${id}-tag`}>Tag key</label>
          <span className="explorer-inline">
            <input id={`${id}-tag`} value={tagKey} onChange={(e) => setTagKey(e.target.value)} placeholder="e.g. team" maxLength={128} size={12} />
            <Button type="submit" disabled={!tagKey.trim() || `tag:${tagKey.trim()}` === value}>
              Apply
            </Button>
          </span>
        </form>
      ) : null}
    </>
  );
}

/** The filter chips (OR within a dimension, AND across) and the form that adds one. */
function Filters({ view, range, onChange }: { view: CostView; range: { start: string; end: string }; onChange: (filters: Filter[]) => void }) {
  const [adding, setAdding] = useState(false);
  return (
    <div className="explorer-filters">
      <div className="explorer-chips" aria-label="Filters" role="group">
        <span className="field-label">Filters</span>
        {view.filters.length === 0 ? <span className="muted">None: all spend</span> : null}
        {view.filters.map((f, i) => (
          <span key={f.dimension} className="explorer-filter-group">
            {i > 0 ? <span className="muted explorer-and">and</span> : null}
            {f.values.map((v, j) => (
              <span key={v} className="explorer-filter-value">
                {j > 0 ? <span className="muted explorer-or">or</span> : null}
                <span className="chip" data-testid="filter-chip">
                  <span>
                    <span className="muted">{dimensionLabel(f.dimension)}:</span> {valueLabel(v)}
                  </span>
                  <button type="button" aria-label={`Remove filter ${dimensionLabel(f.dimension)} ${valueLabel(v)}`} onClick={() => onChange(removeFilter(view.filters, f.dimension, v))}>
                    ×
                  </button>
                </span>
              </span>
            ))}
          </span>
        ))}
        {!adding ? (
          <Button variant="ghost" onClick={() => setAdding(true)}>
            + Add filter
          </Button>
        ) : null}
        {view.filters.length > 0 ? (
          <Button variant="ghost" onClick={() => onChange([])}>
            Clear all
          </Button>
        ) : null}
      </div>
      {adding ? (
        <AddFilter
          view={view}
          range={range}
          onAdd={(dimension, value) => {
            onChange(addFilter(view.filters, dimension, value));
            setAdding(false);
          }}
          onCancel={() => setAdding(false)}
        />
      ) : null}
    </div>
  );
}

function AddFilter({ view, range, onAdd, onCancel }: { view: CostView; range: { start: string; end: string }; onAdd: (dimension: string, value: string) => void; onCancel: () => void }) {
  const api = useApi();
  const id = useId();
  // Only the dimensions this grouping can be filtered by (the API refuses the others).
  const choices = filterDimensionsFor(view.groupBy);
  const [dimension, setDimension] = useState<string>(choices.includes(view.groupBy) ? view.groupBy : choices[0]!);
  const [value, setValue] = useState('');

  // Suggestions: the values with spend for this dimension, in this range, under the other filters.
  const others = view.filters.filter((f) => f.dimension !== dimension);
  const query = { ...range, groupBy: dimension, granularity: 'monthly', metric: view.metric, top: 50, ...filterQuery(others) };
  const suggestions = useQuery({
    queryKey: ['costs', 'breakdown', 'suggest', query],
    queryFn: ({ signal }) => api.call(costRoutes.breakdown, { query, signal }),
    staleTime: 60_000,
  });
  const options = suggestions.data?.rows ?? [];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    // "(none)" is the API's empty value: spend without the dimension.
    onAdd(dimension, value === '(none)' ? '' : value.trim());
  };

  return (
    <form className="explorer-add-filter" onSubmit={submit} aria-label="Add a filter">
      <div className="field">
        <label htmlFor={`${id}-dim`}>Dimension</label>
        <select id={`${id}-dim`} value={dimension} onChange={(e) => setDimension(e.target.value)}>
          {choices.map((d) => (
            <option key={d} value={d}>
              {dimensionLabel(d)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-value`}>Value</label>
        <input id={`${id}-value`} list={`${id}-values`} value={value} onChange={(e) => setValue(e.target.value)} maxLength={256} size={28} autoComplete="off" />
        <datalist id={`${id}-values`}>
          {options.map((o) => (
            <option key={o.key} value={o.key === '' ? '(none)' : o.key}>
              {o.name !== o.key ? o.name : undefined}
            </option>
          ))}
        </datalist>
      </div>
      <Button type="submit" variant="primary" disabled={!value}>
        Add
      </Button>
      <Button variant="ghost" onClick={onCancel}>
        Cancel
      </Button>
      {suggestions.isError ? <p className="field-error">Could not suggest values: {suggestions.error.message}</p> : null}
      <p className="field-hint explorer-hint">
        {isTag(view.groupBy)
          ? `Grouped by a tag, spend can be filtered by that tag only.`
          : view.groupBy === 'resource'
            ? 'Resource costs can be filtered by service, account and region.'
            : 'To filter by a tag, group by that tag.'}
      </p>
    </form>
  );
}
