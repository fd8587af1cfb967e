import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { billingRoutes } from '#shared/contracts/billing.js';
import { messageOf } from '../api/errors.js';
import { useApi } from '../app/context.js';
import { Button } from '../ui/index.js';
import { count } from './labels.js';
import { billingKeys, useIngestion } from './queries.js';
import { isSettled, type BillingSource } from './types.js';

/** Follows a collection's ingestion until it settles, and says how it went. */
function CollectionOutcome({ id }: { id: string }) {
  const ingestion = useIngestion(id).data;
  if (!ingestion || !isSettled(ingestion.status)) return <div role="status" className="muted" data-testid="collect-outcome">Collecting from Cost Explorer…</div>;
  return ingestion.status === 'succeeded' ? (
    <div role="status" className="muted" data-testid="collect-outcome">
      Collected {count(ingestion.rowsRead)} {ingestion.rowsRead === 1 ? 'row' : 'rows'} ({ingestion.periods.join(', ')})
    </div>
  ) : (
    <div role="status" className="billing-scan-error" data-testid="collect-outcome">
      {ingestion.error?.message ?? 'The collection failed.'}
    </div>
  );
}

/** "Collect now" for a Cost Explorer source: its month to date (and last month while not final) is collected and ingested. */
export function CollectButton({ source }: { source: BillingSource }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [started, setStarted] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const collect = async () => {
    setBusy(true);
    setError(null);
    setStarted(null);
    try {
      const ingestion = await api.call(billingRoutes.collectSource, { params: { id: source.id } });
      setStarted(ingestion.id);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
      await Promise.all([queryClient.invalidateQueries({ queryKey: billingKeys.sources }), queryClient.invalidateQueries({ queryKey: billingKeys.ingestions })]);
    }
  };

  return (
    <div className="billing-scan">
      <Button onClick={() => void collect()} busy={busy} aria-label={`Collect ${source.name} now`}>
        Collect now
      </Button>
      {started ? <CollectionOutcome id={started} /> : null}
      {error ? (
        <div role="status" className="billing-scan-error" data-testid="collect-outcome">
          {error}
        </div>
      ) : null}
    </div>
  );
}
