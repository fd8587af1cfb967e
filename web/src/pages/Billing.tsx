import { useMemo, useState } from 'react';
import { useCan } from '../app/context.js';
import { AddSourceDialog } from '../billing/AddSourceDialog.js';
import { HistoryTable } from '../billing/HistoryTable.js';
import { count, periodLabel, relativeTime } from '../billing/labels.js';
import { LiveIngestion } from '../billing/LiveIngestion.js';
import { useIngestionHistory, useSources } from '../billing/queries.js';
import { SourcesTable } from '../billing/SourcesTable.js';
import { StatusBadge } from '../billing/status.js';
import type { BillingSource, Ingestion } from '../billing/types.js';
import { UploadDialog } from '../billing/UploadDialog.js';
import { Button, Card, EmptyState, ErrorState, Loading, Notice, PageHeader, QueryView, Stat } from '../ui/index.js';
import './Billing.css';

interface Tracked {
  id: string;
  fileName: string;
  sourceName: string;
}

export default function Billing() {
  const can = useCan();
  const canWrite = can('billing:write');
  const sources = useSources();
  const history = useIngestionHistory();
  const [adding, setAdding] = useState(false);
  const [uploadFor, setUploadFor] = useState<{ sourceId: string | null } | null>(null);
  const [tracked, setTracked] = useState<Tracked[]>([]);
  const [created, setCreated] = useState<BillingSource | null>(null);
  const byId = useMemo(() => new Map((sources.data ?? []).map((s) => [s.id, s])), [sources.data]);
  const ingestions = useMemo(() => history.data?.pages.flatMap((p) => p.items) ?? [], [history.data]);

  const started = (ingestion: Ingestion, fileName: string) => {
    setUploadFor(null);
    setCreated(null);
    setTracked((list) => [{ id: ingestion.id, fileName, sourceName: byId.get(ingestion.sourceId)?.name ?? 'a billing source' }, ...list]);
  };

  return (
    <>
      <PageHeader
        title="Billing data"
        description="Where your cost data comes from, how fresh it is, and every file ingested, reconciled to its own totals."
        actions={
          canWrite ? (
            <>
              <Button onClick={() => setAdding(true)}>Add source</Button>
              <Button variant="primary" onClick={() => setUploadFor({ sourceId: null })} disabled={!sources.data?.length}>
                Upload a file
              </Button>
            </>
          ) : null
        }
      />

      {created ? (
        <Notice tone="good">
          Source “{created.name}” added.{' '}
          {created.kind === 'upload' ? (
            <button type="button" className="billing-link-button" onClick={() => setUploadFor({ sourceId: created.id })}>
              Upload its first file
            </button>
          ) : (
            'Exports delivered to its bucket and prefix are picked up from there.'
          )}
        </Notice>
      ) : null}

      {tracked.map((t) => (
        <LiveIngestion key={t.id} {...t} onDismiss={() => setTracked((list) => list.filter((x) => x.id !== t.id))} />
      ))}

      <Summary sources={sources.data} latest={ingestions[0]} loading={sources.isPending || history.isPending} />

      <Card title="Sources">
        <QueryView
          query={sources}
          isEmpty={(list) => list.length === 0}
          empty={
            <EmptyState
              title="No billing sources yet"
              action={canWrite ? <Button variant="primary" onClick={() => setAdding(true)}>Add your first source</Button> : undefined}
            >
              {canWrite
                ? 'Add an upload area for your provider’s exports (FOCUS, AWS CUR), or point us at the bucket they are delivered to.'
                : 'A FinOps manager or admin of your organization can add one.'}
            </EmptyState>
          }
        >
          {(list) => <SourcesTable sources={list} canWrite={canWrite} onUpload={(sourceId) => setUploadFor({ sourceId })} />}
        </QueryView>
      </Card>

      <Card title="Ingestion history">
        {history.isPending ? (
          <Loading rows={5} />
        ) : history.isError && ingestions.length === 0 ? (
          <ErrorState error={history.error} onRetry={() => void history.refetch()} />
        ) : ingestions.length === 0 ? (
          <EmptyState title="Nothing ingested yet">Files you upload, and exports delivered to a bucket source, are listed here.</EmptyState>
        ) : (
          <>
            <HistoryTable ingestions={ingestions} sources={byId} />
            {history.isFetchNextPageError ? <ErrorState error={history.error} onRetry={() => void history.fetchNextPage()} /> : null}
            {history.hasNextPage ? (
              <div className="billing-more">
                <Button onClick={() => void history.fetchNextPage()} busy={history.isFetchingNextPage}>
                  Load more
                </Button>
              </div>
            ) : null}
          </>
        )}
      </Card>

      {canWrite ? (
        <>
          <AddSourceDialog
            open={adding}
            onClose={() => setAdding(false)}
            onCreated={(source) => {
              setAdding(false);
              setCreated(source);
            }}
          />
          <UploadDialog
            open={uploadFor !== null}
            sources={sources.data ?? []}
            sourceId={uploadFor?.sourceId ?? null}
            onClose={() => setUploadFor(null)}
            onStarted={started}
          />
        </>
      ) : null}
    </>
  );
}

function Summary({ sources, latest, loading }: { sources: BillingSource[] | undefined; latest: Ingestion | undefined; loading: boolean }) {
  if (loading && !sources) return <Loading rows={2} label="Loading the summary" />;
  const list = sources ?? [];
  const lastDelivery = list
    .map((s) => s.lastDeliveredAt)
    .filter((d): d is string => d !== null)
    .sort()
    .at(-1);
  const periods = new Map<string, 'estimated' | 'final'>();
  for (const source of list) {
    for (const p of source.periods) {
      // A month is final only when every source that delivered it says so.
      if (periods.get(p.period) !== 'estimated') periods.set(p.period, p.status);
    }
  }
  const months = [...periods.keys()].sort();
  const estimated = [...periods.values()].filter((s) => s === 'estimated').length;
  return (
    <div className="grid grid-4">
      <Stat label="Sources" value={count(list.length)} detail={`${list.filter((s) => s.kind === 'upload').length} upload, ${list.filter((s) => s.kind === 'bucket').length} bucket, ${list.filter((s) => s.kind === 'cost-explorer').length} Cost Explorer`} />
      <Stat
        label="Latest delivery"
        value={lastDelivery ? relativeTime(lastDelivery) : '—'}
        detail={lastDelivery ? 'across all sources' : 'no data delivered yet'}
        testId="latest-delivery"
      />
      <Stat
        label="Billing months"
        value={count(months.length)}
        detail={months.length ? `${periodLabel(months[0]!)} – ${periodLabel(months.at(-1)!)} · ${months.length - estimated} final, ${estimated} estimated` : 'none yet'}
        testId="billing-months"
      />
      <Stat
        label="Last ingestion"
        value={latest ? <StatusBadge status={latest.status} /> : '—'}
        detail={latest ? relativeTime(latest.createdAt) : 'none yet'}
        testId="last-ingestion"
      />
    </div>
  );
}
