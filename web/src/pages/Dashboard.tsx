import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useQueries, type UseQueryResult } from '@tanstack/react-query';
import type { z } from 'zod';
import type { ForecastMethod } from '#shared/analysis/constants.js';
import { SEVERITIES } from '#shared/analysis/constants.js';
import { analysisRoutes, type costForecast } from '#shared/contracts/analysis.js';
import { budgetRoutes } from '#shared/contracts/budgets.js';
import { costRoutes, type costBreakdown, type costOverview } from '#shared/contracts/costs.js';
import { formatSpan, isOpen, seriesLabel, SeverityBadge, SEVERITY_LABELS, type AnomalySummary } from '../anomalies/labels.js';
import { anomalyKeys, fetchAllAnomalies } from '../anomalies/queries.js';
import { useRecommendationTotals } from '../recommendations/queries.js';
import { useApi, useCan } from '../app/context.js';
import { budgetKeys } from '../budgets/History.js';
import { StatusBadge, StatusBar, type Budget } from '../budgets/StatusBar.js';
import TrendChart, { ChartLegend, type AnomalyMarker, type ForecastPoint, type TrendSeries } from '../charts/TrendChart.js';
import { ChangeText, formatRange, Freshness, OtherCurrencies, ShareCell, toneOf, useTenantToday } from '../costs/controls.js';
import { addDays, daysBetween, type Range } from '../costs/dates.js';
import { formatDay, formatMoney, formatMonth, formatPercent } from '../format.js';
import { Card, EmptyState, ErrorState, Loading, PageHeader, Stat } from '../ui/index.js';
import './Dashboard.css';

type OverviewData = z.output<typeof costOverview>;
type Breakdown = z.output<typeof costBreakdown>;
type Forecast = z.output<typeof costForecast>;

/** Days of daily cost in the trend chart, and services drawn (the rest is "other"). */
const TREND_DAYS = 90;
const TREND_SERIES = 5;
const TOP_SERVICES = 8;

/**
 * The dashboard: where spend stands this month and over the last 30 days, where the month will
 * end, what drives it, what moved and what jumped. The API calls run in parallel (useQueries),
 * never one after another.
 *
 * Savings and budgets have their own APIs in later issues: their cards take the data as props
 * (undefined = not available yet) and say so plainly, never with a made-up figure.
 */
