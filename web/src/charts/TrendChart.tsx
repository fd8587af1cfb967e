import { useId, useMemo, type KeyboardEvent } from 'react';
import { useNavigate } from 'react-router';
import { Area, Bar, CartesianGrid, ComposedChart, Line, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDay, formatMoney, formatMoneyCompact, formatMonth } from '../format.js';
import { sumDecimals } from '../costs/decimal.js';
import { OTHER_COLOR, seriesColor } from './palette.js';
import './charts.css';

/**
 * Cost over time: stacked areas or bars per series (top N + other), with room for what later issues
 * bring: a forecast (a line with its lower/upper band after the last actual day) and anomaly markers.
 * Amounts arrive as the API's exact decimal strings; the chart draws floats, but every figure it
 * shows as text (tooltip, totals) is formatted from the exact strings.
 *
 * Only pages import this (they are lazily loaded chunks), so recharts never lands in the initial bundle.
 */

export interface TrendPoint {
  date: string;
  amount: string;
}

export interface TrendSeries {
  key: string;
  name: string;
  points: TrendPoint[];
  /** Defaults to the palette colour of its position; `other: true` draws it grey. */
  color?: string;
  other?: boolean;
}

/** A forecast day with its 80 % and 95 % intervals (the forecast API's points). */
export interface ForecastPoint {
  date: string;
  amount: string;
  lower80: string;
  upper80: string;
  lower95: string;
  upper95: string;
}

/** An anomaly on the chart: a marker on its first day (a link when `href` is given), its span shaded. */
export interface AnomalyMarker {
  date: string;
  /** Last anomalous day, inclusive (defaults to `date`). */
  endDate?: string;
  label: string;
  href?: string;
}

export interface TrendChartProps {
  series: TrendSeries[];
  currency: string;
  granularity: 'daily' | 'monthly';
  kind?: 'area' | 'bar';
  height?: number;
  forecast?: ForecastPoint[];
  anomalies?: AnomalyMarker[];
  /** What the chart shows, for screen readers ("Daily cost by service, Jul 1 to Sep 30"). */
  label: string;
}

interface Datum {
  date: string;
  exact: Record<string, string>;
  [seriesKey: string]: unknown;
}

const FORECAST = '__forecast';
const BAND80 = '__band80';
const BAND95 = '__band95';

export const colorOf = (s: TrendSeries, index: number) => s.color ?? (s.other ? OTHER_COLOR : seriesColor(index));

