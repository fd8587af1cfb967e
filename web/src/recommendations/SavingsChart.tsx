import { useId, useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatMoney, formatMoneyCompact } from '../format.js';
import '../charts/charts.css';

/**
 * Potential monthly savings of the open recommendations, one horizontal bar per category (or action
 * type), largest first as GET /v1/recommendations/summary ranks them. Imported by the
 * recommendations page only (recharts stays in that lazy chunk).
 */
export interface SavingsBar {
  key: string;
  name: string;
  count: number;
  monthlySavings: string;
}

const ROW = 30;

export default function SavingsChart({ bars, currency, label }: { bars: SavingsBar[]; currency: string; label: string }) {
  const descriptionId = useId();
  const data = useMemo(() => bars.map((b) => ({ ...b, value: Number(b.monthlySavings) })), [bars]);
  return (
    <figure className="trend-chart rec-savings-chart" aria-describedby={descriptionId} data-testid="savings-chart" data-bars={data.length}>
      <figcaption id={descriptionId} className="visually-hidden">
        {label}
      </figcaption>
      <ResponsiveContainer width="100%" height={Math.max(110, data.length * ROW + 36)}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 0 }} barCategoryGap={6}>
          <CartesianGrid horizontal={false} />
          <XAxis type="number" tickFormatter={(v: number) => formatMoneyCompact(v, currency)} tickLine={false} />
          <YAxis type="category" dataKey="name" width={110} tickLine={false} axisLine={false} />
          <Tooltip
            cursor={{ fillOpacity: 0.08 }}
            content={({ active, payload }) => {
              const d = payload?.[0]?.payload as (SavingsBar & { value: number }) | undefined;
              if (!active || !d) return null;
              return (
                <div className="chart-tooltip">
                  <div className="chart-tooltip-title">{d.name}</div>
                  <table>
                    <tbody>
                      <tr>
                        <td>Monthly savings</td>
                        <td className="num">{formatMoney(d.monthlySavings, currency)}</td>
                      </tr>
                      <tr>
                        <td>Open recommendations</td>
                        <td className="num">{d.count}</td>
                      </tr>
                    </tbody>
                  </table>
                </div>
              );
            }}
          />
          <Bar dataKey="value" name="Monthly savings" className="rec-savings-bar" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
