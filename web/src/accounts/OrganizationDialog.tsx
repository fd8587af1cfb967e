import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { organizationRoutes } from '#shared/contracts/organization.js';
import type { Output } from '../api/client.js';
import { messageOf } from '../api/errors.js';
import { useApi } from '../app/context.js';
import { Badge, Button, Dialog, Field, FormError, Notice, QueryView } from '../ui/index.js';
import type { Account } from './labels.js';
import { accountKeys } from './queries.js';

type Listing = Output<typeof organizationRoutes.list>;
type Result = Output<typeof organizationRoutes.connect>;

/**
 * Connect a whole AWS Organization: (1) the organization stack in the management account (its role
 * plus a StackSet that deploys the role to every member account); (2) list the organization through
 * the connected management account and pick the accounts; (3) connect them in bulk, collected in one
 * run, with what was skipped and why.
 */
export function OrganizationDialog({ open, accounts, onClose, onConnected }: { open: boolean; accounts: Account[]; onClose: () => void; onConnected: (result: Result) => void }) {
  const api = useApi();
  const onboarding = useQuery({
    queryKey: [...accountKeys.onboarding, 'organization'],
    queryFn: ({ signal }) => api.call(organizationRoutes.onboarding, { signal }),
    enabled: open,
    staleTime: 5 * 60_000,
  });
  const [management, setManagement] = useState('');
  const [listing, setListing] = useState<Listing | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [sync, setSync] = useState(true);
  const [busy, setBusy] = useState<'list' | 'connect' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<Result | null>(null);

  const close = () => {
    setManagement('');
    setListing(null);
    setChosen(new Set());
    setSync(true);
    setError(null);
    setResult(null);
    onClose();
  };
  /** `keepResult`: after a connect, list again without hiding what the connect reported. */
  const list = async (keepResult = false) => {
    setBusy('list');
    setError(null);
    if (!keepResult) setResult(null);
    try {
      const answer = await api.call(organizationRoutes.list, { params: { id: management } });
      setListing(answer);
      setChosen(new Set(answer.accounts.filter((a) => a.connectable).map((a) => a.id)));
    } catch (e) {
      setListing(null);
      setError(messageOf(e));
    } finally {
      setBusy(null);
    }
  };
  const connect = async () => {
    setBusy('connect');
    setError(null);
    try {
      const answer = await api.call(organizationRoutes.connect, { params: { id: management }, body: { accountIds: [...chosen], sync } });
      setResult(answer);
      onConnected(answer);
      await list(true);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(null);
    }
  };
  const toggle = (id: string) =>
    setChosen((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <Dialog open={open} title="Connect an AWS Organization" onClose={close}>
      <ol className="onboarding-steps">
        <li>
          <h3>Create the organization stack in the management account</h3>
          <QueryView query={onboarding} loadingRows={2}>
            {(o) => (
              <>
                {o.quickCreateUrl ? (
                  <p>
                    <a className="btn btn-primary" href={o.quickCreateUrl} target="_blank" rel="noreferrer" data-testid="org-quick-create">
                      Open the CloudFormation quick-create link
                    </a>
                  </p>
                ) : (
                  <p className="muted" data-testid="org-no-quick-create">
                    This installation publishes no template for one-click links: download it and create the stack <strong>{o.stackName}</strong> with ExternalId{' '}
                    <code data-testid="org-external-id">{o.externalId}</code>.
                  </p>
                )}
                <p>
                  <a href={`data:application/json;charset=utf-8,${encodeURIComponent(JSON.stringify(o.template, null, 2))}`} download="cloudoptima-organization.json">
                    Download the template
                  </a>{' '}
                  <span className="muted">
                    It creates the read-only role in the management account, allowed also {o.permissions.map((p) => p.action).join(' and ')}, and a StackSet that deploys the
                    same role to every account under the organizational units you give (the root id <code>r-…</code> covers all, and accounts that join later).
                  </span>
                </p>
              </>
            )}
          </QueryView>
        </li>
        <li>
          <h3>Connect the management account, then list the organization through it</h3>
          {accounts.length === 0 ? (
            <p className="muted">Connect the management account first (Connect account, with the role ARN the stack outputs).</p>
          ) : (
            <div className="org-pick">
              <Field label="Management account" hint="Or a delegated administrator of the organization">
                {(props) => (
                  <select {...props} value={management} onChange={(e) => setManagement(e.target.value)}>
                    <option value="">Choose a connected account…</option>
                    {accounts.map((a) => (
                      <option key={a.id} value={a.id}>
                        {a.name} ({a.id})
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Button onClick={() => void list()} disabled={!management} busy={busy === 'list'}>
                List accounts
              </Button>
            </div>
          )}
        </li>
        {listing ? (
          <li>
            <h3>
              Choose the accounts of <code>{listing.organizationId}</code>
            </h3>
            <div className="table-wrap">
              <table className="table table-middle" aria-label="Organization accounts">
                <thead>
                  <tr>
                    <th scope="col">
                      <span className="visually-hidden">Connect</span>
                    </th>
                    <th scope="col">Account</th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
                  {listing.accounts.map((a) => (
                    <tr key={a.id} data-org-account-id={a.id}>
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`Connect ${a.name}`}
                          checked={chosen.has(a.id)}
                          disabled={!a.connectable}
                          onChange={() => toggle(a.id)}
                        />
                      </td>
                      <td>
                        <div className="cell-primary">{a.name}</div>
                        <div className="cell-sub">
                          <code>{a.id}</code>
                          {a.id === listing.managementAccountId ? ' · management account' : ''}
                        </div>
                      </td>
                      <td>
                        {a.connected ? (
                          <Badge tone="good">Connected</Badge>
                        ) : a.status === 'ACTIVE' ? (
                          <Badge tone="neutral">Not connected</Badge>
                        ) : (
                          <Badge tone="warn">{a.status.toLowerCase().replace('_', ' ')}</Badge>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <label className="org-sync">
              <input type="checkbox" checked={sync} onChange={(e) => setSync(e.target.checked)} /> Collect them now (one collection run)
            </label>
          </li>
        ) : null}
      </ol>
      {result ? (
        <Notice tone={result.skipped.length ? 'info' : 'good'}>
          <span data-testid="org-result">
            Connected {result.connected.length} {result.connected.length === 1 ? 'account' : 'accounts'}
            {result.alreadyConnected.length ? `; ${result.alreadyConnected.length} already connected` : ''}
            {result.skipped.length ? `; skipped ${result.skipped.map((s) => `${s.name ?? s.id} (${s.reason})`).join(', ')}` : ''}.
          </span>
        </Notice>
      ) : null}
      <FormError message={error ?? undefined} />
      <div className="dialog-actions">
        <Button onClick={close}>Close</Button>
        <Button variant="primary" disabled={!listing || chosen.size === 0} busy={busy === 'connect'} onClick={() => void connect()}>
          {`Connect ${chosen.size} ${chosen.size === 1 ? 'account' : 'accounts'}`}
        </Button>
      </div>
    </Dialog>
  );
}