export default function Dashboard() {
  const api = useApi();
  const can = useCan();
  const today = useTenantToday();
  // Whole days to yesterday: today's data is still arriving.
  const last30: Range = { start: addDays(today, -30), end: today };
  const trendRange: Range = { start: addDays(today, -TREND_DAYS), end: today };

  const [mtd, recent, services, trend, forecast, anomalies, budgets] = useQueries({
    queries: [
      // No range: the API's month to date in the tenant's time zone, against the equal period before.
      { queryKey: ['costs', 'overview', 'mtd'], queryFn: ({ signal }) => api.call(costRoutes.overview, { signal }) },
      {
        queryKey: ['costs', 'overview', last30],
        queryFn: ({ signal }) => api.call(costRoutes.overview, { query: { ...last30 }, signal }),
      },
      {
        queryKey: ['costs', 'breakdown', 'services', last30],
        queryFn: ({ signal }) => api.call(costRoutes.breakdown, { query: { ...last30, groupBy: 'service', granularity: 'monthly', top: TOP_SERVICES }, signal }),
      },
      {
        queryKey: ['costs', 'breakdown', 'trend', trendRange],
        queryFn: ({ signal }) => api.call(costRoutes.breakdown, { query: { ...trendRange, groupBy: 'service', granularity: 'daily', top: TREND_SERIES }, signal }),
      },
      // To the end of this month (the tenant's), with its 80 % and 95 % intervals and backtest error.
      {
        queryKey: ['forecast', 'month'],
        queryFn: ({ signal }) => api.call(analysisRoutes.forecast, { query: { horizon: 'month' }, signal }),
        enabled: can('forecasts:read'),
      },
      // Every anomaly: the open ones for the card, those in the chart's 90 days as markers.
      { queryKey: anomalyKeys.everything, queryFn: ({ signal }) => fetchAllAnomalies(api, signal), enabled: can('anomalies:read') },
      // Budgets with their current period's status (the first page: the card shows a few).
      { queryKey: [...budgetKeys.all, 'dashboard'], queryFn: ({ signal }) => api.call(budgetRoutes.list, { query: { limit: 50 }, signal }), enabled: can('budgets:read') },
    ],
  }) as [
    UseQueryResult<OverviewData>,
    UseQueryResult<OverviewData>,
    UseQueryResult<Breakdown>,
    UseQueryResult<Breakdown>,
    UseQueryResult<Forecast>,
    UseQueryResult<AnomalySummary[]>,
    UseQueryResult<{ items: Budget[]; nextCursor: string | null }>,
  ];

  const noData =
    mtd.data && recent.data && trend.data && !mtd.data.dataUpdatedAt && !recent.data.dataUpdatedAt && !trend.data.dataUpdatedAt && trend.data.rows.length === 0;

  return (
    <>
      <PageHeader
        title="Dashboard"
        description="Where your cloud spend stands, what drives it and what changed."
        actions={mtd.data && !noData ? <Freshness estimated={mtd.data.estimated} dataUpdatedAt={mtd.data.dataUpdatedAt ?? recent.data?.dataUpdatedAt ?? null} /> : null}
      />
      {noData ? (
        <NoBillingData />
      ) : (
        <Overview
          mtd={mtd}
          recent={recent}
          services={services}
          trend={trend}
          trendRange={trendRange}
          forecast={can('forecasts:read') ? forecast : undefined}
          anomalies={can('anomalies:read') ? anomalies : undefined}
          budgets={can('budgets:read') ? budgets : undefined}
        />
      )}
    </>
  );
}

