import { Link } from 'react-router';
import { Button, Card, ErrorState, Loading } from '../ui/index.js';
import { count, filesFormat, money, periodLabel } from './labels.js';
import { useIngestion } from './queries.js';
import { reconciliation, totalsByCurrency } from './reconcile.js';
import { failureSummary, StatusBadge, StatusTimeline } from './status.js';
import { isSettled } from './types.js';

/** An ingestion started from this page, followed live until it settles, then summarized. */
export function LiveIngestion({ id, fileName, sourceName, onDismiss }: { id: string; fileName: string; sourceName: string; onDismiss: () => void }) {
  const query = useIngestion(id);
  const ingestion = query.data;
  return (
    <div data-testid="live-ingestion" data-ingestion-id={id}>
      <Card
        className="billing-live"
        title={
          <>
            {fileName} <span className="muted billing-live-source">into {sourceName}</span>
          </>
        }
        actions={
          <div className="billing-live-actions">
            {ingestion ? <StatusBadge status={ingestion.status} /> : null}
            <Button variant="ghost" onClick={onDismiss} aria-label={`Dismiss ${fileName}`} disabled={!ingestion || !isSettled(ingestion.status)}>
              Dismiss
            </Button>
          </div>
        }
      >
        {query.isPending ? <Loading rows={2} /> : query.isError ? <ErrorState error={query.error} onRetry={() => void query.refetch()} /> : null}
        {ingestion ? (
          <div className="billing-live-body">
            <StatusTimeline ingestion={ingestion} />
            <div className="billing-live-result" aria-live="polite">
              {ingestion.status === 'succeeded' ? (
                <>
                  <p>
                    <strong>Ingested and reconciled.</strong> {count(ingestion.rowsRead)} rows ({filesFormat(ingestion.files)}) for{' '}
                    {ingestion.periods.map(periodLabel).join(', ')}. The stored totals equal the file's own, to the last digit, for each of its{' '}
                    {reconciliation(ingestion).length} period and currency lines.
                  </p>
                  <dl className="billing-live-totals" data-testid="live-totals">
                    {totalsByCurrency(ingestion.storedTotals).map((t) => (
                      <div key={t.currency ?? 'none'}>
                        <dt>Billed cost{t.currency ? ` (${t.currency})` : ''}</dt>
                        <dd className="num" data-currency={t.currency ?? ''} data-value={t.amount}>
                          {money(t.amount, t.currency)}
                        </dd>
                      </div>
                    ))}
                  </dl>
                </>
              ) : ingestion.status === 'failed' ? (
                <div className="billing-failure" role="alert">
                  <p>
                    <strong>{failureSummary(ingestion).headline}</strong>
                  </p>
                  {ingestion.error ? <p className="billing-error-message">{ingestion.error.message}</p> : null}
                </div>
              ) : (
                <p className="muted">
                  {ingestion.status === 'queued' ? 'Waiting for the workflow to pick the file up…' : 'Reading the file and checking every row…'} This updates by itself.
                </p>
              )}
              {isSettled(ingestion.status) ? (
                <Link to={`/billing/ingestions/${id}`}>{ingestion.status === 'failed' ? 'See what went wrong' : 'View the reconciliation'}</Link>
              ) : null}
            </div>
          </div>
        ) : null}
      </Card>
    </div>
  );
}
