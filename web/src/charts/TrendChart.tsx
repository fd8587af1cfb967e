import { useId, useMemo } from 'react';
import { Area, Bar, CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
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

export interface ForecastPoint {
  date: string;
  amount: string;
  lower: string;
  upper: string;
}

export interface AnomalyMarker {
  date: string;
  label: string;
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
const BAND = '__band';

export const colorOf = (s: TrendSeries, index: number) => s.color ?? (s.other ? OTHER_COLOR : seriesColor(index));

export default function TrendChart({ series, currency, granularity, kind = 'area', height = 300, forecast, anomalies, label }: TrendChartProps) {
  const descriptionId = useId();
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
    for (const p of forecast ?? []) {
      const d = at(p.date);
      d[FORECAST] = Number(p.amount);
      d[BAND] = [Number(p.lower), Number(p.upper)];
      d.exact[FORECAST] = p.amount;
      d.exact[BAND] = `${p.lower}–${p.upper}`;
    }
    return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
  }, [series, forecast]);

  const tick = (date: string) => (granularity === 'monthly' ? formatMonth(date) : formatDay(date, { month: 'short', day: 'numeric' }));
  const names = series.map((s) => s.name);
  const colors = series.map(colorOf);

  return (
    <figure className="trend-chart" aria-describedby={descriptionId}>
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
                        <tr>
                          <td>Forecast</td>
                          <td className="num">{formatMoney(datum.exact[FORECAST], currency)}</td>
                        </tr>
                      ) : null}
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
              <Area dataKey={BAND} name="Forecast range" stroke="none" fill="#94a3b8" fillOpacity={0.25} isAnimationActive={false} />
              <Line dataKey={FORECAST} name="Forecast" stroke="#64748b" strokeDasharray="5 4" dot={false} isAnimationActive={false} />
            </>
          ) : null}
          {anomalies?.map((a) => (
            <ReferenceLine key={`${a.date}-${a.label}`} x={a.date} className="chart-anomaly" strokeDasharray="3 3" label={{ value: '!', position: 'top' }} />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
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