/** Everything below the header, once there is (or may be) billing data. */
function Overview({
  mtd,
  recent,
  services,
  trend,
  trendRange,
  forecast,
  anomalies,
  budgets,
}: {
  mtd: UseQueryResult<OverviewData>;
  recent: UseQueryResult<OverviewData>;
  services: UseQueryResult<Breakdown>;
  trend: UseQueryResult<Breakdown>;
  trendRange: Range;
  /** undefined: the caller may not read forecasts (or anomalies). */
  forecast: UseQueryResult<Forecast> | undefined;
  anomalies: UseQueryResult<AnomalySummary[]> | undefined;
  budgets: UseQueryResult<{ items: Budget[]; nextCursor: string | null }> | undefined;
}) {
  const forecastToMonthEnd = forecast?.data && forecast.data.dataThrough !== null ? forecast.data : undefined;
  return (
    <>
      {mtd.data ? <OtherCurrencies shown={mtd.data.currency} currencies={mtd.data.currencies} /> : null}

      <div className="grid grid-4">
        <StatFor query={mtd} label="Month to date">
          {(o) => (
            <Stat
              testId="stat-mtd"
              label={`Month to date · ${formatRange(o.monthToDate)}`}
              value={<span data-testid="mtd-total">{formatMoney(o.monthToDate.total, o.currency)}</span>}
              tone={toneOf(o.change.amount)}
              detail={
                <span data-testid="mtd-change">
                  <ChangeText change={o.change} currency={o.currency} showAmount={false} /> vs the previous {daysBetween(o.previous.start, o.previous.end)} days (
                  {formatMoney(o.previous.total, o.currency)})
                </span>
              }
            />
          )}
        </StatFor>
        <StatFor query={recent} label="Last 30 days">
          {(o) => (
            <Stat
              testId="stat-30d"
              label={`Last 30 days · ${formatRange(o)}`}
              value={<span data-testid="last30-total">{formatMoney(o.total, o.currency)}</span>}
              detail={
                <span data-testid="last30-change">
                  <ChangeText change={o.change} currency={o.currency} showAmount={false} /> vs the 30 days before ({formatMoney(o.previous.total, o.currency)})
                </span>
              }
            />
          )}
        </StatFor>
        {forecast ? (
          <StatFor query={forecast} label="Month-end forecast">
            {(f) => <ForecastStat forecast={f.dataThrough === null ? null : f} />}
          </StatFor>
        ) : (
          <ForecastStat />
        )}
        <SavingsStat />
      </div>

      <Card
        title={forecastToMonthEnd ? `Daily cost, last ${TREND_DAYS} days and forecast to month end` : `Daily cost, last ${TREND_DAYS} days`}
        actions={
          <Link to={`/costs/explorer?start=${trendRange.start}&end=${trendRange.end}&granularity=daily&chart=area`} className="muted">
            Open in cost explorer
          </Link>
        }
      >
        <DataView query={trend} rows={8} isEmpty={(b) => b.rows.length === 0} empty={<EmptyState title="No spend in the last 90 days" />}>
          {(b) => <Trend breakdown={b} forecast={forecastToMonthEnd} anomalies={anomalies?.data} range={trendRange} />}
        </DataView>
      </Card>

      <div className="grid grid-2">
        <Card title="Top services, last 30 days" actions={<Link to="/costs/explorer?range=30d" className="muted">Explore</Link>}>
          <DataView query={services} isEmpty={(b) => b.rows.length === 0} empty={<EmptyState title="No spend in the last 30 days" />}>
            {(b) => <TopServices breakdown={b} />}
          </DataView>
        </Card>
        <Card title="Top movers, last 30 days vs the 30 before">
          <DataView query={recent} isEmpty={(o) => o.topMovers.length === 0} empty={<EmptyState title="Nothing moved">No service's spend changed against the previous 30 days.</EmptyState>}>
            {(o) => <TopMovers overview={o} />}
          </DataView>
        </Card>
      </div>

      <div className="grid grid-2">
        {anomalies ? <AnomaliesCard query={anomalies} /> : <AnomaliesCard />}
        <BudgetsCard query={budgets} />
      </div>
    </>
  );
}

function NoBillingData() {
  const can = useCan();
  return (
    <div className="card dashboard-empty" data-testid="no-billing-data">
      <EmptyState
        title="No billing data yet"
        action={can('billing:read') ? <Link to="/billing" className="btn btn-primary">Connect billing data</Link> : undefined}
      >
        {can('billing:read')
          ? 'Connect a billing export (FOCUS or AWS CUR) and your spend, trends and top movers appear here within minutes of the first ingestion.'
          : 'Your organization has not connected any billing data yet. An admin or FinOps manager can connect a billing export.'}
      </EmptyState>
    </div>
  );
}

/** Loading and error states for one query (the API's message), then its content. */
function DataView<T>({ query, children, isEmpty, empty, rows }: { query: UseQueryResult<T>; children: (data: T) => ReactNode; isEmpty?: (d: T) => boolean; empty?: ReactNode; rows?: number }) {
  if (query.isPending) return <Loading rows={rows} />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (isEmpty?.(query.data)) return <>{empty}</>;
  return <>{children(query.data)}</>;
}

function StatFor<T>({ query, label, children }: { query: UseQueryResult<T>; label: string; children: (data: T) => ReactNode }) {
  if (query.isPending) return <Stat label={label} value={<span className="stat-skeleton skeleton" />} />;
  if (query.isError) return <Stat label={label} value="—" detail={<span role="alert">{query.error.message}</span>} tone="up" />;
  return <>{children(query.data)}</>;
}

function Trend({ breakdown: b, forecast, anomalies, range }: { breakdown: Breakdown; forecast?: Forecast; anomalies?: AnomalySummary[]; range: Range }) {
  const series: TrendSeries[] = b.rows.map((r) => ({ key: r.key, name: r.name, points: r.points }));
  if (b.other) series.push({ key: '(other)', name: `Other (${b.other.count} services)`, points: b.other.points, other: true });
  // The forecast continues the chart only when it forecasts the same spend (metric and currency).
  const sameSpend = forecast && forecast.currency === b.currency && forecast.metric === b.metric;
  const points: ForecastPoint[] | undefined = sameSpend ? forecast.points : undefined;
  // Anomalies that started in the chart's days and still count (not ignored), oldest first.
  const shown = (anomalies ?? []).filter((a) => a.status !== 'ignored' && a.startDate >= range.start && a.startDate < range.end).sort((x, y) => (x.startDate < y.startDate ? -1 : 1));
  const markers: AnomalyMarker[] = shown.map((a) => ({
    date: a.startDate,
    endDate: a.endDate,
    href: `/anomalies/${encodeURIComponent(a.id)}`,
    label: `Anomaly in ${seriesLabel(a)}, ${formatSpan(a.startDate, a.endDate)}: ${formatMoney(a.impact, a.currency)} above expected`,
  }));
  return (
    <>
      <TrendChart
        series={series}
        currency={b.currency}
        granularity={b.granularity}
        kind="area"
        forecast={points}
        anomalies={markers}
        label={`Daily ${b.metric} cost by service from ${formatRange(b)}, total ${formatMoney(b.total, b.currency)}${points?.length ? `, then the forecast to ${formatRange({ start: forecast!.start, end: forecast!.end })}` : ''}`}
      />
      <ChartLegend series={series} />
      {points?.length ? (
        <ul className="chart-legend dashboard-forecast-legend" aria-label="Forecast legend" data-testid="forecast-legend">
          <li>
            <span className="swatch dashboard-swatch-forecast" />
            Forecast from {formatDay(forecast!.start, { month: 'short', day: 'numeric' })}
          </li>
          <li>
            <span className="swatch chart-swatch-forecast-80" />
            80 % range
          </li>
          <li>
            <span className="swatch chart-swatch-forecast-95" />
            95 % range
          </li>
        </ul>
      ) : null}
      {shown.length ? (
        <div className="dashboard-chart-anomalies">
          <span className="muted">Anomalies in this period:</span>
          <ul aria-label="Anomalies in this period" data-testid="chart-anomalies">
            {shown.map((a) => (
              <li key={a.id}>
                <span className="swatch chart-swatch-marker" />
                <Link to={`/anomalies/${encodeURIComponent(a.id)}`} data-anomaly-id={a.id}>
                  {formatSpan(a.startDate, a.endDate)} · {a.dimensionName}
                </Link>{' '}
                <span className="num">+{formatMoney(a.impact, a.currency)}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}

function TopServices({ breakdown: b }: { breakdown: Breakdown }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="top-services">
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col" className="num">
              Cost
            </th>
            <th scope="col" className="num">
              Share
            </th>
          </tr>
        </thead>
        <tbody>
          {b.rows.map((r) => (
            <tr key={r.key}>
              <td>
                <Link to={`/costs/explorer?range=30d&groupBy=usageType&filter[service]=${encodeURIComponent(r.key)}`}>{r.name}</Link>
              </td>
              <td className="num">{formatMoney(r.amount, b.currency)}</td>
              <td className="num">
                <ShareCell share={r.share} />
              </td>
            </tr>
          ))}
          {b.other ? (
            <tr>
              <td className="muted">Other ({b.other.count} services)</td>
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
            <td className="num" data-testid="top-services-total">
              {formatMoney(b.total, b.currency)}
            </td>
            <td className="num">{b.rows.length ? formatPercent('100') : ''}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function TopMovers({ overview: o }: { overview: OverviewData }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="top-movers">
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col" className="num">
              Last 30 days
            </th>
            <th scope="col" className="num">
              30 days before
            </th>
            <th scope="col" className="num">
              Change
            </th>
          </tr>
        </thead>
        <tbody>
          {o.topMovers.map((m) => (
            <tr key={m.key}>
              <td>{m.name}</td>
              <td className="num">{formatMoney(m.current, o.currency)}</td>
              <td className="num">{formatMoney(m.previous, o.currency)}</td>
              <td className="num">
                <ChangeText change={m.change} currency={o.currency} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const METHOD_LABELS: Record<ForecastMethod, string> = {
  seasonalNaive: 'Seasonal naive (same weekday last week)',
  trendWeekly: 'Trend with weekly pattern',
  holtWinters: 'Holt-Winters',
  mean: 'Daily average',
};

/**
 * Month-end forecast with its 80 % interval, the method the backtest chose and its error (MAPE).
 * `forecast` undefined: the caller may not read forecasts; null: no cost data to forecast from yet.
 */
export function ForecastStat({ forecast }: { forecast?: Forecast | null }) {
  if (forecast === undefined) return <Stat testId="stat-forecast" label="Month-end forecast" value={<span className="muted">—</span>} detail="Your role cannot see forecasts" />;
  if (forecast === null) return <Stat testId="stat-forecast" label="Month-end forecast" value={<span className="muted">—</span>} detail="A forecast appears once billing data is in" />;
  const { month, currency, backtest } = forecast;
  const runnerUp = backtest.seasonalNaiveMape !== null && forecast.method !== 'seasonalNaive' ? `; seasonal naive: ${formatPercent(backtest.seasonalNaiveMape)}` : '';
  const explanation = [
    `95 % range ${formatMoney(month.lower95, currency)} – ${formatMoney(month.upper95, currency)}.`,
    `Includes ${formatMoney(month.actual, currency)} month to date.`,
    forecast.method === 'mean'
      ? 'Too little history to backtest: a daily average.'
      : `Chosen by backtesting ${backtest.origins} forecasts of ${backtest.horizonDays} days on your own history (error ${formatPercent(backtest.mape)}${runnerUp}).`,
  ].join(' ');
  return (
    <Stat
      testId="stat-forecast"
      label={`Month-end forecast · ${formatMonth(`${month.period}-01`)}`}
      value={<span data-testid="forecast-total">{formatMoney(month.forecast, currency)}</span>}
      detail={
        <span title={explanation} className="dashboard-forecast-detail">
          <span data-testid="forecast-interval">
            80 % likely {formatMoney(month.lower80, currency)} – {formatMoney(month.upper80, currency)}
          </span>
          <span data-testid="forecast-method">
            {METHOD_LABELS[forecast.method]}
            {forecast.method === 'mean' ? ' · not backtested' : ` · MAPE ${formatPercent(backtest.mape)}`}
          </span>
          <span className="visually-hidden">{explanation}</span>
        </span>
      }
    />
  );
}

/** Potential monthly savings of the open recommendations (GET /v1/recommendations/summary), with a way in. */
export function SavingsStat() {
  const can = useCan();
  const allowed = can('recommendations:read');
  const totals = useRecommendationTotals(allowed);
  const label = 'Potential monthly savings';
  if (!allowed) return <Stat testId="stat-savings" label={label} value={<span className="muted">—</span>} detail="Your role cannot see recommendations" />;
  if (totals.isPending) return <Stat testId="stat-savings" label={label} value={<span className="stat-skeleton skeleton" />} />;
  if (totals.isError) return <Stat testId="stat-savings" label={label} value="—" detail={<span role="alert">{totals.error.message}</span>} tone="up" />;
  const { open, currency } = totals.data;
  return (
    <Stat
      testId="stat-savings"
      label={label}
      value={<span data-testid="savings-total">{formatMoney(open.deduplicatedMonthlySavings, currency)}</span>}
      detail={
        <Link to="/recommendations" data-testid="savings-link">
          {open.count === 0 ? 'No open recommendations' : `${open.count} open ${open.count === 1 ? 'recommendation' : 'recommendations'}`}
        </Link>
      }
      tone="down"
    />
  );
}

/** Open anomalies (active or acknowledged): how many of each severity, the three costliest, a way in. */
export function AnomaliesCard({ query }: { query?: UseQueryResult<AnomalySummary[]> }) {
  const open = query?.data?.filter(isOpen) ?? [];
  return (
    <Card
      title="Open anomalies"
      actions={
        query ? (
          <Link to="/anomalies" className="muted">
            All anomalies
          </Link>
        ) : undefined
      }
    >
      {query === undefined ? (
        <EmptyState title="Anomalies are not available to your role" />
      ) : (
        <DataView
          query={query}
          isEmpty={(all) => all.filter(isOpen).length === 0}
          empty={
            <div data-testid="anomalies-card-empty">
              <EmptyState title="No open anomalies">Daily spend is checked after every ingestion and once a day; nothing unusual is waiting for you.</EmptyState>
            </div>
          }
        >
          {() => <OpenAnomalies open={open} />}
        </DataView>
      )}
    </Card>
  );
}

function OpenAnomalies({ open }: { open: AnomalySummary[] }) {
  const top = [...open].sort((a, b) => Number(b.impact) - Number(a.impact)).slice(0, 3);
  const counts = SEVERITIES.map((s) => ({ severity: s, count: open.filter((a) => a.severity === s).length })).reverse();
  return (
    <div className="dashboard-anomalies" data-testid="open-anomalies">
      <p className="dashboard-anomaly-counts">
        <strong data-testid="open-anomalies-count">{open.length}</strong> open
        {counts.map((c) => (
          <span key={c.severity} className={`dashboard-severity-count${c.count ? '' : ' muted'}`} data-severity={c.severity} data-count={c.count}>
            {c.count} {SEVERITY_LABELS[c.severity].toLowerCase()}
          </span>
        ))}
      </p>
      <ul className="dashboard-list" aria-label="Costliest open anomalies" data-testid="top-anomalies">
        {top.map((a) => (
          <li key={a.id} data-anomaly-id={a.id}>
            <span className="dashboard-anomaly-title">
              <SeverityBadge severity={a.severity} />
              <span>
                <Link to={`/anomalies/${encodeURIComponent(a.id)}`}>{a.dimensionName}</Link>
                <span className="muted dashboard-anomaly-when"> · {formatSpan(a.startDate, a.endDate)}</span>
              </span>
            </span>
            <span className="num" data-testid="top-anomaly-impact">
              +{formatMoney(a.impact, a.currency)}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Each budget's current period: status, spent of the amount and the forecast, as GET /v1/budgets answers. */
export function BudgetsCard({ query }: { query?: UseQueryResult<{ items: Budget[]; nextCursor: string | null }> | undefined }) {
  return (
    <Card
      title="Budgets"
      actions={
        query ? (
          <Link to="/budgets" className="muted">
            All budgets
          </Link>
        ) : undefined
      }
    >
      {query === undefined ? (
        <EmptyState title="Budgets">Your role cannot read budgets.</EmptyState>
      ) : (
        <DataView
          query={query}
          isEmpty={(b) => b.items.length === 0}
          empty={<EmptyState title="Budgets: none yet">Create a budget to see how much of it is used this period and where it is heading.</EmptyState>}
        >
          {(b) => (
            <ul className="dashboard-list budget-dashboard" data-testid="dashboard-budgets">
              {b.items.slice(0, 5).map((budget) => (
                <li key={budget.id} data-budget-id={budget.id}>
                  <span className="budget-dashboard-row">
                    <Link to="/budgets">{budget.name}</Link>
                    <StatusBadge status={budget.current.status} />
                  </span>
                  <StatusBar budget={budget} compact />
                </li>
              ))}
            </ul>
          )}
        </DataView>
      )}
    </Card>
  );
}
