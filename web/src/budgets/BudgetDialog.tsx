import { useEffect, useState } from 'react';
import { useFieldArray } from 'react-hook-form';
import { BUDGET_PERIODS, THRESHOLD_BASES } from '#shared/budgets/constants.js';
import { budgetRoutes, createBudgetRequest } from '#shared/contracts/budgets.js';
import { DIMENSIONS } from '#shared/costs/rollups.js';
import { useApi } from '../app/context.js';
import { Button, Dialog, Field, FormError } from '../ui/index.js';
import { useContractForm } from '../ui/form.js';
import type { Budget } from './StatusBar.js';
import './budgets.css';

const PERIOD_LABELS: Record<(typeof BUDGET_PERIODS)[number], string> = { monthly: 'Monthly', quarterly: 'Quarterly', annual: 'Annual' };
const BASE_LABELS: Record<(typeof THRESHOLD_BASES)[number], string> = { actual: 'of actual spend', forecasted: 'of forecasted spend' };
export const DIMENSION_LABELS: Record<string, string> = { service: 'Service', account: 'Account', region: 'Region', chargeCategory: 'Charge category', usageType: 'Usage type' };

interface ScopeRow {
  dimension: string;
  tagKey: string;
  values: string;
}

const rowsOf = (filters: Record<string, string[]>): ScopeRow[] =>
  Object.entries(filters).map(([d, values]) => (d.startsWith('tag:') ? { dimension: 'tag', tagKey: d.slice(4), values: values.join(', ') } : { dimension: d, tagKey: '', values: values.join(', ') }));

/** Rows -> the contract's scope (dimension -> values); the contract itself refuses what the API would. */
function filtersOf(rows: ScopeRow[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const row of rows) {
    const key = row.dimension === 'tag' ? `tag:${row.tagKey.trim()}` : row.dimension;
    const values = row.values.split(',').map((v) => v.trim()).filter(Boolean);
    out[key] = [...(out[key] ?? []), ...values];
  }
  return out;
}

const EMPTY = { name: '', amount: '', currency: 'USD', period: 'monthly' as const, metric: 'billed' as const, filters: {}, thresholds: [{ percent: 80, on: 'actual' as const }, { percent: 100, on: 'forecasted' as const }] };

