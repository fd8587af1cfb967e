import { useQuery, useQueryClient } from '@tanstack/react-query';
import { accountRoutes } from '#shared/contracts/accounts.js';
import { billingRoutes, createSourceRequest } from '#shared/contracts/billing.js';
import { useApi } from '../app/context.js';
import { Button, Dialog, Field, FormError } from '../ui/index.js';
import { useContractForm } from '../ui/form.js';
import { billingKeys } from './queries.js';
import type { BillingSource } from './types.js';

/** Empty optional inputs are "not given", as the API's schema expects, not empty strings. */
const optional = { setValueAs: (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v) };
/** Currency codes are upper case; typing "eur" means EUR. */
const currencyInput = { setValueAs: (v: unknown) => (typeof v === 'string' ? (v.trim() === '' ? undefined : v.trim().toUpperCase()) : v) };
/** The bucket fields exist only for a bucket source: switching back to an upload area drops them. */
const bucketOnly = { ...optional, shouldUnregister: true };

/** Register a billing source: an upload area, or an export bucket and prefix. Validated by the API's own schema. */
export function AddSourceDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (source: BillingSource) => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const form = useContractForm(createSourceRequest, { name: '', kind: 'upload' });
  const { errors, isSubmitting } = form.formState;
  const kind = form.watch('kind');
  // The accounts whose role can read a bucket (connected under Govern > Accounts).
  const accounts = useQuery({
    queryKey: ['accounts', 'for-billing-sources'],
    queryFn: ({ signal }) => api.call(accountRoutes.list, { query: { limit: 500 }, signal }),
    enabled: open && kind === 'bucket',
  });

  const close = () => {
    form.reset();
    onClose();
  };

  const submit = form.handleSubmit(async (body) => {
    try {
      const request = body.kind === 'bucket' ? body : { name: body.name, kind: body.kind, ...(body.defaultCurrency ? { defaultCurrency: body.defaultCurrency } : {}) };
      const source = await api.call(billingRoutes.createSource, { body: request });
      await queryClient.invalidateQueries({ queryKey: billingKeys.sources });
      form.reset();
      onCreated(source);
    } catch (error) {
      form.showApiError(error);
    }
  });

  return (
    <Dialog
      open={open}
      title="Add a billing source"
      onClose={close}
      footer={
        <>
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" form="add-billing-source" variant="primary" busy={isSubmitting}>
            Add source
          </Button>
        </>
      }
    >
      <form id="add-billing-source" className="form" onSubmit={(e) => void submit(e)} noValidate aria-label="Add a billing source">
        <Field label="Name" error={errors.name?.message} hint="How the source is shown here, e.g. “AWS CUR 2.0 (management account)”.">
          {(props) => <input {...props} autoComplete="off" {...form.register('name')} />}
        </Field>
        <fieldset className="billing-kind">
          <legend>Kind</legend>
          <label className={`billing-kind-option ${kind === 'upload' ? 'is-selected' : ''}`}>
            <input type="radio" value="upload" {...form.register('kind')} />
            <span>
              <strong>Upload area</strong>
              <span className="muted">You upload exports here, from this page or the API.</span>
            </span>
          </label>
          <label className={`billing-kind-option ${kind === 'bucket' ? 'is-selected' : ''}`}>
            <input type="radio" value="bucket" {...form.register('kind')} />
            <span>
              <strong>Export bucket</strong>
              <span className="muted">Your provider delivers exports to an S3 bucket and prefix.</span>
            </span>
          </label>
        </fieldset>
        {kind === 'bucket' ? (
          <div className="billing-form-row">
            <Field label="Bucket" error={errors.bucket?.message} hint="The S3 bucket name, e.g. acme-billing-exports.">
              {(props) => <input {...props} autoComplete="off" spellCheck={false} {...form.register('bucket', bucketOnly)} />}
            </Field>
            <Field label="Prefix" error={errors.prefix?.message} hint="Optional, e.g. cur2/acme/.">
              {(props) => <input {...props} autoComplete="off" spellCheck={false} {...form.register('prefix', bucketOnly)} />}
            </Field>
          </div>
        ) : null}
        {kind === 'bucket' ? (
          <Field
            label="Account"
            error={errors.accountId?.message}
            hint="The connected AWS account whose CloudOptima role reads the bucket (give the bucket in its onboarding stack, which also forwards new files' S3 events)."
          >
            {(props) => (
              <select {...props} {...form.register('accountId', bucketOnly)} defaultValue="">
                <option value="">Choose a connected account</option>
                {(accounts.data?.items ?? []).map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name} ({a.id})
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        <Field label="Default currency" error={errors.defaultCurrency?.message} hint="Optional: used for rows whose export leaves the currency empty (ISO 4217, e.g. USD).">
          {(props) => <input {...props} autoComplete="off" maxLength={3} className="billing-currency-input" {...form.register('defaultCurrency', currencyInput)} />}
        </Field>
        <FormError message={errors.root?.server?.message} />
      </form>
    </Dialog>
  );
}
