import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { budgetRoutes } from '#shared/contracts/budgets.js';
import { Can, useApi, useCan } from '../app/context.js';
import { BudgetDialog, DIMENSION_LABELS } from '../budgets/BudgetDialog.js';
import { BudgetHistory, budgetKeys } from '../budgets/History.js';
import { StatusBadge, StatusBar, type Budget } from '../budgets/StatusBar.js';
import { ConfirmDialog } from '../settings/ConfirmDialog.js';
import { useCursorList } from '../settings/useList.js';
import { Button, Card, EmptyState, ErrorState, Loading, Notice, PageHeader, LoadMore } from '../ui/index.js';
import '../settings/settings.css';
import './Budgets.css';

const PERIOD_NOUN = { monthly: 'month', quarterly: 'quarter', annual: 'year' } as const;

function Scope({ filters }: { filters: Budget['filters'] }) {
  const entries = Object.entries(filters);
  if (!entries.length) return <span className="muted">All spend</span>;
  return (
    <span className="budget-scope">
      {entries.map(([d, values]) => (
        <span className="chip" key={d}>
          {d.startsWith('tag:') ? `Tag ${d.slice(4)}` : (DIMENSION_LABELS[d] ?? d)}: {values.join(', ')}
        </span>
      ))}
    </span>
  );
}

/** Budgets: each with its current period's spend, forecast and status; create, edit, delete, history. */
export default function Budgets() {
  const api = useApi();
  const can = useCan();
  const queryClient = useQueryClient();
  const { query, items } = useCursorList<Budget>(budgetKeys.all, (cursor, signal) => api.call(budgetRoutes.list, { query: { cursor, limit: 100 }, signal }));
  const [editing, setEditing] = useState<Budget | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Budget | null>(null);
  const [historyOf, setHistoryOf] = useState<Budget | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const writable = can('budgets:write');
  const refresh = () => queryClient.invalidateQueries({ queryKey: budgetKeys.all });

  return (
    <>
      <PageHeader
        title="Budgets"
        description="Spend against a monthly, quarterly or annual amount, with the forecast for the rest of the period and alerts when a threshold is crossed."
        actions={
          <Can permission="budgets:write">
            <Button variant="primary" onClick={() => setEditing('new')}>
              Create budget
            </Button>
          </Can>
        }
      />
      {notice ? <Notice tone="good">{notice}</Notice> : null}
      <Card title="Budgets">
        {query.isPending ? (
          <Loading rows={3} label="Loading budgets" />
        ) : query.isError ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState
            title="No budgets yet"
            action={
              writable ? (
                <Button variant="primary" onClick={() => setEditing('new')}>
                  Create your first budget
                </Button>
              ) : undefined
            }
          >
            A budget watches spend for a period, all of it or a scope (a service, an account, a tag), and warns before it runs over.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table table-middle" aria-label="Budgets">
              <thead>
                <tr>
                  <th scope="col">Budget</th>
                  <th scope="col">This period</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((b) => (
                  <tr key={b.id} data-budget-id={b.id} data-budget-name={b.name}>
                    <td>
                      <div className="cell-primary">{b.name}</div>
                      <div className="cell-sub muted">
                        {b.period === 'monthly' ? 'Monthly' : b.period === 'quarterly' ? 'Quarterly' : 'Annual'} · {b.metric} cost · {b.current.period.label}
                      </div>
                      <Scope filters={b.filters} />
                    </td>
                    <td>
                      <StatusBar budget={b} />
                    </td>
                    <td>
                      <StatusBadge status={b.current.status} />
                      {b.current.thresholdsCrossed.length ? (
                        <div className="budget-thresholds muted">
                          Crossed: {b.current.thresholdsCrossed.map((t) => `${t.percent} % ${t.on}`).join(', ')}
                        </div>
                      ) : null}
                    </td>
                    <td className="actions">
                      <Button onClick={() => setHistoryOf(b)} aria-label={`History of ${b.name}`}>
                        History
                      </Button>
                      {writable ? (
                        <>
                          <Button onClick={() => setEditing(b)} aria-label={`Edit ${b.name}`}>
                            Edit
                          </Button>
                          <Button variant="danger" onClick={() => setDeleting(b)} aria-label={`Delete ${b.name}`}>
                            Delete
                          </Button>
                        </>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {query.hasNextPage ? (
              <div className="list-footer">
                <LoadMore query={query} />
              </div>
            ) : null}
          </div>
        )}
      </Card>

      {historyOf ? <BudgetHistory budget={historyOf} onClose={() => setHistoryOf(null)} /> : null}

      {writable ? (
        <BudgetDialog
          open={editing !== null}
          budget={editing === 'new' || editing === null ? undefined : editing}
          onClose={() => setEditing(null)}
          onSaved={(b) => {
            setNotice(`Budget “${b.name}” saved: ${b.current.status.replace('_', ' ')} this ${PERIOD_NOUN[b.period]}.`);
            void refresh();
          }}
        />
      ) : null}

      <ConfirmDialog
        open={deleting !== null}
        title="Delete budget"
        confirmLabel="Delete budget"
        tone="danger"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await api.call(budgetRoutes.delete, { params: { id: deleting.id } });
          if (historyOf?.id === deleting.id) setHistoryOf(null);
          queryClient.removeQueries({ queryKey: budgetKeys.history(deleting.id) });
          setNotice(`Budget “${deleting.name}” deleted.`);
          await refresh();
        }}
      >
        {deleting ? (
          <p>
            Delete <strong>{deleting.name}</strong>? Its history and alerts stop; this cannot be undone.
          </p>
        ) : null}
      </ConfirmDialog>
    </>
  );
}
