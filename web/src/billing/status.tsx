import { useTimeZone } from '../app/context.js';
import { formatDateTime } from '../format.js';
import { Badge } from '../ui/index.js';
import { count, duration } from './labels.js';
import { reconciliation } from './reconcile.js';
import type { Ingestion, IngestionStatus } from './types.js';

const STATUS: Record<IngestionStatus, { label: string; tone: 'neutral' | 'good' | 'bad' | 'info' }> = {
  queued: { label: 'Queued', tone: 'neutral' },
  running: { label: 'Running', tone: 'info' },
  succeeded: { label: 'Succeeded', tone: 'good' },
  failed: { label: 'Failed', tone: 'bad' },
};

export function statusLabel(status: IngestionStatus): string {
  return STATUS[status].label;
}

export function StatusBadge({ status }: { status: IngestionStatus }) {
  const { label, tone } = STATUS[status];
  return (
    <span className="billing-status" data-status={status}>
      <Badge tone={tone}>
        {status === 'running' || status === 'queued' ? <span className="billing-pulse" aria-hidden="true" /> : null}
        {label}
      </Badge>
    </span>
  );
}

/** Queued, running, then succeeded or failed: each step with its time, the current one marked. */
export function StatusTimeline({ ingestion }: { ingestion: Ingestion }) {
  const timeZone = useTimeZone();
  const { status } = ingestion;
  const settled = status === 'succeeded' || status === 'failed';
  const steps: Array<{ key: string; label: string; at: string | null; state: 'done' | 'current' | 'todo' | 'failed'; detail?: string | null }> = [
    { key: 'queued', label: 'Queued', at: ingestion.createdAt, state: status === 'queued' ? 'current' : 'done' },
    {
      key: 'running',
      label: 'Reading, aggregating and reconciling',
      at: ingestion.startedAt,
      state: status === 'queued' ? 'todo' : status === 'running' ? 'current' : 'done',
      detail: ingestion.rowsRead > 0 ? `${count(ingestion.rowsRead)} rows read` : null,
    },
    {
      key: 'settled',
      label: status === 'failed' ? 'Failed: nothing was stored' : status === 'succeeded' ? 'Succeeded: stored and made current' : 'Stored and made current',
      at: ingestion.finishedAt,
      state: status === 'failed' ? 'failed' : settled ? 'done' : 'todo',
      detail: duration(ingestion.createdAt, ingestion.finishedAt) ? `${duration(ingestion.createdAt, ingestion.finishedAt)} in all` : null,
    },
  ];
  return (
    <ol className="billing-timeline" aria-label="Ingestion progress">
      {steps.map((step) => (
        <li key={step.key} className={`billing-step billing-step-${step.state}`} aria-current={step.state === 'current' ? 'step' : undefined}>
          <span className="billing-step-dot" aria-hidden="true" />
          <div>
            <div className="billing-step-label">{step.label}</div>
            <div className="muted billing-step-time">
              {step.at ? <time dateTime={step.at}>{formatDateTime(step.at, timeZone)}</time> : step.state === 'current' ? 'In progress…' : 'Not yet'}
              {step.detail ? ` · ${step.detail}` : null}
            </div>
          </div>
        </li>
      ))}
    </ol>
  );
}

/** A failed ingestion in plain words: what went wrong, what it means, what to do. */
export function failureSummary(ingestion: Ingestion): { headline: string; advice: string } {
  if (ingestion.rowsRejected > 0) {
    return {
      headline: `${count(ingestion.rowsRejected)} of ${count(ingestion.rowsRead)} rows were rejected, so nothing from this file was stored.`,
      advice: 'Fix the rows listed below (or ask your provider for a corrected export) and upload the file again. The data stored before stays current.',
    };
  }
  if (ingestion.files.length === 0 && ingestion.rowsRead === 0) {
    return {
      headline: 'The file could not be read as a billing export.',
      advice: 'Check that it is a FOCUS, AWS CUR 2.0 or legacy CUR export (CSV, gzip CSV or Parquet) and that it was uploaded completely. Nothing was stored; the data stored before stays current.',
    };
  }
  if (ingestion.storedTotals.length > 0 && reconciliation(ingestion).some((line) => !line.matches)) {
    return {
      headline: "What was stored did not add up to the file's own totals, so it was not made current.",
      advice: 'This points to a problem on our side rather than in your file. Try again; if it happens again, contact support with the ingestion id.',
    };
  }
  return {
    headline: 'The ingestion stopped before it finished, so nothing was stored.',
    advice: 'The data stored before stays current. Try the upload again; if it fails again, contact support with the ingestion id.',
  };
}
