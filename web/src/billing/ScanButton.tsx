import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { billingRoutes } from '#shared/contracts/billing.js';
import { messageOf } from '../api/errors.js';
import { useApi } from '../app/context.js';
import { Button } from '../ui/index.js';
import { count } from './labels.js';
import { billingKeys, useIngestion } from './queries.js';
import { isSettled, type BillingSource } from './types.js';

/** Follows one delivery's ingestion; once it settles, the sources (their months, last delivery) are refreshed. */
function FollowIngestion({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const status = useIngestion(id).data?.status;
  const settled = status !== undefined && isSettled(status);
  useEffect(() => {
    if (settled) void queryClient.invalidateQueries({ queryKey: billingKeys.sources });
  }, [settled, queryClient]);
  return null;
}

/** "Scan now" for an export bucket source: new files under its prefix are copied in and ingested. */
export function ScanButton({ source }: { source: BillingSource }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const [following, setFollowing] = useState<string[]>([]);

  const scan = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      const result = await api.call(billingRoutes.scanSource, { params: { id: source.id } });
      const startedIds = [...new Set(result.objects.filter((o) => o.outcome === 'started').map((o) => o.ingestionId))];
      const started = startedIds.length;
      setFollowing(startedIds);
      const files = `${count(result.objects.length)} ${result.objects.length === 1 ? 'file' : 'files'} found`;
      setOutcome({ tone: 'ok', text: started ? `${files}, ${count(started)} new ${started === 1 ? 'delivery' : 'deliveries'} ingesting` : `${files}, nothing new` });
    } catch (error) {
      setOutcome({ tone: 'error', text: messageOf(error) });
    } finally {
      setBusy(false);
      await Promise.all([queryClient.invalidateQueries({ queryKey: billingKeys.sources }), queryClient.invalidateQueries({ queryKey: billingKeys.ingestions })]);
    }
  };

  return (
    <div className="billing-scan">
      <Button onClick={() => void scan()} busy={busy} aria-label={`Scan ${source.name} now`}>
        Scan now
      </Button>
      {following.map((id) => (
        <FollowIngestion key={id} id={id} />
      ))}
      {outcome ? (
        <div role="status" className={outcome.tone === 'error' ? 'billing-scan-error' : 'muted'} data-testid="scan-outcome">
          {outcome.text}
        </div>
      ) : null}
    </div>
  );
}
