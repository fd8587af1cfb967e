import { useState } from 'react';
import { Badge, EmptyState } from '../ui/index.js';
import { isZeroDecimal, subtractDecimal, sumDecimals } from './decimal.js';
import { count, money, periodLabel } from './labels.js';
import { difference, METRICS, reconciliation, type Metric } from './reconcile.js';
import type { Ingestion } from './types.js';

/**
 * The file's own totals beside what was stored, per billing period and currency, for one cost
 * column at a time. A line matches when its rows and all three cost columns are equal.
 */
export function ReconciliationTable({ ingestion }: { ingestion: Ingestion }) {
  const [metric, setMetric] = useState<Metric>('billedCost');
  const lines = reconciliation(ingestion);
  if (lines.length === 0) {
    return (
      <EmptyState title="No totals to compare">
        {ingestion.status === 'failed' ? 'The file was not read far enough to total it.' : 'Totals appear once the file has been read.'}
      </EmptyState>
    );
  }
  const metricLabel = METRICS.find((m) => m.key === metric)!.label;
  const currencies = [...new Set(lines.map((l) => l.currency))];
  const totals = currencies.map((currency) => {
    const of = lines.filter((l) => l.currency === currency);
    const source = sumDecimals(of.flatMap((l) => (l.source ? [l.source[metric]] : [])));
    const stored = sumDecimals(of.flatMap((l) => (l.stored ? [l.stored[metric]] : [])));
    return {
      currency,
      sourceRows: of.reduce((n, l) => n + (l.source?.rows ?? 0), 0),
      storedRows: of.reduce((n, l) => n + (l.stored?.rows ?? 0), 0),
      source,
      stored,
      anyStored: of.some((l) => l.stored),
      difference: subtractDecimal(stored, source) ?? '0',
      matches: of.every((l) => l.matches),
    };
  });
  return (
    <>
      <div className="toolbar billing-recon-toolbar">
        <div className="segmented" role="group" aria-label="Cost column">
          {METRICS.map((m) => (
            <button key={m.key} type="button" aria-pressed={metric === m.key} onClick={() => setMetric(m.key)}>
              {m.label}
            </button>
          ))}
        </div>
      </div>
      <div className="table-wrap">
        <table className="table" data-testid="reconciliation">
          <caption className="visually-hidden">
            {metricLabel}: the file's own totals and the stored totals per billing period and currency
          </caption>
          <thead>
            <tr>
              <th scope="col">Period</th>
              <th scope="col">Currency</th>
              <th scope="col" className="num">
                Rows in file
              </th>
              <th scope="col" className="num">
                Rows stored
              </th>
              <th scope="col" className="num">
                File total
              </th>
              <th scope="col" className="num">
                Stored total
              </th>
              <th scope="col" className="num">
                Difference
              </th>
              <th scope="col">Match</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => {
              const diff = difference(line, metric);
              return (
                <tr key={line.key} data-period={line.billingPeriod ?? ''} data-currency={line.currency ?? ''}>
                  <td>{periodLabel(line.billingPeriod)}</td>
                  <td>{line.currency ?? <span className="muted">None</span>}</td>
                  <td className="num">{line.source ? count(line.source.rows) : '—'}</td>
                  <td className="num">{line.stored ? count(line.stored.rows) : '—'}</td>
                  <td className="num" data-testid="source-total" data-value={line.source?.[metric]} title={line.source?.[metric]}>
                    {line.source ? money(line.source[metric], line.currency) : '—'}
                  </td>
                  <td className="num" data-testid="stored-total" data-value={line.stored?.[metric]} title={line.stored?.[metric]}>
                    {line.stored ? money(line.stored[metric], line.currency) : <span className="muted">Not stored</span>}
                  </td>
                  <td className={`num ${diff && !isZeroDecimal(diff) ? 'billing-diff-bad' : ''}`} data-testid="difference" data-value={diff ?? ''}>
                    {diff === null ? '—' : isZeroDecimal(diff) ? money('0', line.currency) : money(diff, line.currency, { exact: true })}
                  </td>
                  <td data-testid="match">
                    {line.matches ? <Badge tone="good">Match</Badge> : line.stored ? <Badge tone="bad">Mismatch</Badge> : <Badge tone="warn">Not stored</Badge>}
                  </td>
                </tr>
              );
            })}
          </tbody>
          {lines.length > 1 ? (
            <tfoot>
              {totals.map((t) => (
                <tr key={t.currency ?? 'none'} className="billing-recon-total" data-testid="reconciliation-total" data-currency={t.currency ?? ''}>
                  <th scope="row">All periods</th>
                  <td>{t.currency ?? <span className="muted">None</span>}</td>
                  <td className="num">{count(t.sourceRows)}</td>
                  <td className="num">{t.anyStored ? count(t.storedRows) : '—'}</td>
                  <td className="num" data-testid="source-total" data-value={t.source}>
                    {money(t.source, t.currency)}
                  </td>
                  <td className="num" data-testid="stored-total" data-value={t.stored}>
                    {t.anyStored ? money(t.stored, t.currency) : <span className="muted">Not stored</span>}
                  </td>
                  <td className="num" data-testid="difference" data-value={t.anyStored ? t.difference : ''}>
                    {!t.anyStored ? '—' : isZeroDecimal(t.difference) ? money('0', t.currency) : money(t.difference, t.currency, { exact: true })}
                  </td>
                  <td>{t.matches ? <Badge tone="good">Match</Badge> : t.anyStored ? <Badge tone="bad">Mismatch</Badge> : <Badge tone="warn">Not stored</Badge>}</td>
                </tr>
              ))}
            </tfoot>
          ) : null}
        </table>
      </div>
    </>
  );
}
