import { Link } from 'react-router';
import { useTimeZone } from '../app/context.js';
import { formatDateTime } from '../format.js';
import { count, filesFormat, money } from './labels.js';
import { totalsByCurrency } from './reconcile.js';
import { StatusBadge } from './status.js';
import type { BillingSource, Ingestion } from './types.js';

/** Every ingestion, newest first: when, what, how it went, and the file's own billed cost. */
export function HistoryTable({ ingestions, sources }: { ingestions: Ingestion[]; sources: Map<string, BillingSource> }) {
  const timeZone = useTimeZone();
  return (
    <div className="table-wrap">
      <table className="table billing-history" data-testid="ingestions">
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Source</th>
            <th scope="col">File</th>
            <th scope="col">Format</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Rows
            </th>
            <th scope="col" className="num">
              Billed cost in file
            </th>
          </tr>
        </thead>
        <tbody>
          {ingestions.map((ingestion) => {
            const files = ingestion.files.map((f) => f.fileName);
            const totals = totalsByCurrency(ingestion.sourceTotals);
            return (
              <tr key={ingestion.id} data-ingestion-id={ingestion.id}>
                <td>
                  <Link to={`/billing/ingestions/${ingestion.id}`} aria-label={`Ingestion of ${formatDateTime(ingestion.createdAt, timeZone)}: details`}>
                    <time dateTime={ingestion.createdAt}>{formatDateTime(ingestion.createdAt, timeZone)}</time>
                  </Link>
                </td>
                <td>{sources.get(ingestion.sourceId)?.name ?? <span className="muted">Unknown source</span>}</td>
                <td className="billing-file-cell">
                  {files.length ? (
                    <span className="mono" title={files.join(', ')}>
                      {files[0]}
                      {files.length > 1 ? ` +${files.length - 1}` : ''}
                    </span>
                  ) : (
                    <span className="muted">
                      {ingestion.uploadIds.length} file{ingestion.uploadIds.length === 1 ? '' : 's'}
                    </span>
                  )}
                </td>
                <td>{filesFormat(ingestion.files)}</td>
                <td data-testid="ingestion-status">
                  <StatusBadge status={ingestion.status} />
                </td>
                <td className="num" data-testid="ingestion-rows">
                  {count(ingestion.rowsRead)}
                  {ingestion.rowsRejected ? <div className="billing-rejected-count">{count(ingestion.rowsRejected)} rejected</div> : null}
                </td>
                <td className="num" data-testid="ingestion-totals">
                  {totals.length
                    ? totals.map((t) => (
                        <div key={t.currency ?? 'none'} data-currency={t.currency ?? ''} data-value={t.amount}>
                          {money(t.amount, t.currency)}
                          {t.currency ? null : <span className="muted"> no currency</span>}
                        </div>
                      ))
                    : '—'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
