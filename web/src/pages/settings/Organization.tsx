import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { tenantRoutes, updateTenantRequest, type tenant as tenantSchema } from '#shared/contracts/tenants.js';
import { useApi, useCan, type Me, useTimeZone } from '../../app/context.js';
import { formatDateTime } from '../../format.js';
import { Button, Card, Field, Notice, PageHeader, QueryView, FormError } from '../../ui/index.js';
import { useContractForm } from '../../ui/form.js';
import { zoneLabel } from '../../settings/timezones.js';
import { TimeZoneField } from '../../settings/TimeZoneSelect.js';
import '../../settings/settings.css';

type Tenant = z.output<typeof tenantSchema>;

export default function Organization() {
  const api = useApi();
  const can = useCan();
  const tenant = useQuery({ queryKey: ['tenant'], queryFn: ({ signal }) => api.call(tenantRoutes.getTenant, { signal }) });
  const editable = can('tenant:write');
  return (
    <>
      <PageHeader
        title="Organization"
        description="Your organization's name and the time zone used for billing periods, schedules and reports."
      />
      <div className="grid grid-2">
        <QueryView query={tenant} loadingRows={4}>
          {(data) => (editable ? <OrganizationForm tenant={data} /> : <OrganizationReadOnly tenant={data} />)}
        </QueryView>
        <QueryView query={tenant} loadingRows={4}>
          {(data) => <OrganizationDetails tenant={data} />}
        </QueryView>
      </div>
    </>
  );
}

function OrganizationForm({ tenant }: { tenant: Tenant }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(false);
  const form = useContractForm(updateTenantRequest, { name: tenant.name, timezone: tenant.timezone });
  const { errors, isSubmitting, isDirty } = form.formState;

  const submit = form.handleSubmit(async (body) => {
    setSaved(false);
    try {
      const updated = await api.call(tenantRoutes.updateTenant, { body });
      queryClient.setQueryData(['tenant'], updated);
      // The top bar reads the organization from /v1/me: show the new name at once, then confirm.
      queryClient.setQueryData<Me>(['me'], (me) => (me ? { ...me, tenant: updated } : me));
      void queryClient.invalidateQueries({ queryKey: ['me'] });
      form.reset({ name: updated.name, timezone: updated.timezone });
      setSaved(true);
    } catch (error) {
      form.showApiError(error);
    }
  });

  return (
    <Card title="Settings">
      <form className="form settings-form" onSubmit={(e) => void submit(e)} noValidate aria-label="Organization settings" onChange={() => setSaved(false)}>
        <Field label="Organization name" error={errors.name?.message}>
          {(props) => <input {...props} type="text" autoComplete="organization" {...form.register('name')} />}
        </Field>
        <TimeZoneField control={form.control} name="timezone" error={errors.timezone?.message} hint="Billing periods, budget resets and scheduled reports follow this zone. People can still choose their own display zone." onPicked={() => setSaved(false)} />
        <FormError message={errors.root?.server?.message} />
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={isSubmitting} disabled={!isDirty}>
            Save changes
          </Button>
          {isDirty ? (
            <Button variant="ghost" onClick={() => form.reset({ name: tenant.name, timezone: tenant.timezone })}>
              Discard
            </Button>
          ) : null}
        </div>
        {saved ? <Notice tone="good">Organization settings saved.</Notice> : null}
      </form>
    </Card>
  );
}

function OrganizationReadOnly({ tenant }: { tenant: Tenant }) {
  return (
    <Card title="Settings">
      <dl className="details" data-testid="organization-readonly">
        <dt>Organization name</dt>
        <dd>{tenant.name}</dd>
        <dt>Time zone</dt>
        <dd>{zoneLabel(tenant.timezone)}</dd>
      </dl>
      <p className="muted">Only admins can change these settings. Ask an admin of your organization if something needs updating.</p>
    </Card>
  );
}

function OrganizationDetails({ tenant }: { tenant: Tenant }) {
  const zone = useTimeZone();
  return (
    <Card title="Details">
      <dl className="details">
        <dt>Organization ID</dt>
        <dd>
          <code>{tenant.id}</code>
        </dd>
        <dt>Created</dt>
        <dd>{formatDateTime(tenant.createdAt, zone)}</dd>
        <dt>Last changed</dt>
        <dd>{formatDateTime(tenant.updatedAt, zone)}</dd>
      </dl>
      <p className="muted">Quote the organization ID when you contact support.</p>
    </Card>
  );
}
