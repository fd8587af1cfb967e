import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { tenantRoutes, updateMeRequest } from '#shared/contracts/tenants.js';
import { useApi, useMe, useTimeZone, type Me } from '../../app/context.js';
import { browserTimeZone, formatDateTime } from '../../format.js';
import { Badge, Button, Card, Field, Notice, PageHeader, FormError } from '../../ui/index.js';
import { useContractForm } from '../../ui/form.js';
import { groupPermissions, ROLE_SUMMARIES, roleLabel } from '../../settings/roles.js';
import { zoneLabel } from '../../settings/timezones.js';
import { TimeZoneField } from '../../settings/TimeZoneSelect.js';
import '../../settings/settings.css';

export default function Profile() {
  const me = useMe().data!;
  const groups = groupPermissions(me.permissions);
  const name = me.user?.name ?? me.user?.email ?? 'API key';
  const initials = name
    .split(/[\s@.]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
  return (
    <>
      <PageHeader title="Your profile" description="Who you are in this organization, what your role allows, and how the console shows dates." />
      <div className="grid grid-2">
        <Card title="Account">
          <div className="identity">
            <div className="avatar" aria-hidden="true">
              {initials}
            </div>
            <div>
              <div className="identity-name">{me.user?.name ?? <span className="muted">No name set</span>}</div>
              <div className="muted" data-testid="profile-email">
                {me.user?.email ?? 'Signed in with an API key'}
              </div>
            </div>
          </div>
          <dl className="details profile-details">
            <dt>Organization</dt>
            <dd>{me.tenant.name}</dd>
            <dt>Role</dt>
            <dd>
              <Badge tone="info">
                <span data-testid="profile-role">{roleLabel(me.role)}</span>
              </Badge>{' '}
              <span className="muted">{ROLE_SUMMARIES[me.role]}</span>
            </dd>
            <dt>User ID</dt>
            <dd>
              <code>{me.principal.id}</code>
            </dd>
          </dl>
          <p className="muted">Only an admin can change your role.</p>
        </Card>
        {me.user ? <ProfileSettings me={me} /> : null}
      </div>
      <Card title={`Permissions (${me.permissions.length})`}>
        <div className="perm-groups" data-testid="permission-groups">
          {groups.map((g) => (
            <section className="perm-group" key={g.resource} aria-label={g.label}>
              <h3>{g.label}</h3>
              <ul>
                {g.actions.map((a) => (
                  <li key={a.permission}>
                    <Badge tone={a.label === 'view' ? 'neutral' : 'info'}>
                      <span title={a.permission}>{a.label}</span>
                    </Badge>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      </Card>
      <Card title="Appearance">
        <p className="muted appearance-note">
          Choose a light or dark theme, or follow your system's setting, from the theme menu in the top bar. The choice is remembered in this browser.
        </p>
      </Card>
    </>
  );
}

function Now({ zone }: { zone: string }) {
  return (
    <p className="muted">
      Dates appear like this: <strong>{formatDateTime(new Date().toISOString(), zone)}</strong>
    </p>
  );
}

/** Anyone may set their own display name and time zone (PATCH /v1/me); the role stays an admin's to change. */
function ProfileSettings({ me }: { me: Me }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(false);
  const current = me.user?.timezone ?? null;
  const form = useContractForm(updateMeRequest, { name: me.user?.name ?? null, timezone: current ?? browserTimeZone() });
  const { errors, isSubmitting, isDirty } = form.formState;
  const zone = useTimeZone();

  const save = async (body: { name?: string | null; timezone?: string | null }) => {
    setSaved(false);
    try {
      const updated = await api.call(tenantRoutes.updateMe, { body });
      queryClient.setQueryData<Me>(['me'], updated);
      void queryClient.invalidateQueries({ queryKey: ['users'] });
      form.reset({ name: updated.user?.name ?? null, timezone: updated.user?.timezone ?? browserTimeZone() });
      setSaved(true);
    } catch (error) {
      form.showApiError(error);
    }
  };
  const submit = form.handleSubmit((body) => save({ name: body.name || null, timezone: body.timezone ?? null }));

  return (
    <Card title="Name and time zone">
      <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label="Name and time zone">
        <Field label="Display name" error={errors.name?.message}>
          {(props) => <input {...props} autoComplete="name" {...form.register('name', { setValueAs: (v: string | null) => (v ? v : null) })} />}
        </Field>
        <p className="muted">
          {current ? (
            <>
              Dates show in <strong>{zoneLabel(current)}</strong>, wherever you sign in.
            </>
          ) : (
            <>No zone saved: dates follow this browser's zone ({zoneLabel(browserTimeZone())}).</>
          )}
        </p>
        <TimeZoneField control={form.control} name="timezone" error={errors.timezone?.message} onPicked={() => setSaved(false)} />
        <FormError message={errors.root?.server?.message} />
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={isSubmitting} disabled={!isDirty}>
            Save
          </Button>
          {current ? (
            <Button variant="ghost" onClick={() => void save({ timezone: null })} disabled={isSubmitting}>
              Use the browser's zone
            </Button>
          ) : null}
        </div>
        {saved ? <Notice tone="good">Profile saved.</Notice> : null}
        <Now zone={zone} />
      </form>
    </Card>
  );
}
