import { useMemo } from 'react';
import { Area, AreaChart, ResponsiveContainer, Tooltip, YAxis } from 'recharts';
import '../charts/charts.css';

/**
 * A metric's daily values over the last 30 days as a small area chart (days without data are gaps).
 * The figure's label says what it shows in words, for screen readers.
 */
export default function Sparkline({ daily, label, format }: { daily: ReadonlyArray<number | null>; label: string; format: (n: number) => string }) {
  const data = useMemo(() => daily.map((value, day) => ({ day: day + 1, value })), [daily]);
  return (
    <figure className="trend-chart res-sparkline" aria-label={label} role="img" data-points={daily.filter((d) => d !== null).length}>
      <ResponsiveContainer width="100%" height={56}>
        <AreaChart data={data} margin={{ top: 4, right: 2, bottom: 2, left: 2 }}>
          <YAxis hide domain={[0, 'auto']} />
          <Tooltip
            cursor={false}
            content={({ active, payload }) => {
              const d = payload?.[0]?.payload as { day: number; value: number | null } | undefined;
              if (!active || !d) return null;
              return (
                <div className="chart-tooltip">
                  Day {d.day} of {data.length}: {d.value === null ? 'no data' : format(d.value)}
                </div>
              );
            }}
          />
          <Area type="monotone" dataKey="value" connectNulls={false} isAnimationActive={false} strokeWidth={1.5} />
        </AreaChart>
      </ResponsiveContainer>
    </figure>
  );
}
