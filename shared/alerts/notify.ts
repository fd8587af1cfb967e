import { SEVERITIES } from '../analysis/constants.js';
import type { AnomalyStore } from '../analysis/store.js';
import { currentStatus } from '../budgets/evaluate.js';
import type { BudgetStore } from '../budgets/store.js';
import { addDays } from '../costs/dates.js';
import type { CostQueries } from '../costs/query.js';
import { refreshStatus, sendTo, type ChannelDeps } from './channels.js';
import type { Alert } from './messages.js';
import type { ChannelRecord } from './store.js';

/**
 * The analysis workflow's alert step for one tenant: checks every budget (recording the period's
 * amount, spend and status for the history), then sends each channel what it subscribed to:
 * - one alert per budget threshold crossed per period,
 * - one per new anomaly (active, recent, at or above the channel's minimum severity),
 * - the daily digest, once a day, where the channel asked for it.
 * Each (alert, channel) pair is claimed with a conditional write before it is sent, so a retried
 * step sends nothing twice; a failed send is released and retried by the next run.
 */
export interface NotifyDeps extends ChannelDeps {
  budgets: Pick<BudgetStore, 'all' | 'recordPeriod'>;
  queries: CostQueries;
  anomalies: Pick<AnomalyStore, 'list'>;
}

export interface NotifyResult {
  budgets: number;
  sent: number;
  failed: number;
  /** Already sent (or being sent) by an earlier run. */
  duplicates: number;
}

/** Anomalies that ended within this many days of the latest cost data count as new. */
export const NEW_ANOMALY_DAYS = 7;
const DIGEST_ANOMALIES = 10;

const rank = (s: (typeof SEVERITIES)[number]) => SEVERITIES.indexOf(s);

interface Pending {
  alertId: string;
  alert: Alert;
  wants: (c: ChannelRecord) => boolean;
}

/**
 * `today` is the tenant's day; `dataThrough` the last day with cost data (null: none), which
 * decides what "new" means for anomalies (billing data lags, so not today).
 */
export async function notifyTenant(deps: NotifyDeps, tenantId: string, today: string, dataThrough: string | null): Promise<NotifyResult> {
  const now = deps.now ?? (() => new Date());
  const pending: Pending[] = [];
  const digestBudgets: Extract<Alert, { type: 'digest' }>['budgets'] = [];

  const budgets = await deps.budgets.all(tenantId);
  for (const budget of budgets) {
    const status = await currentStatus(deps.queries, budget, today);
    await deps.budgets.recordPeriod(tenantId, {
      budgetId: budget.id,
      label: status.period.label,
      amount: budget.amount,
      spent: status.spent,
      forecast: status.forecast,
      status: status.status,
      evaluatedAt: now().toISOString(),
    });
    digestBudgets.push({ name: budget.name, status: status.status, spent: status.spent, amount: budget.amount, currency: budget.currency });
    for (const threshold of status.thresholdsCrossed) {
      pending.push({
        alertId: `b_${budget.id}_${status.period.label}_${threshold.on}_${threshold.percent}`,
        alert: { type: 'budget_threshold', budgetId: budget.id, budgetName: budget.name, period: status.period.label, threshold, status: status.status, amount: budget.amount, spent: status.spent, forecast: status.forecast, currency: budget.currency },
        wants: (c) => c.events.includes('budget'),
      });
    }
  }

  const channels = await Promise.all((await deps.store.allChannels(tenantId)).map((c) => refreshStatus(deps, tenantId, c)));
  const active = channels.filter((c) => c.status === 'active');
  if (!active.length) return { budgets: budgets.length, sent: 0, failed: 0, duplicates: 0 };

  const open = dataThrough ? (await deps.anomalies.list(tenantId, { status: 'active', start: addDays(dataThrough, -60) }, 500)).items.filter((a) => !a.suppressed) : [];
  for (const a of open) {
    if (a.endDate < addDays(dataThrough!, -NEW_ANOMALY_DAYS)) continue;
    pending.push({
      alertId: `a_${a.id}`,
      alert: { type: 'anomaly', anomalyId: a.id, severity: a.severity, title: a.dimensionName, rootCause: a.rootCause, startDate: a.startDate, endDate: a.endDate, impact: a.impact, currency: a.currency },
      wants: (c) => c.events.includes('anomaly') && rank(a.severity) >= rank(c.minSeverity),
    });
  }
  pending.push({
    alertId: `d_${today.replaceAll('-', '')}`,
    alert: {
      type: 'digest',
      date: today,
      budgets: digestBudgets,
      anomalies: [...open]
        .sort((x, y) => Number(y.impact) - Number(x.impact))
        .slice(0, DIGEST_ANOMALIES)
        .map((a) => ({ title: a.dimensionName, severity: a.severity, impact: a.impact, currency: a.currency })),
    },
    wants: (c) => c.digest,
  });

  const result: NotifyResult = { budgets: budgets.length, sent: 0, failed: 0, duplicates: 0 };
  for (const { alertId, alert, wants } of pending) {
    for (const channel of active.filter(wants)) {
      if (!(await deps.store.claim(tenantId, alertId, channel.id, now()))) {
        result.duplicates++;
        continue;
      }
      const outcome = await sendTo(deps, tenantId, channel, alert, `${alertId}.${channel.id}`);
      await deps.store.settle(tenantId, alertId, channel.id, outcome, now());
      if (outcome.ok) result.sent++;
      else result.failed++;
    }
  }
  return result;
}
