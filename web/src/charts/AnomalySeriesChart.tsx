import { useId, useMemo } from 'react';
import { Bar, CartesianGrid, Cell, ComposedChart, Line, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { fromUnits, toUnits } from '../costs/decimal.js';
import { formatDay, formatMoney, formatMoneyCompact } from '../format.js';
import './charts.css';

/**
 * An anomaly in its series: the actual cost per day (bars, the anomalous days in the warning colour
 * on a shaded span) against what was expected each day (dashed line). Figures shown as text come
 * from the API's exact decimal strings.
 */
export interface AnomalySeriesPoint {
  date: string;
  actual: string;
  expected: string | null;
}

interface Datum {
  date: string;
  actual: number;
  expected: number | null;
  exact: AnomalySeriesPoint;
  anomalous: boolean;
}

export default function AnomalySeriesChart({
  series,
  startDate,
  endDate,
  currency,
  label,
  height = 280,
}: {
  series: AnomalySeriesPoint[];
  startDate: string;
  /** Inclusive. */
  endDate: string;
  currency: string;
  label: string;
  height?: number;
}) {
  const descriptionId = useId();
  const data = useMemo<Datum[]>(
    () =>
      series.map((p) => ({
        date: p.date,
        actual: Number(p.actual),
        expected: p.expected === null ? null : Number(p.expected),
        exact: p,
        anomalous: p.date >= startDate && p.date <= endDate,
      })),
    [series, startDate, endDate],
  );
  const anomalousDays = data.filter((d) => d.anomalous).length;

  return (
    <figure className="trend-chart anomaly-series-chart" aria-describedby={descriptionId} data-testid="anomaly-series-chart" data-points={data.length} data-anomalous={anomalousDays}>
      <figcaption id={descriptionId} className="visually-hidden">
        {label}
      </figcaption>
      <ResponsiveContainer width="100%" height={height}>
        <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} barCategoryGap={2}>
          <CartesianGrid vertical={false} />
          <XAxis dataKey="date" tickFormatter={(d: string) => formatDay(d, { month: 'short', day: 'numeric' })} minTickGap={24} tickLine={false} />
          <YAxis tickFormatter={(v: number) => formatMoneyCompact(v, currency)} width={64} tickLine={false} axisLine={false} />
          <ReferenceArea x1={startDate} x2={endDate} className="chart-anomaly-span" ifOverflow="extendDomain" />
          <Tooltip
            cursor={{ fillOpacity: 0.08 }}
            content={({ active, payload }) => {
              const d = payload?.[0]?.payload as Datum | undefined;
              if (!active || !d) return null;
              return (
                <div className="chart-tooltip">
                  <div className="chart-tooltip-title">
                    {formatDay(d.date, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' })}
                    {d.anomalous ? <span className="chart-tooltip-flag"> · anomalous</span> : null}
                  </div>
                  <table>
                    <tbody>
                      <tr>
                        <td>Actual</td>
                        <td className="num">{formatMoney(d.exact.actual, currency)}</td>
                      </tr>
                      <tr>
                        <td>Expected</td>
                        <td className="num">{d.exact.expected === null ? '—' : formatMoney(d.exact.expected, currency)}</td>
                      </tr>
                    </tbody>
                    {d.exact.expected !== null ? (
                      <tfoot>
                        <tr>
                          <th scope="row">Difference</th>
                          <td className="num">{formatMoney(fromUnits(toUnits(d.exact.actual) - toUnits(d.exact.expected)), currency)}</td>
                        </tr>
                      </tfoot>
                    ) : null}
                  </table>
                </div>
              );
            }}
          />
          <Bar dataKey="actual" name="Actual" isAnimationActive={false}>
            {data.map((d) => (
              <Cell key={d.date} className={d.anomalous ? 'chart-bar-anomalous' : 'chart-bar-actual'} />
            ))}
          </Bar>
          <Line dataKey="expected" name="Expected" className="chart-expected" type="monotone" strokeDasharray="5 4" strokeWidth={2} dot={false} connectNulls isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
      <ul className="chart-legend" aria-label="Legend">
        <li>
          <span className="swatch chart-swatch-actual" />
          Actual
        </li>
        <li>
          <span className="swatch chart-swatch-anomalous" />
          Anomalous days
        </li>
        <li>
          <span className="swatch chart-swatch-expected" />
          Expected
        </li>
      </ul>
    </figure>
  );
}