/** Create (budget undefined) or edit a budget; validated by the API's own schema. */
export function BudgetDialog({ open, budget, onClose, onSaved }: { open: boolean; budget?: Budget | undefined; onClose: () => void; onSaved: (b: Budget) => void }) {
  const api = useApi();
  const initial = budget
    ? { name: budget.name, amount: budget.amount, currency: budget.currency, period: budget.period, metric: budget.metric, filters: budget.filters, thresholds: budget.thresholds }
    : EMPTY;
  const form = useContractForm(createBudgetRequest, initial);
  const thresholds = useFieldArray({ control: form.control, name: 'thresholds' });
  const [rows, setRows] = useState<ScopeRow[]>(rowsOf(initial.filters));
  const { errors, isSubmitting } = form.formState;

  useEffect(() => {
    if (!open) return;
    form.reset(initial);
    setRows(rowsOf(initial.filters));
    // Reset only when the dialog opens, for the budget it opens with.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, budget?.id]);

  const updateRows = (next: ScopeRow[]) => {
    setRows(next);
    form.setValue('filters', filtersOf(next), { shouldValidate: form.formState.isSubmitted });
  };

  const submit = form.handleSubmit(async (values) => {
    try {
      const saved = budget ? await api.call(budgetRoutes.update, { params: { id: budget.id }, body: values }) : await api.call(budgetRoutes.create, { body: values });
      onSaved(saved);
      onClose();
    } catch (error) {
      form.showApiError(error);
    }
  });

  // Scope errors come per dimension (filters.<dimension>) or for the whole scope.
  const filterErrors = errors.filters as unknown as Record<string, unknown> | undefined;
  const scopeError = filterErrors
    ? ((filterErrors.message as string | undefined) ??
      Object.values(filterErrors)
        .map((e) => (e && typeof e === 'object' && 'message' in e ? (e as { message?: string }).message : undefined))
        .find(Boolean))
    : undefined;
  const thresholdError = (errors.thresholds as { message?: string; root?: { message?: string } } | undefined)?.message ?? errors.thresholds?.root?.message;

  return (
    <Dialog open={open} title={budget ? `Edit budget “${budget.name}”` : 'Create a budget'} onClose={onClose}>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label={budget ? 'Edit budget' : 'Create a budget'}>
        <Field label="Name" error={errors.name?.message}>
          {(props) => <input {...props} type="text" autoComplete="off" {...form.register('name')} />}
        </Field>
        <div className="budget-form-row">
          <Field label="Amount" error={errors.amount?.message} hint="Exact decimal, e.g. 25000 or 1500.50">
            {(props) => <input {...props} type="text" inputMode="decimal" autoComplete="off" {...form.register('amount')} />}
          </Field>
          <Field label="Currency" error={errors.currency?.message}>
            {(props) => <input {...props} type="text" maxLength={3} autoComplete="off" {...form.register('currency')} />}
          </Field>
        </div>
        <div className="budget-form-row">
          <Field label="Period" error={errors.period?.message} hint="Calendar periods in your organization's time zone">
            {(props) => (
              <select {...props} {...form.register('period')}>
                {BUDGET_PERIODS.map((p) => (
                  <option key={p} value={p}>
                    {PERIOD_LABELS[p]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Cost" error={errors.metric?.message}>
            {(props) => (
              <select {...props} {...form.register('metric')}>
                <option value="billed">Billed</option>
                <option value="effective">Effective (amortized)</option>
              </select>
            )}
          </Field>
        </div>

        <fieldset className="field">
          <legend>Scope</legend>
          <p className="field-hint">All spend, or only what matches every filter (values are OR-ed within a filter). A tag filter stands alone.</p>
          <div className="budget-form-list" data-testid="budget-scope">
            {rows.map((row, i) => (
              <div className="budget-form-item" key={i}>
                <select aria-label={`Filter ${i + 1} dimension`} value={row.dimension} onChange={(e) => updateRows(rows.map((r, j) => (j === i ? { ...r, dimension: e.target.value } : r)))}>
                  {DIMENSIONS.map((d) => (
                    <option key={d} value={d}>
                      {DIMENSION_LABELS[d] ?? d}
                    </option>
                  ))}
                  <option value="tag">Tag</option>
                </select>
                {row.dimension === 'tag' ? (
                  <input aria-label={`Filter ${i + 1} tag key`} placeholder="tag key" value={row.tagKey} onChange={(e) => updateRows(rows.map((r, j) => (j === i ? { ...r, tagKey: e.target.value } : r)))} />
                ) : null}
                <input
                  className="grow"
                  aria-label={`Filter ${i + 1} values`}
                  placeholder="values, comma separated"
                  value={row.values}
                  onChange={(e) => updateRows(rows.map((r, j) => (j === i ? { ...r, values: e.target.value } : r)))}
                />
                <Button variant="ghost" aria-label={`Remove filter ${i + 1}`} onClick={() => updateRows(rows.filter((_, j) => j !== i))}>
                  Remove
                </Button>
              </div>
            ))}
            <div>
              <Button onClick={() => updateRows([...rows, { dimension: 'service', tagKey: '', values: '' }])}>Add filter</Button>
            </div>
          </div>
          {scopeError ? (
            <p className="field-error" role="alert">
              {scopeError}
            </p>
          ) : null}
        </fieldset>

        <fieldset className="field">
          <legend>Alert thresholds</legend>
          <div className="budget-form-list">
            {thresholds.fields.map((field, i) => (
              <div className="budget-form-item" key={field.id}>
                <input aria-label={`Threshold ${i + 1} percent`} type="number" min={1} max={1000} step={1} style={{ width: 90 }} {...form.register(`thresholds.${i}.percent`, { valueAsNumber: true })} />
                <span>%</span>
                <select aria-label={`Threshold ${i + 1} basis`} {...form.register(`thresholds.${i}.on`)}>
                  {THRESHOLD_BASES.map((b) => (
                    <option key={b} value={b}>
                      {BASE_LABELS[b]}
                    </option>
                  ))}
                </select>
                <Button variant="ghost" aria-label={`Remove threshold ${i + 1}`} onClick={() => thresholds.remove(i)}>
                  Remove
                </Button>
                {errors.thresholds?.[i]?.percent?.message ? <span className="field-error">{errors.thresholds[i]!.percent!.message}</span> : null}
              </div>
            ))}
            <div>
              <Button onClick={() => thresholds.append({ percent: 90, on: 'actual' })}>Add threshold</Button>
            </div>
          </div>
          {thresholdError ? (
            <p className="field-error" role="alert">
              {thresholdError}
            </p>
          ) : null}
        </fieldset>

        <FormError message={errors.root?.server?.message} />
        <div className="dialog-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={isSubmitting}>
            {budget ? 'Save budget' : 'Create budget'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
