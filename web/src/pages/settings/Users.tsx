import { useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { Role } from '#shared/auth/permissions.js';
import { inviteUserRequest, userRoutes, type user as userSchema } from '#shared/contracts/users.js';
import { Can, useApi, useCan, useMe, useTimeZone } from '../../app/context.js';
import { formatDateTime } from '../../format.js';
import { Badge, Button, Card, Dialog, EmptyState, ErrorState, Field, Loading, Notice, PageHeader, FormError, LoadMore } from '../../ui/index.js';
import { useContractForm } from '../../ui/form.js';
import { ConfirmDialog } from '../../settings/ConfirmDialog.js';
import { ROLE_OPTIONS, ROLE_SUMMARIES, roleLabel } from '../../settings/roles.js';
import { useCursorList } from '../../settings/useList.js';
import '../../settings/settings.css';

type User = z.output<typeof userSchema>;

const USERS_KEY = ['users'] as const;

export default function Users() {
  const api = useApi();
  const me = useMe().data;
  const can = useCan();
  const zone = useTimeZone();
  const queryClient = useQueryClient();
  const { query, items: loaded } = useCursorList<User>(USERS_KEY, (cursor, signal) => api.call(userRoutes.list, { query: { cursor, limit: 100 }, signal }));
  const items = useMemo(() => [...loaded].sort((a, b) => (a.name ?? a.email).localeCompare(b.name ?? b.email)), [loaded]);
  const [inviting, setInviting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [roleChange, setRoleChange] = useState<{ user: User; role: Role } | null>(null);
  const [removing, setRemoving] = useState<User | null>(null);
  const writable = can('users:write');
  const refresh = () => queryClient.invalidateQueries({ queryKey: USERS_KEY });
  const selfId = me?.user?.id;

  const admins = items.filter((u) => u.role === 'admin').length;
  const invited = items.filter((u) => u.status === 'invited').length;

  return (
    <>
      <PageHeader
        title="Users"
        description="Who can sign in to your organization, and what their role lets them do."
        actions={
          <Can permission="users:write">
            <Button variant="primary" onClick={() => setInviting(true)}>
              Invite user
            </Button>
          </Can>
        }
      />
      {notice ? <Notice tone="good">{notice}</Notice> : null}
      <Card
        title={query.isSuccess ? `${items.length}${query.hasNextPage ? '+' : ''} ${items.length === 1 ? 'user' : 'users'}` : 'Users'}
        actions={
          query.isSuccess ? (
            <span className="muted">
              {admins} {admins === 1 ? 'admin' : 'admins'} · {invited} pending {invited === 1 ? 'invitation' : 'invitations'}
            </span>
          ) : null
        }
      >
        {query.isPending ? (
          <Loading rows={5} label="Loading users" />
        ) : query.isError ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState title="No users yet" />
        ) : (
          <>
            <div className="table-wrap">
              <table className="table table-middle" aria-label="Users">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Email</th>
                    <th scope="col">Role</th>
                    <th scope="col">Status</th>
                    <th scope="col">Added</th>
                    {writable ? (
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {items.map((user) => {
                    const self = user.id === selfId;
                    return (
                      <tr key={user.id} data-user-email={user.email}>
                        <td className="cell-primary">
                          {user.name ?? <span className="muted">—</span>} {self ? <Badge tone="info">You</Badge> : null}
                        </td>
                        <td>{user.email}</td>
                        <td>
                          {writable ? (
                            <>
                              <label className="visually-hidden" htmlFor={`role-${user.id}`}>
                                Role of {user.email}
                              </label>
                              <select
                                id={`role-${user.id}`}
                                className="inline-select"
                                value={user.role}
                                onChange={(e) => setRoleChange({ user, role: e.target.value as Role })}
                              >
                                {ROLE_OPTIONS.map((o) => (
                                  <option key={o.value} value={o.value}>
                                    {o.label}
                                  </option>
                                ))}
                              </select>
                            </>
                          ) : (
                            roleLabel(user.role)
                          )}
                        </td>
                        <td>{user.status === 'active' ? <Badge tone="good">Active</Badge> : <Badge tone="warn">Invited</Badge>}</td>
                        <td className="cell-sub">{formatDateTime(user.createdAt, zone)}</td>
                        {writable ? (
                          <td className="actions">
                            {self ? (
                              <span className="muted" title="Ask another admin to remove you">
                                —
                              </span>
                            ) : (
                              <Button variant="ghost" aria-label={`Remove ${user.email}`} onClick={() => setRemoving(user)}>
                                Remove
                              </Button>
                            )}
                          </td>
                        ) : null}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            {query.hasNextPage ? (
              <div className="list-footer">
                <LoadMore query={query} />
              </div>
            ) : null}
          </>
        )}
      </Card>
      <Card title="Roles">
        <ul className="role-legend">
          {ROLE_OPTIONS.map((o) => (
            <li key={o.value}>
              <strong>{o.label}</strong> <span className="muted">{ROLE_SUMMARIES[o.value]}</span>
            </li>
          ))}
        </ul>
      </Card>

      {writable ? (
        <InviteDialog
          open={inviting}
          onClose={() => setInviting(false)}
          onInvited={(user) => {
            setInviting(false);
            setNotice(`Invitation sent to ${user.email}. They sign in with the temporary password from their email, then choose their own.`);
            void refresh();
          }}
        />
      ) : null}

      <ConfirmDialog
        open={roleChange !== null}
        title="Change role"
        confirmLabel="Change role"
        // A confirm that ends after the user already picked another change closes only its own request.
        onClose={() => setRoleChange((current) => (current === roleChange ? null : current))}
        onConfirm={async () => {
          if (!roleChange) return;
          await api.call(userRoutes.update, { params: { id: roleChange.user.id }, body: { role: roleChange.role } });
          setNotice(`${roleChange.user.email} is now ${roleLabel(roleChange.role)}.`);
          await refresh();
          if (roleChange.user.id === selfId) void queryClient.invalidateQueries({ queryKey: ['me'] });
        }}
      >
        {roleChange ? (
          <>
            <p>
              Change <strong>{roleChange.user.email}</strong> from {roleLabel(roleChange.user.role)} to <strong>{roleLabel(roleChange.role)}</strong>?
            </p>
            <p className="muted">{ROLE_SUMMARIES[roleChange.role]} The change applies to their next request.</p>
            {roleChange.user.id === selfId ? (
              <p className="warning-box">
                <strong>This is your own role.</strong> You may lose access to this page.
              </p>
            ) : null}
          </>
        ) : null}
      </ConfirmDialog>

      <ConfirmDialog
        open={removing !== null}
        title="Remove user"
        confirmLabel="Remove user"
        tone="danger"
        onClose={() => setRemoving(null)}
        onConfirm={async () => {
          if (!removing) return;
          await api.call(userRoutes.remove, { params: { id: removing.id } });
          setNotice(`${removing.email} was removed.`);
          await refresh();
        }}
      >
        {removing ? (
          <p>
            Remove <strong>{removing.email}</strong> from your organization? Their sessions stop working immediately and they can no longer sign in.
          </p>
        ) : null}
      </ConfirmDialog>
    </>
  );
}

function InviteDialog({ open, onClose, onInvited }: { open: boolean; onClose: () => void; onInvited: (user: User) => void }) {
  const api = useApi();
  const form = useContractForm(inviteUserRequest, { email: '', role: 'viewer' });
  const { errors, isSubmitting } = form.formState;
  const role = form.watch('role');
  const close = () => {
    form.reset({ email: '', role: 'viewer' });
    onClose();
  };
  const submit = form.handleSubmit(async (body) => {
    try {
      const user = await api.call(userRoutes.invite, { body });
      form.reset({ email: '', role: 'viewer' });
      onInvited(user);
    } catch (error) {
      form.showApiError(error);
    }
  });
  return (
    <Dialog open={open} title="Invite a user" onClose={close}>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label="Invite a user">
        <Field label="Email" error={errors.email?.message}>
          {(props) => <input {...props} type="email" autoComplete="off" {...form.register('email')} />}
        </Field>
        <Field label="Name (optional)" error={errors.name?.message}>
          {(props) => (
            <input {...props} type="text" autoComplete="off" {...form.register('name', { setValueAs: (v: string) => (v?.trim() ? v : undefined) })} />
          )}
        </Field>
        <Field label="Role" error={errors.role?.message} hint={role ? ROLE_SUMMARIES[role] : undefined}>
          {(props) => (
            <select {...props} {...form.register('role')}>
              {ROLE_OPTIONS.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <FormError message={errors.root?.server?.message} />
        <div className="dialog-actions">
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" busy={isSubmitting}>
            Send invitation
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
