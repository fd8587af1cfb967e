import type { z } from 'zod';
import type { budget as budgetSchema } from '#shared/contracts/budgets.js';
import { formatMoney, formatPercent } from '../format.js';
import { Badge } from '../ui/index.js';
import './budgets.css';

export type Budget = z.output<typeof budgetSchema>;
type Status = Budget['current']['status'];

export const STATUS_LABELS: Record<Status, string> = { on_track: 'On track', at_risk: 'At risk', exceeded: 'Exceeded' };
const TONES: Record<Status, 'good' | 'warn' | 'bad'> = { on_track: 'good', at_risk: 'warn', exceeded: 'bad' };

export function StatusBadge({ status }: { status: Status }) {
  return (
    <span data-testid="budget-status" data-status={status}>
      <Badge tone={TONES[status]}>{STATUS_LABELS[status]}</Badge>
    </span>
  );
}

/** Share of the bar's scale (the largest of amount, spent and forecast), for widths only. */
const share = (value: string, scale: number) => (scale > 0 ? Math.min(100, (Number(value) / scale) * 100) : 0);

/**
 * Spent (solid), forecast for the period (pale) and the amount (a tick), on one scale; the figures
 * beside it are the API's exact strings, formatted, never recomputed.
 */
export function StatusBar({ budget, compact = false }: { budget: Budget; compact?: boolean }) {
  const { current, amount, currency } = budget;
  const scale = Math.max(Number(amount), Number(current.spent), Number(current.forecast));
  const label = `${formatMoney(current.spent, currency)} spent of ${formatMoney(amount, currency)}, forecast ${formatMoney(current.forecast, currency)}`;
  return (
    <div className="budget-status">
      <div className={`budget-bar ${current.status}`} role="img" aria-label={label}>
        <div className="budget-bar-forecast" style={{ width: `${share(current.forecast, scale)}%` }} />
        <div className="budget-bar-spent" style={{ width: `${share(current.spent, scale)}%` }} />
        <div className="budget-bar-amount" style={{ left: `calc(${share(amount, scale)}% - 1px)` }} />
      </div>
      <div className="budget-bar-legend">
        <span>
          <strong data-testid="budget-spent">{formatMoney(current.spent, currency)}</strong> <span className="muted">spent ({formatPercent(current.spentPercent)})</span>
        </span>
        {compact ? null : (
          <span>
            <span data-testid="budget-forecast">{formatMoney(current.forecast, currency)}</span> <span className="muted">forecast</span>
          </span>
        )}
        <span>
          <span className="muted">of</span> <span data-testid="budget-amount">{formatMoney(amount, currency)}</span>
        </span>
      </div>
    </div>
  );
}
