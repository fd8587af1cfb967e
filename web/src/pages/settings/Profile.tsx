import { useState } from 'react';
import { Controller } from 'react-hook-form';
import { useQueryClient } from '@tanstack/react-query';
import { updateUserRequest, userRoutes } from '#shared/contracts/users.js';
import { useApi, useCan, useMe, type Me } from '../../app/context.js';
import { browserTimeZone, formatDateTime } from '../../format.js';
import { Badge, Button, Card, Field, Notice, PageHeader } from '../../ui/index.js';
import { useContractForm } from '../../ui/form.js';
import { groupPermissions, ROLE_SUMMARIES, roleLabel } from '../../settings/roles.js';
import { storeDisplayZone, zoneLabel } from '../../settings/timezones.js';
import { TimeZoneSelect } from '../../settings/TimeZoneSelect.js';
import { useDisplayTimeZone, useStoredDisplayZone } from '../../settings/useDisplayTimeZone.js';
import '../../settings/settings.css';

export default function Profile() {
  const me = useMe().data!;
  const can = useCan();
  const groups = groupPermissions(me.permissions);
  const name = me.user?.name ?? me.user?.email ?? 'API key';
  const initials = name
    .split(/[\s@.]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
  // Saving a zone on one's own user needs users:write (PATCH /v1/users/{id}); other roles keep it in the browser.
  const canSave = can('users:write') && me.user !== null;
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
          <p className="muted">Only an admin can change your role or name.</p>
        </Card>
        {canSave ? <SavedTimeZone me={me} /> : <BrowserTimeZone me={me} />}
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

/** Admins may patch their own user: the zone follows them to every browser. */
function SavedTimeZone({ me }: { me: Me }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(false);
  const current = me.user?.timezone ?? null;
  const form = useContractForm(updateUserRequest, { timezone: current ?? browserTimeZone() });
  const { errors, isSubmitting, isDirty } = form.formState;
  const zone = useDisplayTimeZone();

  const save = async (timezone: string | null) => {
    setSaved(false);
    try {
      const updated = await api.call(userRoutes.update, { params: { id: me.user!.id }, body: { timezone } });
      storeDisplayZone(null);
      queryClient.setQueryData<Me>(['me'], (m) => (m && m.user ? { ...m, user: { ...m.user, timezone: updated.timezone } } : m));
      void queryClient.invalidateQueries({ queryKey: ['me'] });
      void queryClient.invalidateQueries({ queryKey: ['users'] });
      form.reset({ timezone: updated.timezone ?? browserTimeZone() });
      setSaved(true);
    } catch (error) {
      form.showApiError(error);
    }
  };
  const submit = form.handleSubmit((body) => save(body.timezone ?? null));

  return (
    <Card title="Display time zone">
      <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label="Display time zone">
        <p className="muted">
          {current ? (
            <>
              Saved on your account: <strong>{zoneLabel(current)}</strong>. It applies wherever you sign in.
            </>
          ) : (
            <>Nothing saved on your account: dates follow this browser's zone ({zoneLabel(browserTimeZone())}).</>
          )}
        </p>
        <Field label="Time zone" error={errors.timezone?.message}>
          {(props) => (
            <Controller
              control={form.control}
              name="timezone"
              render={({ field }) => (
                <TimeZoneSelect
                  id={props.id}
                  name={field.name}
                  value={field.value ?? ''}
                  onChange={(z) => {
                    setSaved(false);
                    field.onChange(z);
                  }}
                  onBlur={field.onBlur}
                  invalid={props['aria-invalid']}
                  describedBy={props['aria-describedby']}
                />
              )}
            />
          )}
        </Field>
        {errors.root?.server ? (
          <p className="field-error" role="alert">
            {errors.root.server.message}
          </p>
        ) : null}
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={isSubmitting} disabled={!isDirty && current !== null}>
            Save time zone
          </Button>
          {current ? (
            <Button variant="ghost" onClick={() => void save(null)} disabled={isSubmitting}>
              Use the browser's zone
            </Button>
          ) : null}
        </div>
        {saved ? <Notice tone="good">Display time zone saved.</Notice> : null}
        <Now zone={zone} />
      </form>
    </Card>
  );
}

/** Other roles cannot patch their user (users:write is an admin's), so the preference stays in this browser. */
function BrowserTimeZone({ me }: { me: Me }) {
  const stored = useStoredDisplayZone();
  const account = me.user?.timezone ?? null;
  const zone = useDisplayTimeZone();
  const [draft, setDraft] = useState(stored ?? account ?? browserTimeZone());
  const [saved, setSaved] = useState(false);
  return (
    <Card title="Display time zone">
      <form
        className="form"
        aria-label="Display time zone"
        onSubmit={(e) => {
          e.preventDefault();
          storeDisplayZone(draft);
          setSaved(true);
        }}
      >
        <Notice tone="info">
          Your role cannot change the time zone saved on your account; an admin can set it for you from the Users page. You can still choose a display zone
          here: it is kept in this browser only.
        </Notice>
        <p className="muted">
          {account ? <>Saved on your account by an admin: {zoneLabel(account)}. </> : null}
          {stored ? <>This browser uses {zoneLabel(stored)}.</> : <>This browser follows {account ? 'your account' : 'its own zone'}.</>}
        </p>
        <Field label="Time zone">
          {(props) => (
            <TimeZoneSelect
              id={props.id}
              value={draft}
              onChange={(z) => {
                setSaved(false);
                setDraft(z);
              }}
            />
          )}
        </Field>
        <div className="form-actions">
          <Button type="submit" variant="primary" disabled={draft === stored}>
            Use in this browser
          </Button>
          {stored ? (
            <Button
              variant="ghost"
              onClick={() => {
                storeDisplayZone(null);
                setDraft(account ?? browserTimeZone());
                setSaved(false);
              }}
            >
              Forget this browser's choice
            </Button>
          ) : null}
        </div>
        {saved ? <Notice tone="good">Display time zone kept in this browser.</Notice> : null}
        <Now zone={zone} />
      </form>
    </Card>
  );
}