export default function TrendChart({ series, currency, granularity, kind = 'area', height = 300, forecast, anomalies, label }: TrendChartProps) {
  const descriptionId = useId();
  const navigate = useNavigate();
  const data = useMemo(() => {
    const byDate = new Map<string, Datum>();
    const at = (date: string): Datum => {
      let d = byDate.get(date);
      if (!d) byDate.set(date, (d = { date, exact: {} }));
      return d;
    };
    series.forEach((s, i) => {
      for (const p of s.points) {
        const d = at(p.date);
        d[`s${i}`] = Number(p.amount);
        d.exact[`s${i}`] = p.amount;
      }
    });
    const actualDays = [...byDate.keys()].sort();
    for (const p of forecast ?? []) {
      const d = at(p.date);
      d[FORECAST] = Number(p.amount);
      d[BAND80] = [Number(p.lower80), Number(p.upper80)];
      d[BAND95] = [Number(p.lower95), Number(p.upper95)];
      d.exact[FORECAST] = p.amount;
      d.exact[BAND80] = `${p.lower80}|${p.upper80}`;
      d.exact[BAND95] = `${p.lower95}|${p.upper95}`;
    }
    // The forecast line and bands start from the last actual day's total, so they continue the chart.
    const lastActual = actualDays.filter((day) => !forecast?.length || day < forecast[0]!.date).at(-1);
    if (forecast?.length && lastActual) {
      const d = byDate.get(lastActual)!;
      const total = series.reduce((sum, _s, i) => sum + (typeof d[`s${i}`] === 'number' ? (d[`s${i}`] as number) : 0), 0);
      d[FORECAST] = total;
      d[BAND80] = [total, total];
      d[BAND95] = [total, total];
    }
    return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
  }, [series, forecast]);
  const days = useMemo(() => new Set(data.map((d) => d.date)), [data]);
  const markers = (anomalies ?? []).filter((a) => days.has(a.date));

  const tick = (date: string) => (granularity === 'monthly' ? formatMonth(date) : formatDay(date, { month: 'short', day: 'numeric' }));
  const names = series.map((s) => s.name);
  const colors = series.map(colorOf);

  return (
    <figure className="trend-chart" aria-describedby={descriptionId} data-first-date={data[0]?.date} data-last-date={data.at(-1)?.date} data-forecast-points={forecast?.length ?? 0}>
      <figcaption id={descriptionId} className="visually-hidden">
        {label}
      </figcaption>
      <ResponsiveContainer width="100%" height={height}>
        <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} barCategoryGap={granularity === 'monthly' ? '20%' : 1}>
          <CartesianGrid vertical={false} />
          <XAxis dataKey="date" tickFormatter={tick} minTickGap={24} tickLine={false} />
          <YAxis tickFormatter={(v: number) => formatMoneyCompact(v, currency)} width={64} tickLine={false} axisLine={false} />
          <Tooltip
            cursor={{ fillOpacity: 0.08 }}
            content={({ active, payload, label: date }) => {
              if (!active || !payload?.length || typeof date !== 'string') return null;
              const datum = payload[0]?.payload as Datum | undefined;
              if (!datum) return null;
              const rows = series
                .map((s, i) => ({ name: s.name, color: colors[i]!, amount: datum.exact[`s${i}`] }))
                .filter((r): r is { name: string; color: string; amount: string } => r.amount !== undefined)
                .reverse();
              const total = rows.length > 1 ? sumDecimals(rows.map((r) => r.amount)) : null;
              return (
                <div className="chart-tooltip">
                  <div className="chart-tooltip-title">{granularity === 'monthly' ? formatMonth(date) : formatDay(date, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' })}</div>
                  <table>
                    <tbody>
                      {rows.map((r) => (
                        <tr key={r.name}>
                          <td>
                            <span className="swatch" style={{ background: r.color }} />
                            {r.name}
                          </td>
                          <td className="num">{formatMoney(r.amount, currency)}</td>
                        </tr>
                      ))}
                      {datum.exact[FORECAST] ? (
                        <>
                          <tr>
                            <td>
                              <span className="swatch chart-swatch-forecast-80" />
                              Forecast
                            </td>
                            <td className="num">{formatMoney(datum.exact[FORECAST], currency)}</td>
                          </tr>
                          <IntervalRow name="80 % range" range={datum.exact[BAND80]} currency={currency} />
                          <IntervalRow name="95 % range" range={datum.exact[BAND95]} currency={currency} />
                        </>
                      ) : null}
                      {markers
                        .filter((a) => a.date <= date && date <= (a.endDate ?? a.date))
                        .map((a) => (
                          <tr key={`${a.date}-${a.label}`}>
                            <td colSpan={2} className="chart-tooltip-flag">
                              <span className="swatch chart-swatch-marker" />
                              {a.label}
                            </td>
                          </tr>
                        ))}
                    </tbody>
                    {total ? (
                      <tfoot>
                        <tr>
                          <th scope="row">Total</th>
                          <td className="num">{formatMoney(total, currency)}</td>
                        </tr>
                      </tfoot>
                    ) : null}
                  </table>
                </div>
              );
            }}
          />
          {series.map((s, i) =>
            kind === 'bar' ? (
              <Bar key={s.key} dataKey={`s${i}`} name={names[i]} stackId="cost" fill={colors[i]} isAnimationActive={false} />
            ) : (
              <Area
                key={s.key}
                dataKey={`s${i}`}
                name={names[i]}
                stackId="cost"
                type="monotone"
                stroke={colors[i]}
                fill={colors[i]}
                fillOpacity={0.55}
                strokeWidth={1.5}
                isAnimationActive={false}
              />
            ),
          )}
          {forecast?.length ? (
            <>
              <Area dataKey={BAND95} name="Forecast, 95 % range" className="chart-forecast-95" stroke="none" fill="currentColor" isAnimationActive={false} activeDot={false} />
              <Area dataKey={BAND80} name="Forecast, 80 % range" className="chart-forecast-80" stroke="none" fill="currentColor" isAnimationActive={false} activeDot={false} />
              <Line dataKey={FORECAST} name="Forecast" className="chart-forecast-line" strokeDasharray="5 4" strokeWidth={2} dot={false} activeDot={false} isAnimationActive={false} />
            </>
          ) : null}
          {markers.map((a) =>
            a.endDate && a.endDate !== a.date && days.has(a.endDate) ? (
              <ReferenceArea key={`area-${a.date}-${a.label}`} x1={a.date} x2={a.endDate} className="chart-anomaly-span" />
            ) : null,
          )}
          {markers.map((a) => (
            <ReferenceLine
              key={`${a.date}-${a.label}`}
              x={a.date}
              className="chart-anomaly"
              strokeDasharray="3 3"
              label={(props: { viewBox?: { x?: number; y?: number } }) => (
                <AnomalyMarkerDot x={props.viewBox?.x ?? 0} y={(props.viewBox?.y ?? 0) + 9} marker={a} onOpen={a.href ? () => void navigate(a.href!) : undefined} />
              )}
            />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}

function IntervalRow({ name, range, currency }: { name: string; range: string | undefined; currency: string }) {
  if (!range) return null;
  const [lower = '', upper = ''] = range.split('|');
  return (
    <tr className="muted">
      <td>{name}</td>
      <td className="num">
        {formatMoney(lower, currency)} – {formatMoney(upper, currency)}
      </td>
    </tr>
  );
}

/** The marker on an anomaly's first day: a focusable link in the SVG (Enter or click opens it). */
function AnomalyMarkerDot({ x, y, marker, onOpen }: { x: number; y: number; marker: AnomalyMarker; onOpen: (() => void) | undefined }) {
  const onKeyDown = (e: KeyboardEvent<SVGGElement>) => {
    if (onOpen && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      onOpen();
    }
  };
  return (
    <g
      className="chart-anomaly-marker"
      data-testid="chart-anomaly-marker"
      data-date={marker.date}
      transform={`translate(${x}, ${y})`}
      {...(onOpen ? { role: 'link', tabIndex: 0, onClick: onOpen, onKeyDown } : { role: 'img' })}
      aria-label={marker.label}
    >
      <title>{marker.label}</title>
      <circle r={8} />
      <text textAnchor="middle" dy="0.35em">
        !
      </text>
    </g>
  );
}

/** The legend as HTML (wraps, keyboard-free, readable): one swatch per series. */
export function ChartLegend({ series }: { series: TrendSeries[] }) {
  return (
    <ul className="chart-legend" aria-label="Legend">
      {series.map((s, i) => (
        <li key={s.key}>
          <span className="swatch" style={{ background: colorOf(s, i) }} />
          {s.name}
        </li>
      ))}
    </ul>
  );
}
