import { Link, useParams } from 'react-router';
import { useTimeZone } from '../app/context.js';
import { containerLabel, count, duration, filesFormat, formatLabel, periodLabel } from '../billing/labels.js';
import { useIngestion, useSources } from '../billing/queries.js';
import { reconciliation } from '../billing/reconcile.js';
import { ReconciliationTable } from '../billing/ReconciliationTable.js';
import { RejectionsTable } from '../billing/RejectionsTable.js';
import { failureSummary, StatusBadge, StatusTimeline } from '../billing/status.js';
import type { Ingestion as IngestionRecord } from '../billing/types.js';
import { formatDateTime } from '../format.js';
import { Card, ErrorState, Loading, Notice, PageHeader, Stat } from '../ui/index.js';
import './Billing.css';

export default function Ingestion() {
  const { id = '' } = useParams();
  const query = useIngestion(id);
  return (
    <>
      <nav aria-label="Breadcrumb" className="billing-breadcrumb">
        <Link to="/billing">← Billing data</Link>
      </nav>
      {query.isPending ? (
        <>
          <PageHeader title="Ingestion" />
          <Loading rows={8} label="Loading the ingestion" />
        </>
      ) : query.isError ? (
        <>
          <PageHeader title="Ingestion" />
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        </>
      ) : (
        <IngestionDetail ingestion={query.data} />
      )}
    </>
  );
}

function IngestionDetail({ ingestion }: { ingestion: IngestionRecord }) {
  const timeZone = useTimeZone();
  const sources = useSources();
  const source = sources.data?.find((s) => s.id === ingestion.sourceId);
  const files = ingestion.files.map((f) => f.fileName);
  const title = files.length
    ? `Ingestion of ${files[0]}${files.length > 1 ? ` and ${files.length - 1} more` : ''}`
    : source
      ? `Ingestion into ${source.name}`
      : 'Ingestion';
  const lines = reconciliation(ingestion);
  const matched = lines.filter((l) => l.matches).length;
  const formats = [...new Set(ingestion.files.map((f) => formatLabel(f.format)))];
  const containers = [...new Set(ingestion.files.map((f) => containerLabel(f.container)))];
  const periods = [...ingestion.periods].sort();

  return (
    <>
      <PageHeader
        title={title}
        description={
          <>
            {source ? source.name : 'Billing source'} · started <time dateTime={ingestion.createdAt}>{formatDateTime(ingestion.createdAt, timeZone)}</time> · id{' '}
            <code>{ingestion.id}</code>
          </>
        }
        actions={<StatusBadge status={ingestion.status} />}
      />

      <StatusNotice ingestion={ingestion} matched={matched} lines={lines.length} />

      <div className="grid grid-4">
        <Stat label="Format" value={<span data-testid="detected-format">{formats.join(', ') || '—'}</span>} detail={containers.length ? containers.join(', ') : 'not detected'} />
        <Stat label="Rows read" value={<span data-testid="rows-read">{count(ingestion.rowsRead)}</span>} detail={`${count(ingestion.files.length)} file${ingestion.files.length === 1 ? '' : 's'}`} />
        <Stat
          label="Rows rejected"
          value={<span data-testid="rows-rejected">{count(ingestion.rowsRejected)}</span>}
          detail={
            ingestion.rowsRejected
              ? 'any rejected row stops the ingestion'
              : ingestion.rowsRead > 0
                ? 'every row was accepted'
                : 'no rows were read'
          }
          tone={ingestion.rowsRejected ? 'up' : 'neutral'}
        />
        <Stat
          label="Billing periods"
          value={count(periods.length)}
          detail={periods.length ? `${periodLabel(periods[0]!)}${periods.length > 1 ? ` – ${periodLabel(periods.at(-1)!)}` : ''}` : 'none'}
        />
      </div>

      <div className="grid grid-2">
        <Card title="Progress">
          <StatusTimeline ingestion={ingestion} />
        </Card>
        <Card title="Files">
          {ingestion.files.length ? (
            <div className="table-wrap">
              <table className="table" data-testid="files">
                <thead>
                  <tr>
                    <th scope="col">File</th>
                    <th scope="col">Format</th>
                    <th scope="col" className="num">
                      Records
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {ingestion.files.map((f) => (
                    <tr key={f.fileName}>
                      <td className="mono billing-file-cell">{f.fileName}</td>
                      <td>{filesFormat([f])}</td>
                      <td className="num">{count(f.records)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted">
              {ingestion.status === 'failed'
                ? `The ${ingestion.uploadIds.length === 1 ? 'file' : `${ingestion.uploadIds.length} files`} could not be read, so no format was detected.`
                : 'Detected once the workflow opens the file.'}
            </p>
          )}
          {ingestion.files.length && duration(ingestion.startedAt, ingestion.finishedAt) ? (
            <p className="muted billing-note">Processed in {duration(ingestion.startedAt, ingestion.finishedAt)}.</p>
          ) : null}
        </Card>
      </div>

      {ingestion.rowsRejected > 0 || ingestion.rejections.length > 0 ? (
        <Card title={`Rejected rows (${count(ingestion.rowsRejected)})`}>
          <RejectionsTable ingestion={ingestion} />
        </Card>
      ) : null}

      <Card
        title="Reconciliation"
        actions={
          lines.length ? (
            <span className="muted" data-testid="reconciliation-summary">
              {matched} of {lines.length} period and currency lines match
            </span>
          ) : null
        }
      >
        <p className="muted billing-note">
          The file's own totals, summed straight from its cost columns, beside what was stored and read back. An ingestion succeeds only if every line matches to the last digit.
        </p>
        <ReconciliationTable ingestion={ingestion} />
      </Card>
    </>
  );
}

function StatusNotice({ ingestion, matched, lines }: { ingestion: IngestionRecord; matched: number; lines: number }) {
  if (ingestion.status === 'failed') {
    const { headline, advice } = failureSummary(ingestion);
    return (
      <div className="billing-failure-notice" data-testid="failure">
        <Notice tone="bad">
          <strong>{headline}</strong>
          <p className="billing-advice">{advice}</p>
          {ingestion.error ? (
            <p className="billing-error-message" data-testid="error-message">
              {ingestion.error.message}
            </p>
          ) : null}
        </Notice>
      </div>
    );
  }
  if (ingestion.status === 'succeeded') {
    return (
      <Notice tone="good">
        <strong>Ingested and reconciled.</strong> {count(ingestion.rowsRead)} rows stored; {matched} of {lines} period and currency lines match the file's own totals, and{' '}
        {ingestion.periods.length === 1 ? 'its billing period is' : `its ${ingestion.periods.length} billing periods are`} now current.
      </Notice>
    );
  }
  return (
    <Notice tone="info">
      {ingestion.status === 'queued' ? 'Queued: the workflow picks the file up in a moment.' : 'Running: reading every row and checking it.'} This page updates by itself; nothing becomes visible until
      the totals reconcile.
    </Notice>
  );
}
