import { useState } from 'react';
import type { z } from 'zod';
import { minimumRoleFor } from '#shared/auth/permissions.js';
import { updateRecommendationSettingsRequest } from '#shared/contracts/recommendations.js';
import { useCan, useTimeZone } from '../../app/context.js';
import { formatDateTime } from '../../format.js';
import { ACTION_LABELS, CATEGORY_LABELS, EffortBadge, formatBytes, RESOURCE_TYPE_LABELS, RiskBadge, type Rule, type Settings } from '../../recommendations/labels.js';
import { useRecommendationSettings, useRules, useUpdateSettings, type SettingsUpdate } from '../../recommendations/queries.js';
import { Button, Card, ErrorState, Field, FormError, Loading, Notice, PageHeader } from '../../ui/index.js';
import { useContractForm } from '../../ui/form.js';
import { roleLabel } from '../../settings/roles.js';
import '../../recommendations/recommendations.css';
import '../../settings/settings.css';

type Values = Omit<Settings, 'defaults' | 'lastAnalysis'>;
type NumberKey = Exclude<keyof Values, 'ownerTag' | 'disabledRules'>;

/** Each threshold in words, in the order the rules read them. */
const THRESHOLDS: Array<{ key: NumberKey; label: string; unit: string; hint: string; bytes?: boolean }> = [
  { key: 'ec2IdleCpuPercent', label: 'EC2 idle: CPU below', unit: '%', hint: 'Highest daily average CPU over 30 days, with network below the idle traffic.' },
  { key: 'ec2LowCpuPercent', label: 'EC2 rightsizing: CPU below', unit: '%', hint: 'Highest daily average CPU over 30 days; at least the idle threshold.' },
  { key: 'idleNetworkBytesPerDay', label: 'Idle network traffic below', unit: 'bytes/day', hint: 'In and out, per day.', bytes: true },
  { key: 'rdsIdleMaxConnections', label: 'RDS idle: connections at most', unit: 'connections', hint: 'Highest daily average of database connections.' },
  { key: 'rdsLowCpuPercent', label: 'RDS rightsizing: CPU below', unit: '%', hint: 'Highest daily average CPU over 30 days.' },
  { key: 'lambdaMemoryUsedPercent', label: 'Lambda: memory used below', unit: '%', hint: 'Of the configured memory, at the peak.' },
  { key: 'loadBalancerIdleRequestsPerDay', label: 'Idle load balancer: requests below', unit: 'requests/day', hint: 'Requests (or flows) per day.' },
  { key: 'natIdleBytesPerDay', label: 'Idle NAT gateway: traffic below', unit: 'bytes/day', hint: 'Bytes out per day.', bytes: true },
  { key: 'snapshotMaxAgeDays', label: 'Old snapshots: older than', unit: 'days', hint: 'EBS snapshots kept longer than this.' },
  { key: 's3LifecycleMinGiB', label: 'S3 lifecycle: buckets from', unit: 'GiB', hint: 'Standard storage at least this large without a lifecycle policy.' },
];

const valuesOf = (s: Settings): Values => {
  const { defaults: _defaults, lastAnalysis: _last, ...values } = s;
  return { ...values, disabledRules: [...values.disabledRules] };
};

/**
 * How the rules judge this organization's resources: thresholds, the tag naming a resource's owner,
 * and the rules switched off; with the rule catalog (what each finds, its risk and effort, how its
 * savings are computed). Saving re-analyses at once. Roles without recommendations:write read it.
 */
export default function RecommendationSettingsPage() {
  const settings = useRecommendationSettings();
  const rules = useRules();
  return (
    <>
      <PageHeader
        title="Recommendation rules"
        description="The thresholds the rules use, the tag that names a resource's owner, and which rules run for your organization."
      />
      {settings.isPending || rules.isPending ? (
        <Card>
          <Loading rows={8} label="Loading the settings" />
        </Card>
      ) : settings.isError ? (
        <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />
      ) : rules.isError ? (
        <ErrorState error={rules.error} onRetry={() => void rules.refetch()} />
      ) : (
        <SettingsForm settings={settings.data} rules={rules.data.items} />
      )}
    </>
  );
}

