import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { alertRoutes } from '#shared/contracts/alerts.js';
import { messageOf } from '../api/errors.js';
import { ChannelDialog, KIND_LABELS, type AlertChannel } from '../alerts/ChannelDialog.js';
import { Can, useApi, useCan, useTimeZone } from '../app/context.js';
import { formatDateTime } from '../format.js';
import { ConfirmDialog } from '../settings/ConfirmDialog.js';
import { useCursorList } from '../settings/useList.js';
import { Badge, Button, Card, EmptyState, ErrorState, Loading, Notice, PageHeader } from '../ui/index.js';
import '../settings/settings.css';
import './AlertChannels.css';

const CHANNELS_KEY = ['alert-channels'] as const;

type TestResult = { delivered: boolean; detail: string } | { error: string };

/** Where budget thresholds, new anomalies and the daily digest are sent: Slack, email or a signed webhook. */
export default function AlertChannels() {
  const api = useApi();
  const can = useCan();
  const zone = useTimeZone();
  const queryClient = useQueryClient();
  const { query, items } = useCursorList<AlertChannel>(CHANNELS_KEY, (cursor, signal) => api.call(alertRoutes.list, { query: { cursor, limit: 100 }, signal }));
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<AlertChannel | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [testing, setTesting] = useState<string | null>(null);
  const [results, setResults] = useState<Record<string, TestResult>>({});
  const writable = can('alerts:write');
  const refresh = () => queryClient.invalidateQueries({ queryKey: CHANNELS_KEY });

  const test = async (channel: AlertChannel) => {
    setTesting(channel.id);
    try {
      const result = await api.call(alertRoutes.test, { params: { id: channel.id } });
      setResults((r) => ({ ...r, [channel.id]: result }));
    } catch (error) {
      setResults((r) => ({ ...r, [channel.id]: { error: messageOf(error) } }));
    } finally {
      setTesting(null);
      void refresh();
    }
  };

  return (
    <>
      <PageHeader
        title="Alert channels"
        description="Where CloudOptima sends budget thresholds (once per threshold per period), new anomalies (once each) and, if you like, a daily digest."
        actions={
          <Can permission="alerts:write">
            <Button variant="primary" onClick={() => setAdding(true)}>
              Add channel
            </Button>
          </Can>
        }
      />
      {notice ? <Notice tone="good">{notice}</Notice> : null}
      <Card title="Channels">
        {query.isPending ? (
          <Loading rows={3} label="Loading alert channels" />
        ) : query.isError ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState title="No alert channels" action={writable ? <Button variant="primary" onClick={() => setAdding(true)}>Add your first channel</Button> : undefined}>
            Add Slack, an email address or a webhook to hear about budgets and anomalies without opening the console.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table table-middle" aria-label="Alert channels">
              <thead>
                <tr>
                  <th scope="col">Channel</th>
                  <th scope="col">Target</th>
                  <th scope="col">Sends</th>
                  <th scope="col">Last delivery</th>
                  {writable ? (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {items.map((c) => {
                  const result = results[c.id];
                  return (
                    <tr key={c.id} data-channel-id={c.id} data-channel-name={c.name}>
                      <td>
                        <div className="cell-primary">{c.name}</div>
                        <div className="cell-sub">
                          {KIND_LABELS[c.kind]} {c.status === 'pending_confirmation' ? <Badge tone="warn">Awaiting confirmation</Badge> : null}
                        </div>
                      </td>
                      <td className="alert-target" data-testid="channel-target">
                        {c.target}
                      </td>
                      <td>
                        {[c.events.includes('budget') ? 'Budgets' : null, c.events.includes('anomaly') ? `Anomalies (${c.minSeverity}+)` : null, c.digest ? 'Daily digest' : null].filter(Boolean).join(', ')}
                      </td>
                      <td data-testid="channel-last-delivery">
                        {c.lastDelivery ? (
                          <>
                            <Badge tone={c.lastDelivery.ok ? 'good' : 'bad'}>{c.lastDelivery.ok ? 'Delivered' : 'Failed'}</Badge>
                            <div className="cell-sub">
                              {formatDateTime(c.lastDelivery.at, zone)} · {c.lastDelivery.detail}
                            </div>
                          </>
                        ) : (
                          <span className="muted">Nothing sent yet</span>
                        )}
                      </td>
                      {writable ? (
                        <td className="actions">
                          <Button onClick={() => void test(c)} busy={testing === c.id} aria-label={`Send a test to ${c.name}`}>
                            Send test
                          </Button>
                          <Button variant="danger" onClick={() => setDeleting(c)} aria-label={`Delete ${c.name}`}>
                            Delete
                          </Button>
                          {result ? (
                            <div role="status" data-testid="test-result" className={`alert-test-result ${'error' in result || !result.delivered ? 'failed' : 'ok'}`}>
                              {'error' in result ? result.error : result.delivered ? `Test delivered (${result.detail})` : `Test failed: ${result.detail}`}
                            </div>
                          ) : null}
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      {writable ? (
        <ChannelDialog
          open={adding}
          onClose={() => setAdding(false)}
          onCreated={(c) => {
            setNotice(`Channel “${c.name}” added.`);
            void refresh();
          }}
        />
      ) : null}

      <ConfirmDialog
        open={deleting !== null}
        title="Delete alert channel"
        confirmLabel="Delete channel"
        tone="danger"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await api.call(alertRoutes.delete, { params: { id: deleting.id } });
          setNotice(`Channel “${deleting.name}” deleted.`);
          await refresh();
        }}
      >
        {deleting ? (
          <p>
            Delete <strong>{deleting.name}</strong>? Alerts stop going there, and its stored secret or email subscription is removed.
          </p>
        ) : null}
      </ConfirmDialog>
    </>
  );
}
