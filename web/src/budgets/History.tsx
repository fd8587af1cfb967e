import { useQuery } from '@tanstack/react-query';
import { budgetRoutes } from '#shared/contracts/budgets.js';
import { useApi } from '../app/context.js';
import { formatMoney, formatPercent } from '../format.js';
import { Card, QueryView } from '../ui/index.js';
import { StatusBadge, type Budget } from './StatusBar.js';

export const budgetKeys = {
  all: ['budgets'] as const,
  // Apart from 'budgets': refreshing the list after a delete must not refetch a deleted budget's history.
  history: (id: string) => ['budget-history', id] as const,
};

/** Past periods of one budget, newest first: amount, actual and status, as the API answers them. */
export function BudgetHistory({ budget, onClose }: { budget: Budget; onClose: () => void }) {
  const api = useApi();
  const history = useQuery({
    queryKey: budgetKeys.history(budget.id),
    queryFn: ({ signal }) => api.call(budgetRoutes.history, { params: { id: budget.id }, query: { periods: budget.period === 'monthly' ? 12 : budget.period === 'quarterly' ? 4 : 2 }, signal }),
  });
  return (
    <Card
      title={`History: ${budget.name}`}
      actions={
        <button type="button" className="icon-btn" aria-label="Close history" onClick={onClose}>
          ×
        </button>
      }
    >
      <QueryView query={history} isEmpty={(h) => h.items.length === 0}>
        {(h) => (
          <div className="table-wrap">
            <table className="table budget-history" aria-label={`History of ${budget.name}`}>
              <thead>
                <tr>
                  <th scope="col">Period</th>
                  <th scope="col" className="num">
                    Amount
                  </th>
                  <th scope="col" className="num">
                    Actual
                  </th>
                  <th scope="col" className="num">
                    Used
                  </th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {h.items.map((item) => (
                  <tr key={item.period.label} data-period={item.period.label}>
                    <td>{item.period.label}</td>
                    <td className="num">{formatMoney(item.amount, h.currency)}</td>
                    <td className="num" data-testid="history-actual">
                      {formatMoney(item.actual, h.currency)}
                    </td>
                    <td className="num">{formatPercent(item.actualPercent)}</td>
                    <td>
                      <StatusBadge status={item.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
    </Card>
  );
}
