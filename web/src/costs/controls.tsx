import { useId } from 'react';
import { useMe, useTimeZone } from '../app/context.js';
import { addDays, formatDateTime, formatDay, formatMoney, formatPercent } from '../format.js';
import { Badge } from '../ui/index.js';
import { PRESETS, todayIn, type PresetId, type Range } from './dates.js';
import { METRICS, type Metric } from './view.js';
import './costs.css';

/** Shared controls and badges of the cost pages (dashboard, explorer, top resources). */

/** Today in the tenant's time zone: the day the API's "month to date" and default ranges end on. */
export function useTenantToday(): string {
  const { data } = useMe();
  return todayIn(data?.tenant.timezone ?? 'UTC');
}

/** "Jul 1 – Sep 30, 2026" for `[start, end)`: the last day shown is end - 1. */
export function formatRange(range: Range): string {
  const last = addDays(range.end, -1);
  if (last === range.start) return formatDay(range.start);
  const sameYear = range.start.slice(0, 4) === last.slice(0, 4);
  const first = formatDay(range.start, sameYear ? { month: 'short', day: 'numeric' } : undefined);
  return `${first} – ${formatDay(last)}`;
}

export function RangePicker({
  preset,
  range,
  onPreset,
  onCustom,
}: {
  preset: PresetId | 'custom';
  range: Range;
  onPreset: (id: PresetId) => void;
  onCustom: (range: Range) => void;
}) {
  const id = useId();
  const lastDay = addDays(range.end, -1);
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-range`}>Date range</label>
        <select
          id={`${id}-range`}
          value={preset}
          onChange={(e) => (e.target.value === 'custom' ? onCustom(range) : onPreset(e.target.value as PresetId))}
          aria-describedby={`${id}-resolved`}
        >
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom range</option>
        </select>
      </div>
      {preset === 'custom' ? (
        <>
          <div className="field">
            <label htmlFor={`${id}-from`}>From</label>
            <input
              id={`${id}-from`}
              type="date"
              value={range.start}
              max={lastDay}
              onChange={(e) => e.target.value && e.target.value <= lastDay && onCustom({ start: e.target.value, end: range.end })}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-to`}>To (inclusive)</label>
            <input
              id={`${id}-to`}
              type="date"
              value={lastDay}
              min={range.start}
              onChange={(e) => e.target.value && e.target.value >= range.start && onCustom({ start: range.start, end: addDays(e.target.value, 1) })}
            />
          </div>
        </>
      ) : null}
      <p className="cost-range muted" id={`${id}-resolved`}>
        {formatRange(range)}
      </p>
    </>
  );
}

export function MetricPicker({ value, onChange }: { value: Metric; onChange: (m: Metric) => void }) {
  const id = useId();
  return (
    <div className="field">
      <span className="field-label" id={id}>
        Cost metric
      </span>
      <div className="segmented" role="group" aria-labelledby={id}>
        {METRICS.map((m) => (
          <button key={m.id} type="button" aria-pressed={value === m.id} title={m.hint} onClick={() => onChange(m.id)}>
            {m.label}
          </button>
        ))}
      </div>
    </div>
  );
}

/** Whether the figures can still change (period not invoiced) and when the data last landed. */
export function Freshness({ estimated, dataUpdatedAt }: { estimated: boolean; dataUpdatedAt: string | null }) {
  const timeZone = useTimeZone();
  return (
    <span className="cost-freshness" data-testid="freshness">
      {estimated ? (
        <span title="The billing period is not invoiced yet: these figures can still change">
          <Badge tone="warn">Estimated</Badge>
        </span>
      ) : null}
      <span className="muted">{dataUpdatedAt ? `Data updated ${formatDateTime(dataUpdatedAt, timeZone)}` : 'No data in this range'}</span>
    </span>
  );
}

/** Currencies are never added together: the view shows one, and the others are listed on their own. */
export function OtherCurrencies({ shown, currencies, onPick }: { shown: string; currencies: Array<{ currency: string; total: string }>; onPick?: (currency: string) => void }) {
  const others = currencies.filter((c) => c.currency !== shown);
  if (others.length === 0) return null;
  return (
    <div className="notice notice-info" role="note" data-testid="other-currencies">
      Amounts are in {shown}. Spend in other currencies is kept separate, never converted:{' '}
      {others.map((c, i) => (
        <span key={c.currency}>
          {i > 0 ? ', ' : ''}
          {onPick ? (
            <button type="button" className="link-btn" onClick={() => onPick(c.currency)}>
              {formatMoney(c.total, c.currency)}
            </button>
          ) : (
            formatMoney(c.total, c.currency)
          )}
        </span>
      ))}
      .
    </div>
  );
}

/** A share ("12.50" = 12.5 %) as text and a small bar. */
export function ShareCell({ share }: { share: string | null }) {
  const width = share === null ? 0 : Math.max(0, Math.min(100, Number(share)));
  return (
    <span className="share-cell">
      {formatPercent(share)}
      <span className="share-bar" aria-hidden="true">
        <span style={{ width: `${width}%` }} />
      </span>
    </span>
  );
}

/** A change against the previous period: cost going up reads red, going down green. */
export function ChangeText({ change, currency, showAmount = true }: { change: { amount: string; percent: string | null }; currency: string; showAmount?: boolean }) {
  const sign = toneOf(change.amount);
  const amount = formatMoney(change.amount, currency);
  const signedAmount = sign === 'up' ? `+${amount}` : amount;
  return (
    <span className={sign === 'up' ? 'change-up' : sign === 'down' ? 'change-down' : 'muted'}>
      {change.percent === null ? (sign === 'up' ? 'New' : '—') : formatPercent(change.percent, { signed: true })}
      {showAmount ? <span className="muted"> ({signedAmount})</span> : null}
    </span>
  );
}

export function toneOf(amount: string): 'up' | 'down' | 'neutral' {
  if (/^-/.test(amount) && /[1-9]/.test(amount)) return 'down';
  if (/[1-9]/.test(amount)) return 'up';
  return 'neutral';
}
