import { useRef, useState } from 'react';
import type { z } from 'zod';
import { SEVERITIES } from '#shared/analysis/constants.js';
import { ALERT_CHANNEL_KINDS } from '#shared/alerts/constants.js';
import { alertRoutes, createAlertChannelRequest, type alertChannel } from '#shared/contracts/alerts.js';
import { useApi } from '../app/context.js';
import { Button, Dialog, Field, FormError } from '../ui/index.js';
import { useContractForm } from '../ui/form.js';
import './alerts.css';

export type AlertChannel = z.output<typeof alertChannel>;

export const KIND_LABELS: Record<(typeof ALERT_CHANNEL_KINDS)[number], string> = { slack: 'Slack', email: 'Email', webhook: 'Webhook' };

const DEFAULTS = { kind: 'slack' as const, name: '', events: ['budget', 'anomaly'] as Array<'budget' | 'anomaly'>, minSeverity: 'medium' as const, digest: false };

/** Add a channel (validated by the API's own schema); a webhook's signing secret is shown once, here. */
export function ChannelDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (c: AlertChannel) => void }) {
  const api = useApi();
  const form = useContractForm(createAlertChannelRequest, DEFAULTS);
  const { errors, isSubmitting } = form.formState;
  const kind = form.watch('kind');
  const [secret, setSecret] = useState<{ name: string; signingSecret: string } | null>(null);
  const secretRef = useRef<HTMLInputElement>(null);

  const close = () => {
    setSecret(null);
    form.reset(DEFAULTS);
    onClose();
  };

  const submit = form.handleSubmit(async (values) => {
    try {
      const created = await api.call(alertRoutes.create, { body: values });
      onCreated(created.channel);
      if (created.signingSecret) setSecret({ name: created.channel.name, signingSecret: created.signingSecret });
      else close();
    } catch (error) {
      form.showApiError(error);
    }
  });

  if (secret) {
    return (
      <Dialog open={open} title="Copy the signing secret" onClose={close} footer={<Button variant="primary" onClick={close}>Done</Button>}>
        <div className="form">
          <p className="warning-box" role="note">
            <strong>You will not see this secret again.</strong> Your receiver verifies the <code>X-CloudOptima-Signature</code> header with it: HMAC-SHA256 of
            <code>&lt;t&gt;.&lt;body&gt;</code>.
          </p>
          <div className="field">
            <label htmlFor="webhook-secret">Signing secret of “{secret.name}”</label>
            <div className="secret-box">
              <input id="webhook-secret" ref={secretRef} type="text" readOnly value={secret.signingSecret} spellCheck={false} autoComplete="off" onFocus={(e) => e.currentTarget.select()} data-testid="webhook-secret" />
            </div>
          </div>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog open={open} title="Add an alert channel" onClose={close}>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label="Add an alert channel">
        <Field label="Kind" error={errors.kind?.message}>
          {(props) => (
            <select {...props} {...form.register('kind')}>
              {ALERT_CHANNEL_KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_LABELS[k]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Name" error={errors.name?.message}>
          {(props) => <input {...props} type="text" autoComplete="off" {...form.register('name')} />}
        </Field>
        {kind === 'slack' ? (
          <Field label="Slack webhook URL" error={errors.webhookUrl?.message} hint="From a Slack app's Incoming Webhooks. Kept as a secret: it is never shown again.">
            {(props) => <input {...props} type="url" autoComplete="off" {...form.register('webhookUrl', { setValueAs: (v: string) => (v === '' ? undefined : v) })} />}
          </Field>
        ) : kind === 'email' ? (
          <Field label="Email address" error={errors.address?.message} hint="The address confirms the subscription from the first email it receives.">
            {(props) => <input {...props} type="email" autoComplete="off" {...form.register('address', { setValueAs: (v: string) => (v === '' ? undefined : v) })} />}
          </Field>
        ) : (
          <Field label="Webhook URL" error={errors.url?.message} hint="Receives a signed JSON POST for each alert.">
            {(props) => <input {...props} type="url" autoComplete="off" {...form.register('url', { setValueAs: (v: string) => (v === '' ? undefined : v) })} />}
          </Field>
        )}
        <fieldset className="field">
          <legend>Send</legend>
          <div className="alert-checks">
            <label>
              <input type="checkbox" value="budget" {...form.register('events')} /> Budget thresholds
            </label>
            <label>
              <input type="checkbox" value="anomaly" {...form.register('events')} /> New anomalies
            </label>
            <label>
              <input type="checkbox" {...form.register('digest')} /> Daily digest
            </label>
          </div>
          {errors.events?.message ? <p className="field-error">{errors.events.message}</p> : null}
        </fieldset>
        <Field label="Anomalies from severity" error={errors.minSeverity?.message}>
          {(props) => (
            <select {...props} {...form.register('minSeverity')}>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          )}
        </Field>
        <FormError message={errors.root?.server?.message} />
        <div className="dialog-actions">
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" busy={isSubmitting}>
            Add channel
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
