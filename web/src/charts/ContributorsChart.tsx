import { useId, useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatMoney, formatMoneyCompact } from '../format.js';
import './charts.css';

/**
 * What drove an anomaly: one horizontal bar per contributor (a service, account, region and usage
 * type cell), its cost per day above (or below) the expected, largest first as the API ranks them.
 */
export interface ContributorBar {
  key: string;
  /** Short name on the axis (the usage type, say). */
  name: string;
  /** The full sentence, for the tooltip. */
  description: string;
  delta: string;
}

const ROW = 34;

export default function ContributorsChart({ contributors, currency, label }: { contributors: ContributorBar[]; currency: string; label: string }) {
  const descriptionId = useId();
  const data = useMemo(() => contributors.map((c) => ({ ...c, value: Number(c.delta) })), [contributors]);
  return (
    <figure className="trend-chart contributors-chart" aria-describedby={descriptionId} data-testid="contributors-chart" data-bars={data.length}>
      <figcaption id={descriptionId} className="visually-hidden">
        {label}
      </figcaption>
      <ResponsiveContainer width="100%" height={Math.max(120, data.length * ROW + 40)}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 0 }} barCategoryGap={6}>
          <CartesianGrid horizontal={false} />
          <XAxis type="number" tickFormatter={(v: number) => formatMoneyCompact(v, currency)} tickLine={false} />
          <YAxis type="category" dataKey="key" tickFormatter={(key: string) => truncate(data.find((d) => d.key === key)?.name ?? key)} width={300} tickLine={false} axisLine={false} />
          <ReferenceLine x={0} className="chart-zero" />
          <Tooltip
            cursor={{ fillOpacity: 0.08 }}
            content={({ active, payload }) => {
              const d = payload?.[0]?.payload as (ContributorBar & { value: number }) | undefined;
              if (!active || !d) return null;
              return (
                <div className="chart-tooltip">
                  <div className="chart-tooltip-title">{d.name}</div>
                  <div className="muted">{d.description}</div>
                  <table>
                    <tbody>
                      <tr>
                        <td>Per day vs expected</td>
                        <td className="num">{formatMoney(d.delta, currency)}</td>
                      </tr>
                    </tbody>
                  </table>
                </div>
              );
            }}
          />
          <Bar dataKey="value" name="Per day vs expected" isAnimationActive={false}>
            {data.map((d) => (
              <Cell key={d.key} className={d.value >= 0 ? 'chart-bar-anomalous' : 'chart-bar-below'} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

const truncate = (s: string) => (s.length > 44 ? `${s.slice(0, 43)}…` : s);
