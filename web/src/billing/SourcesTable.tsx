import { Link } from 'react-router';
import { useTimeZone } from '../app/context.js';
import { formatDateTime } from '../format.js';
import { Badge, Button } from '../ui/index.js';
import { periodLabel, relativeTime } from './labels.js';
import { CollectButton } from './CollectButton.js';
import { ScanButton } from './ScanButton.js';
import type { BillingSource } from './types.js';

/** Older than this, a source's last delivery is flagged: exports normally arrive at least daily. */
const STALE_AFTER_MS = 3 * 86_400_000;

export function freshness(source: BillingSource, now = Date.now()): { label: string; tone: 'good' | 'warn' | 'neutral' } {
  if (!source.lastDeliveredAt) return { label: 'No data yet', tone: 'neutral' };
  const age = now - new Date(source.lastDeliveredAt).getTime();
  return age > STALE_AFTER_MS ? { label: 'Stale', tone: 'warn' } : { label: 'Fresh', tone: 'good' };
}

function PeriodStrip({ periods }: { periods: BillingSource['periods'] }) {
  const sorted = [...periods].sort((a, b) => a.period.localeCompare(b.period));
  const final = sorted.filter((p) => p.status === 'final').length;
  const estimated = sorted.length - final;
  if (sorted.length === 0) return <span className="muted">None yet</span>;
  return (
    <div className="billing-periods">
      <ul className="billing-period-strip" aria-label="Billing months">
        {sorted.slice(-18).map((p) => (
          <li key={p.period} className={`billing-period billing-period-${p.status}`} title={`${periodLabel(p.period)}: ${p.status}`}>
            <span className="visually-hidden">
              {periodLabel(p.period)}: {p.status}
            </span>
          </li>
        ))}
      </ul>
      <div className="muted billing-period-summary">
        {sorted.length > 1 ? `${periodLabel(sorted[0]!.period)} – ${periodLabel(sorted.at(-1)!.period)}` : periodLabel(sorted[0]!.period)} ·{' '}
        <span data-testid="final-months">{final} final</span>
        {estimated ? (
          <>
            , <span data-testid="estimated-months">{estimated} estimated</span>
          </>
        ) : null}
      </div>
    </div>
  );
}

const TRIGGERS = { manual: 'scan', schedule: 'daily scan', event: 'S3 event' } as const;

/** A bucket source's last scan or event: when, what it found, or why it could not read the bucket. */
function LastScan({ source }: { source: BillingSource }) {
  const timeZone = useTimeZone();
  const scan = source.lastScan;
  if (!scan) return <div className="muted billing-last-scan" data-testid="last-scan">Not scanned yet: new files arrive by S3 event, or scan now</div>;
  return (
    <div className={`billing-last-scan ${scan.error ? 'billing-scan-error' : 'muted'}`} data-testid="last-scan">
      Last {TRIGGERS[scan.trigger]}{' '}
      <time dateTime={scan.at} title={formatDateTime(scan.at, timeZone)}>
        {relativeTime(scan.at)}
      </time>
      {scan.error ? `: ${scan.error.message}` : `: ${scan.objects} ${scan.objects === 1 ? 'file' : 'files'}, ${scan.started} new ${scan.started === 1 ? 'delivery' : 'deliveries'}`}
    </div>
  );
}

const KINDS = { upload: 'Upload area', bucket: 'Export bucket', 'cost-explorer': 'Cost Explorer' } as const;

/** A Cost Explorer source's last collection: when, and whether the daily schedule or someone started it. */
function LastCollection({ source }: { source: BillingSource }) {
  const timeZone = useTimeZone();
  const run = source.lastCollection;
  if (!run) return <div className="muted billing-last-scan" data-testid="last-collection">Not collected yet: collected daily at 06:00 UTC, or collect now</div>;
  return (
    <div className="muted billing-last-scan" data-testid="last-collection">
      Last {run.trigger === 'schedule' ? 'daily collection' : 'collection'}{' '}
      <time dateTime={run.at} title={formatDateTime(run.at, timeZone)}>
        {relativeTime(run.at)}
      </time>{' '}
      (<Link to={`/billing/ingestions/${run.ingestionId}`}>its ingestion</Link>)
    </div>
  );
}

export function SourcesTable({ sources, canWrite, onUpload }: { sources: BillingSource[]; canWrite: boolean; onUpload: (sourceId: string) => void }) {
  const timeZone = useTimeZone();
  return (
    <div className="table-wrap">
      <table className="table billing-sources" data-testid="sources">
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col">Kind</th>
            <th scope="col">Last delivery</th>
            <th scope="col">Billing months</th>
            {canWrite ? (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {sources.map((source) => {
            const fresh = freshness(source);
            return (
              <tr key={source.id} data-source-id={source.id}>
                <td>
                  <div className="billing-source-name">{source.name}</div>
                  <div className="muted billing-source-detail">
                    {source.kind === 'bucket' ? (
                      <code>
                        s3://{source.bucket}/{source.prefix ?? ''}
                      </code>
                    ) : source.kind === 'cost-explorer' ? (
                      `Daily costs of account ${source.accountId} from Cost Explorer (no export)`
                    ) : (
                      'Files uploaded here or through the API'
                    )}
                    {source.kind === 'bucket' && source.accountId ? ` · read by account ${source.accountId}` : ''}
                    {source.defaultCurrency ? ` · default currency ${source.defaultCurrency}` : ''}
                  </div>
                  {source.kind === 'bucket' ? <LastScan source={source} /> : null}
                  {source.kind === 'cost-explorer' ? <LastCollection source={source} /> : null}
                </td>
                <td>{KINDS[source.kind]}</td>
                <td>
                  {source.lastDeliveredAt ? (
                    <div>
                      <time dateTime={source.lastDeliveredAt} title={formatDateTime(source.lastDeliveredAt, timeZone)}>
                        {relativeTime(source.lastDeliveredAt)}
                      </time>{' '}
                      <Badge tone={fresh.tone}>{fresh.label}</Badge>
                    </div>
                  ) : (
                    <Badge tone="neutral">{fresh.label}</Badge>
                  )}
                </td>
                <td>
                  <PeriodStrip periods={source.periods} />
                </td>
                {canWrite ? (
                  <td className="billing-row-actions">
                    {source.kind === 'upload' ? (
                      <Button onClick={() => onUpload(source.id)} aria-label={`Upload a file to ${source.name}`}>
                        Upload
                      </Button>
                    ) : source.kind === 'cost-explorer' ? (
                      <CollectButton source={source} />
                    ) : source.accountId ? (
                      <ScanButton source={source} />
                    ) : null}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
