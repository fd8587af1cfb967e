import { useMemo, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { ROLES, roleRank } from '#shared/auth/permissions.js';
import { apiKeyRoutes, createApiKeyRequest, type apiKey as apiKeySchema } from '#shared/contracts/apikeys.js';
import { userRoutes } from '#shared/contracts/users.js';
import { Can, useApi, useCan, useMe, useTimeZone } from '../../app/context.js';
import { formatDateTime } from '../../format.js';
import { Badge, Button, Card, Dialog, EmptyState, ErrorState, Field, Loading, Notice, PageHeader, FormError, LoadMore } from '../../ui/index.js';
import { useContractForm } from '../../ui/form.js';
import { ConfirmDialog } from '../../settings/ConfirmDialog.js';
import { ROLE_LABELS, ROLE_SUMMARIES, roleLabel } from '../../settings/roles.js';
import { useCursorList } from '../../settings/useList.js';
import '../../settings/settings.css';

type ApiKey = z.output<typeof apiKeySchema>;

const KEYS_KEY = ['api-keys'] as const;

/** Name and role come from the contract; the expiry is a preset turned into the contract's ISO instant. */
const createForm = createApiKeyRequest.pick({ name: true, role: true });
const EXPIRY_PRESETS = [
  { value: 'never', label: 'Never', days: null },
  { value: '30', label: 'In 30 days', days: 30 },
  { value: '90', label: 'In 90 days', days: 90 },
  { value: '365', label: 'In 1 year', days: 365 },
] as const;

export default function ApiKeys() {
  const api = useApi();
  const can = useCan();
  const zone = useTimeZone();
  const queryClient = useQueryClient();
  const { query, items } = useCursorList<ApiKey>(KEYS_KEY, (cursor, signal) => api.call(apiKeyRoutes.list, { query: { cursor, limit: 100 }, signal }));
  // Who created each key: ids resolve to emails where the caller may read users.
  const users = useCursorList(['users'], (cursor, signal) => api.call(userRoutes.list, { query: { cursor, limit: 100 }, signal }), {
    enabled: can('users:read'),
  });
  const emails = useMemo(() => new Map(users.items.map((u) => [u.id, u.email])), [users.items]);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const writable = can('apikeys:write');
  const refresh = () => queryClient.invalidateQueries({ queryKey: KEYS_KEY });
  const now = Date.now();

  return (
    <>
      <PageHeader
        title="API keys"
        description={
          <>
            Keys let programs call the CloudOptima API as <code>Authorization: ApiKey &lt;key&gt;</code>, with the permissions of the role you give them.
          </>
        }
        actions={
          <Can permission="apikeys:write">
            <Button variant="primary" onClick={() => setCreating(true)}>
              Create API key
            </Button>
          </Can>
        }
      />
      {notice ? <Notice tone="good">{notice}</Notice> : null}
      <Card title={query.isSuccess ? `${items.length}${query.hasNextPage ? '+' : ''} active ${items.length === 1 ? 'key' : 'keys'}` : 'Keys'}>
        {query.isPending ? (
          <Loading rows={4} label="Loading API keys" />
        ) : query.isError ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState
            title="No API keys"
            action={
              writable ? (
                <Button variant="primary" onClick={() => setCreating(true)}>
                  Create your first key
                </Button>
              ) : undefined
            }
          >
            Create a key for a CI pipeline, a script or a BI tool. Give it the lowest role that does the job.
          </EmptyState>
        ) : (
          <>
            <div className="table-wrap">
              <table className="table table-middle" aria-label="API keys">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Key</th>
                    <th scope="col">Role</th>
                    <th scope="col">Created</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Expires</th>
                    {writable ? (
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {items.map((key) => {
                    const expired = key.expiresAt !== null && Date.parse(key.expiresAt) <= now;
                    return (
                      <tr key={key.id} data-key-name={key.name}>
                        <td className="cell-primary">{key.name}</td>
                        <td>
                          <code>{key.prefix}…</code>
                        </td>
                        <td>
                          <Badge tone={key.role === 'admin' ? 'warn' : 'neutral'}>{roleLabel(key.role)}</Badge>
                        </td>
                        <td>
                          <div>{formatDateTime(key.createdAt, zone)}</div>
                          <div className="cell-sub">by {emails.get(key.createdBy) ?? key.createdBy}</div>
                        </td>
                        <td>{key.lastUsedAt ? formatDateTime(key.lastUsedAt, zone) : <span className="muted">Never</span>}</td>
                        <td>
                          {key.expiresAt === null ? (
                            <span className="muted">Never</span>
                          ) : expired ? (
                            <Badge tone="bad">Expired {formatDateTime(key.expiresAt, zone)}</Badge>
                          ) : (
                            formatDateTime(key.expiresAt, zone)
                          )}
                        </td>
                        {writable ? (
                          <td className="actions">
                            <Button variant="danger" aria-label={`Revoke ${key.name}`} onClick={() => setRevoking(key)}>
                              Revoke
                            </Button>
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

      {writable ? (
        <CreateKeyDialog
          open={creating}
          onClose={() => setCreating(false)}
          onCreated={(key) => {
            setNotice(`API key “${key.name}” created.`);
            void refresh();
          }}
        />
      ) : null}

      <ConfirmDialog
        open={revoking !== null}
        title="Revoke API key"
        confirmLabel="Revoke key"
        tone="danger"
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          if (!revoking) return;
          await api.call(apiKeyRoutes.revoke, { params: { id: revoking.id } });
          setNotice(`API key “${revoking.name}” revoked.`);
          await refresh();
        }}
      >
        {revoking ? (
          <>
            <p>
              Revoke <strong>{revoking.name}</strong> (<code>{revoking.prefix}…</code>)?
            </p>
            <p className="muted">Programs using it are refused within a minute. This cannot be undone; create a new key if you need one again.</p>
          </>
        ) : null}
      </ConfirmDialog>
    </>
  );
}

/** The create form, then the key itself: shown once, in this dialog only, and forgotten when it closes. */
function CreateKeyDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (key: ApiKey) => void }) {
  const api = useApi();
  const me = useMe().data;
  const form = useContractForm(createForm, { name: '', role: 'viewer' });
  const { errors, isSubmitting } = form.formState;
  const role = form.watch('role');
  const [expiry, setExpiry] = useState<(typeof EXPIRY_PRESETS)[number]['value']>('90');
  const [secret, setSecret] = useState<{ key: string; apiKey: ApiKey } | null>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const secretRef = useRef<HTMLInputElement>(null);
  // A key never carries more power than the one who makes it (the API refuses otherwise).
  const roles = ROLES.filter((r) => !me || roleRank(r) <= roleRank(me.role));

  const close = () => {
    setSecret(null);
    setCopied(null);
    setExpiry('90');
    form.reset({ name: '', role: 'viewer' });
    onClose();
  };

  const submit = form.handleSubmit(async (values) => {
    const days = EXPIRY_PRESETS.find((p) => p.value === expiry)?.days ?? null;
    const expiresAt = days === null ? undefined : new Date(Date.now() + days * 86_400_000).toISOString();
    try {
      const created = await api.call(apiKeyRoutes.create, { body: { ...values, ...(expiresAt ? { expiresAt } : {}) } });
      setSecret(created);
      onCreated(created.apiKey);
    } catch (error) {
      form.showApiError(error);
    }
  });

  const copy = async () => {
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret.key);
      setCopied('yes');
    } catch {
      secretRef.current?.select();
      setCopied('failed');
    }
  };

  if (secret) {
    return (
      <Dialog
        open={open}
        title="Copy your new API key"
        onClose={close}
        footer={
          <Button variant="primary" onClick={close}>
            Done
          </Button>
        }
      >
        <div className="form">
          <p className="warning-box" role="note">
            <strong>You will not see this key again.</strong> Copy it now and store it somewhere safe, such as your CI system's secret store. If you lose it,
            revoke it and create a new one.
          </p>
          <div className="field">
            <label htmlFor="new-api-key">API key “{secret.apiKey.name}” ({ROLE_LABELS[secret.apiKey.role]})</label>
            <div className="secret-box">
              <input
                id="new-api-key"
                ref={secretRef}
                type="text"
                readOnly
                value={secret.key}
                spellCheck={false}
                autoComplete="off"
                onFocus={(e) => e.currentTarget.select()}
                data-testid="new-api-key"
              />
              <Button onClick={() => void copy()}>{copied === 'yes' ? 'Copied' : 'Copy'}</Button>
            </div>
            <p className="field-hint" role="status">
              {copied === 'yes'
                ? 'Copied to the clipboard.'
                : copied === 'failed'
                  ? 'The browser did not allow copying: the key is selected, press Ctrl+C (⌘C on a Mac).'
                  : 'Use it as the header Authorization: ApiKey <key>.'}
            </p>
          </div>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog open={open} title="Create an API key" onClose={close}>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label="Create an API key">
        <Field label="Name" error={errors.name?.message} hint="What uses it, e.g. “CI pipeline” or “Looker”.">
          {(props) => <input {...props} type="text" autoComplete="off" {...form.register('name')} />}
        </Field>
        <Field label="Role" error={errors.role?.message} hint={role ? ROLE_SUMMARIES[role] : undefined}>
          {(props) => (
            <select {...props} {...form.register('role')}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Expires">
          {(props) => (
            <select {...props} value={expiry} onChange={(e) => setExpiry(e.target.value as typeof expiry)}>
              {EXPIRY_PRESETS.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <FormError message={errors.root?.server?.message} />
        <div className="dialog-actions">
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" busy={isSubmitting}>
            Create key
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