function SettingsForm({ settings, rules }: { settings: Settings; rules: Rule[] }) {
  const can = useCan();
  const timeZone = useTimeZone();
  const writable = can('recommendations:write');
  const update = useUpdateSettings();
  const [saved, setSaved] = useState<Settings | null>(null);
  const form = useContractForm(updateRecommendationSettingsRequest, valuesOf(settings) as z.input<typeof updateRecommendationSettingsRequest>);
  const { errors, isSubmitting, isDirty } = form.formState;
  const disabled = new Set(form.watch('disabledRules') ?? []);

  const submit = form.handleSubmit(async (values) => {
    setSaved(null);
    const before = valuesOf(settings);
    // Only what changed: the API re-analyses on any change.
    const body = Object.fromEntries(
      Object.entries(values).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k as keyof Values])),
    ) as SettingsUpdate;
    if (Object.keys(body).length === 0) return;
    try {
      const updated = await update.mutateAsync(body);
      form.reset(valuesOf(updated) as z.input<typeof updateRecommendationSettingsRequest>);
      setSaved(updated);
    } catch (error) {
      form.showApiError(error);
    }
  });

  const toggleRule = (id: string, enabled: boolean) => {
    const next = new Set(disabled);
    if (enabled) next.delete(id);
    else next.add(id);
    form.setValue('disabledRules', rules.map((r) => r.id).filter((r) => next.has(r)), { shouldDirty: true });
  };
  const restoreDefaults = () => {
    for (const [k, v] of Object.entries(settings.defaults)) form.setValue(k as keyof Values, v as never, { shouldDirty: true, shouldValidate: true });
  };
  const last = (saved ?? settings).lastAnalysis;

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label="Recommendation settings">
      {saved ? (
        <Notice tone="good">
          Settings saved and your resources re-analysed
          {saved.lastAnalysis
            ? `: ${saved.lastAnalysis.findings} findings, ${saved.lastAnalysis.opened} new, ${saved.lastAnalysis.resolved} resolved, ${saved.lastAnalysis.reopened} reopened.`
            : '.'}
        </Notice>
      ) : null}
      {writable ? null : (
        <Notice>
          You can read these settings. Changing them takes the {roleLabel(minimumRoleFor('recommendations:write'))} role or above.
        </Notice>
      )}
      <Card
        title="Thresholds"
        actions={
          <span className="muted rec-sub" data-testid="last-analysis">
            {last ? `Last analysis ${formatDateTime(last.at, timeZone)}: ${last.findings} findings` : 'Not analysed yet'}
          </span>
        }
      >
        <fieldset disabled={!writable} style={{ border: 0, padding: 0, margin: 0 }}>
          <legend className="visually-hidden">Thresholds</legend>
          <div className="rec-settings-grid">
            {THRESHOLDS.map((t) => {
              const value = form.watch(t.key);
              const def = settings.defaults[t.key];
              return (
                <Field
                  key={t.key}
                  label={`${t.label} (${t.unit})`}
                  error={errors[t.key]?.message}
                  hint={
                    <>
                      {t.hint} {t.bytes && typeof value === 'number' && Number.isFinite(value) ? `Now ${formatBytes(value)}; default` : 'Default'} {t.bytes ? formatBytes(def) : def}.
                    </>
                  }
                >
                  {(props) => <input {...props} type="number" step="any" min={0} {...form.register(t.key, { valueAsNumber: true })} />}
                </Field>
              );
            })}
            <Field label="Owner tag" error={errors.ownerTag?.message} hint={`The tag whose value names a resource's owner (person or team). Default ${settings.defaults.ownerTag}.`}>
              {(props) => <input {...props} type="text" autoComplete="off" {...form.register('ownerTag')} />}
            </Field>
          </div>
        </fieldset>
      </Card>

      <Card title="Rules" actions={<span className="muted rec-sub">{rules.length - disabled.size} of {rules.length} enabled</span>}>
        <div className="table-wrap">
          <table className="table rec-rules" data-testid="rules">
            <thead>
              <tr>
                <th scope="col">Enabled</th>
                <th scope="col">Rule</th>
                <th scope="col">Category</th>
                <th scope="col">Action</th>
                <th scope="col">Risk · effort</th>
                <th scope="col">How savings are computed</th>
              </tr>
            </thead>
            <tbody>
              {rules.map((r) => {
                const enabled = !disabled.has(r.id);
                return (
                  <tr key={r.id} data-rule-id={r.id}>
                    <td>
                      <label className="rec-rule-toggle">
                        <input type="checkbox" checked={enabled} disabled={!writable} onChange={(e) => toggleRule(r.id, e.target.checked)} aria-label={`${r.title}: enabled`} />
                        <span className={enabled ? '' : 'muted'}>{enabled ? 'On' : 'Off'}</span>
                      </label>
                    </td>
                    <td className="rec-rule-cell">
                      <div className="cell-primary" data-testid="rule-title">
                        {r.title}
                      </div>
                      <div className="muted rec-sub">{r.description}</div>
                      <div className="rec-mono muted">
                        {r.id} · {RESOURCE_TYPE_LABELS[r.resourceType]}
                      </div>
                    </td>
                    <td>{CATEGORY_LABELS[r.category]}</td>
                    <td>{ACTION_LABELS[r.actionType]}</td>
                    <td>
                      <div className="rec-badges">
                        <RiskBadge risk={r.risk} />
                        <EffortBadge effort={r.implementationEffort} />
                      </div>
                    </td>
                    <td className="rec-rule-method">{r.savingsMethod}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {errors.disabledRules ? <FormError message={errors.disabledRules.message ?? 'Some rule ids were refused.'} /> : null}
      </Card>

      {writable ? (
        <div className="card rec-form-actions">
          <FormError message={errors.root?.server?.message} />
          <Button type="submit" variant="primary" busy={isSubmitting} disabled={!isDirty}>
            Save and re-analyse
          </Button>
          {isDirty ? (
            <Button variant="ghost" onClick={() => form.reset(valuesOf(settings) as z.input<typeof updateRecommendationSettingsRequest>)}>
              Discard changes
            </Button>
          ) : null}
          <Button variant="ghost" onClick={restoreDefaults}>
            Restore defaults
          </Button>
        </div>
      ) : null}
    </form>
  );
}
