import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { accountRoutes, connectAccountRequest } from '#shared/contracts/accounts.js';
import { billingRoutes } from '#shared/contracts/billing.js';
import { relativeTime } from '../billing/labels.js';
import { billingKeys, useSources } from '../billing/queries.js';
import type { BillingSource } from '../billing/types.js';
import { messageOf } from '../api/errors.js';
import { AccountStatusBadge, resourceTotal, SyncBadge, type AccessTest, type Account } from '../accounts/labels.js';
import { OrganizationDialog } from '../accounts/OrganizationDialog.js';
import { accountKeys, useAccounts } from '../accounts/queries.js';
import { Can, useApi, useCan, useTimeZone } from '../app/context.js';
import { formatDateTime } from '../format.js';
import { ConfirmDialog } from '../settings/ConfirmDialog.js';
import { Badge, Button, Card, Dialog, EmptyState, ErrorState, Field, FormError, Loading, Notice, PageHeader, QueryView } from '../ui/index.js';
import { useContractForm } from '../ui/form.js';
import '../accounts/accounts.css';
import '../settings/settings.css';
import './Accounts.css';

/**
 * Connected AWS accounts: connect one (the CloudFormation template, the organization's ExternalId,
 * the role ARN), test its role's permissions, sync it now, disconnect it; with each account's last
 * sync (regions, resources, refused calls).
 */
export default function Accounts() {
  const api = useApi();
  const can = useCan();
  const zone = useTimeZone();
  const queryClient = useQueryClient();
  const { query, items } = useAccounts();
  const [connecting, setConnecting] = useState(false);
  const [connectingOrganization, setConnectingOrganization] = useState(false);
  const [testing, setTesting] = useState<{ account: Account; result: AccessTest | null; error: string | null } | null>(null);
  const [disconnecting, setDisconnecting] = useState<Account | null>(null);
  const [notice, setNotice] = useState<{ tone: 'good' | 'bad'; text: string } | null>(null);
  const [syncing, setSyncing] = useState<string | null>(null);
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: accountKeys.list }), queryClient.invalidateQueries({ queryKey: accountKeys.inventory })]);
  const writable = can('accounts:write');
  const syncable = can('accounts:sync');
  const sources = useSources();
  const costExplorer = new Map((sources.data ?? []).filter((s) => s.kind === 'cost-explorer' && s.accountId).map((s) => [s.accountId!, s]));
  const [switchingOff, setSwitchingOff] = useState<{ account: Account; source: BillingSource } | null>(null);

  const runTest = async (account: Account) => {
    setTesting({ account, result: null, error: null });
    try {
      const result = await api.call(accountRoutes.test, { params: { id: account.id } });
      setTesting({ account, result, error: null });
    } catch (error) {
      setTesting({ account, result: null, error: messageOf(error) });
    }
    await refresh();
  };

  const sync = async (account: Account) => {
    setSyncing(account.id);
    try {
      await api.call(accountRoutes.sync, { params: { id: account.id } });
      setNotice({ tone: 'good', text: `Syncing ${account.name} (${account.id}).` });
    } catch (error) {
      setNotice({ tone: 'bad', text: messageOf(error) });
    } finally {
      setSyncing(null);
      await refresh();
    }
  };

  return (
    <>
      <PageHeader
        title="Accounts"
        description={
          <>
            The AWS accounts CloudOptima reads, each through a read-only role that trusts it only with your organization's ExternalId. Their resources and 30 days of
            utilization are collected daily and on demand; see them in <Link to="/inventory">Inventory</Link>.
          </>
        }
        actions={
          <Can permission="accounts:write">
            <Button onClick={() => setConnectingOrganization(true)}>Connect organization</Button>
            <Button variant="primary" onClick={() => setConnecting(true)}>
              Connect account
            </Button>
          </Can>
        }
      />
      {notice ? <Notice tone={notice.tone}>{notice.text}</Notice> : null}
      <Card title={query.isSuccess ? `${items.length}${query.hasNextPage ? '+' : ''} connected ${items.length === 1 ? 'account' : 'accounts'}` : 'Connected accounts'}>
        {query.isPending ? (
          <Loading rows={5} label="Loading accounts" />
        ) : query.isError ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState
            title="No AWS accounts connected"
            action={
              writable ? (
                <Button variant="primary" onClick={() => setConnecting(true)}>
                  Connect your first account
                </Button>
              ) : undefined
            }
          >
            Connect an account with a one-click CloudFormation stack: a read-only role, no access to your data.
          </EmptyState>
        ) : (
          <>
            <div className="table-wrap">
              <table className="table table-middle" aria-label="Connected accounts">
                <thead>
                  <tr>
                    <th scope="col">Account</th>
                    <th scope="col">Status</th>
                    <th scope="col">Last sync</th>
                    <th scope="col">Resources</th>
                    <th scope="col">Permissions</th>
                    <th scope="col" title="Collect costs from Cost Explorer (accounts without a billing export)">Costs from Cost Explorer</th>
                    {writable || syncable ? (
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {items.map((account) => {
                    const run = account.lastSync;
                    return (
                      <tr key={account.id} data-account-id={account.id}>
                        <td>
                          <div className="cell-primary">{account.name}</div>
                          <div className="cell-sub">
                            <code>{account.id}</code>
                          </div>
                        </td>
                        <td>
                          <AccountStatusBadge status={account.status} />
                        </td>
                        <td data-testid="last-sync">
                          <div className="sync-cell">
                            <SyncBadge run={run} />
                            {run ? <span className="cell-sub">{formatDateTime(run.finishedAt ?? run.startedAt, zone)}</span> : null}
                            {run?.error ? <span className="cell-sub">{run.error.message}</span> : null}
                            {run?.warnings.length ? (
                              <span className="cell-sub">
                                {run.warnings.length} refused {run.warnings.length === 1 ? 'call' : 'calls'}: {[...new Set(run.warnings.map((w) => w.service))].join(', ')}
                              </span>
                            ) : null}
                          </div>
                        </td>
                        <td data-testid="resources">
                          {run && run.status !== 'running' && run.status !== 'failed' ? (
                            <Link to={`/inventory?account=${account.id}`}>{resourceTotal(run).toLocaleString('en-US')}</Link>
                          ) : (
                            <span className="muted">–</span>
                          )}
                          {run?.regions.length ? <div className="cell-sub">{run.regions.length} regions</div> : null}
                        </td>
                        <td data-testid="permissions">
                          {account.lastTest === null ? (
                            <span className="muted">Not tested</span>
                          ) : account.lastTest.ok ? (
                            <Badge tone="good">All granted</Badge>
                          ) : !account.lastTest.assumed ? (
                            <Badge tone="bad">Role not assumable</Badge>
                          ) : (
                            <Badge tone="warn">{account.lastTest.missing.length} missing</Badge>
                          )}
                        </td>
                        <td data-testid="cost-data">
                          <CostExplorerSwitch
                            account={account}
                            source={costExplorer.get(account.id) ?? null}
                            loading={sources.isPending}
                            onSwitchOff={(source) => setSwitchingOff({ account, source })}
                          />
                        </td>
                        {writable || syncable ? (
                          <td className="actions">
                            <div className="row-actions">
                              {writable ? (
                                <Button aria-label={`Test ${account.name}`} onClick={() => void runTest(account)}>
                                  Test
                                </Button>
                              ) : null}
                              {syncable ? (
                                <Button
                                  aria-label={`Sync ${account.name} now`}
                                  busy={syncing === account.id}
                                  disabled={run?.status === 'running'}
                                  onClick={() => void sync(account)}
                                >
                                  Sync now
                                </Button>
                              ) : null}
                              {writable ? (
                                <Button variant="danger" aria-label={`Disconnect ${account.name}`} onClick={() => setDisconnecting(account)}>
                                  Disconnect
                                </Button>
                              ) : null}
                            </div>
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
                <Button onClick={() => void query.fetchNextPage()} busy={query.isFetchingNextPage}>
                  Load more
                </Button>
              </div>
            ) : null}
          </>
        )}
      </Card>

      {writable ? (
        <ConnectDialog
          open={connecting}
          onClose={() => setConnecting(false)}
          onConnected={(account) => {
            setNotice({ tone: 'good', text: `${account.name} (${account.id}) connected. Test it, then sync it.` });
            void refresh();
          }}
        />
      ) : null}

      {writable ? (
        <OrganizationDialog
          open={connectingOrganization}
          accounts={items}
          onClose={() => setConnectingOrganization(false)}
          onConnected={(result) => {
            if (result.connected.length) setNotice({ tone: 'good', text: `${result.connected.length} accounts of ${result.organizationId} connected.` });
            void refresh();
          }}
        />
      ) : null}

      <Dialog
        open={testing !== null}
        title={testing ? `Permissions of ${testing.account.name}` : 'Permissions'}
        onClose={() => setTesting(null)}
        footer={<Button onClick={() => setTesting(null)}>Close</Button>}
      >
        {testing === null ? null : testing.error ? (
          <p className="field-error" role="alert">
            {testing.error}
          </p>
        ) : testing.result === null ? (
          <Loading rows={4} label="Testing the role" />
        ) : (
          <TestReport result={testing.result} />
        )}
      </Dialog>

      <ConfirmDialog
        open={switchingOff !== null}
        title="Stop collecting from Cost Explorer"
        confirmLabel="Stop collecting"
        tone="danger"
        onClose={() => setSwitchingOff(null)}
        onConfirm={async () => {
          if (!switchingOff) return;
          await api.call(billingRoutes.deleteSource, { params: { id: switchingOff.source.id } });
          setNotice({ tone: 'good', text: `Cost Explorer collection of ${switchingOff.account.name} (${switchingOff.account.id}) is off.` });
          await queryClient.invalidateQueries({ queryKey: billingKeys.sources });
        }}
      >
        {switchingOff ? (
          <>
            <p>
              Stop collecting the costs of <strong>{switchingOff.account.name}</strong> (<code>{switchingOff.account.id}</code>) from Cost Explorer?
            </p>
            <p className="muted">The costs collected so far are removed from the cost views, so an export that covers the account can bring them without counting them twice.</p>
          </>
        ) : null}
      </ConfirmDialog>

      <ConfirmDialog
        open={disconnecting !== null}
        title="Disconnect account"
        confirmLabel="Disconnect"
        tone="danger"
        onClose={() => setDisconnecting(null)}
        onConfirm={async () => {
          if (!disconnecting) return;
          await api.call(accountRoutes.disconnect, { params: { id: disconnecting.id } });
          setNotice({ tone: 'good', text: `${disconnecting.name} (${disconnecting.id}) disconnected.` });
          await refresh();
        }}
      >
        {disconnecting ? (
          <>
            <p>
              Disconnect <strong>{disconnecting.name}</strong> (<code>{disconnecting.id}</code>)?
            </p>
            <p className="muted">
              Its collected inventory and raw snapshots are deleted, and so are the costs collected from Cost Explorer, if that was on. The role stays in your AWS account until you delete its CloudFormation stack.
            </p>
          </>
        ) : null}
      </ConfirmDialog>
    </>
  );
}

/**
 * "Collect costs from Cost Explorer" for one account: on creates the account's Cost Explorer billing
 * source (refused, with the API's reason, when another source already brings its charges); off asks
 * first, since the collected costs are removed. Only billing:write can switch it.
 */
function CostExplorerSwitch({ account, source, loading, onSwitchOff }: { account: Account; source: BillingSource | null; loading: boolean; onSwitchOff: (source: BillingSource) => void }) {
  const api = useApi();
  const can = useCan();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const allowed = can('billing:write');
  const on = source !== null;
  const label = 'Collect costs from Cost Explorer';

  const toggle = async () => {
    if (source) return onSwitchOff(source);
    setBusy(true);
    setRefusal(null);
    try {
      await api.call(billingRoutes.createSource, { body: { name: `Cost Explorer: ${account.name}`, kind: 'cost-explorer', accountId: account.id } });
    } catch (error) {
      setRefusal(messageOf(error));
    } finally {
      setBusy(false);
      await queryClient.invalidateQueries({ queryKey: billingKeys.sources });
    }
  };

  return (
    <div className="cost-explorer-switch">
      <label className="switch" title={allowed ? undefined : 'A FinOps manager or admin can switch this'}>
        <input
          type="checkbox"
          role="switch"
          checked={on}
          disabled={!allowed || busy || loading}
          aria-label={`${label} for ${account.name}`}
          onChange={() => void toggle()}
        />
        <span aria-hidden="true">{on ? 'On' : 'Off'}</span>
      </label>
      {source ? (
        <div className="cell-sub" data-testid="cost-explorer-freshness">
          {source.lastDeliveredAt ? `Delivered ${relativeTime(source.lastDeliveredAt)}` : 'Not delivered yet'} · <Link to="/billing">Billing data</Link>
        </div>
      ) : null}
      {refusal ? (
        <div className="field-error" role="alert" data-testid="cost-explorer-refusal">
          {refusal}
        </div>
      ) : null}
    </div>
  );
}

function TestReport({ result }: { result: AccessTest }) {
  return (
    <div data-testid="test-report">
      {!result.assumed ? (
        <Notice tone="bad">The role could not be assumed: {result.error?.message}</Notice>
      ) : result.ok ? (
        <Notice tone="good">The role was assumed and every permission is granted.</Notice>
      ) : result.missing.length ? (
        <Notice tone="bad">
          Missing {result.missing.length === 1 ? 'permission' : 'permissions'}: {result.missing.join(', ')}. Update the stack from the current template.
        </Notice>
      ) : (
        <Notice tone="bad">{result.error?.message}</Notice>
      )}
      <div className="table-wrap">
        <table className="table permission-table" aria-label="Permissions">
          <thead>
            <tr>
              <th scope="col">Action</th>
              <th scope="col">Used for</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {result.permissions.map((p) => (
              <tr key={p.action} className={p.status === 'missing' ? 'missing' : undefined} data-status={p.status}>
                <td>{p.action}</td>
                <td>{p.purpose}</td>
                <td>
                  <Badge tone={p.status === 'granted' ? 'good' : p.status === 'missing' ? 'bad' : 'neutral'}>{p.status === 'granted' ? 'Granted' : p.status === 'missing' ? 'Missing' : 'Unchecked'}</Badge>
                  {p.reason && p.status === 'missing' ? <div className="cell-sub">{p.reason}</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** Step 1: the stack (quick-create link or template) with the ExternalId; step 2: the role ARN it outputs. */
function ConnectDialog({ open, onClose, onConnected }: { open: boolean; onClose: () => void; onConnected: (account: Account) => void }) {
  const api = useApi();
  const onboarding = useQuery({ queryKey: accountKeys.onboarding, queryFn: ({ signal }) => api.call(accountRoutes.onboarding, { signal }), enabled: open, staleTime: 5 * 60_000 });
  const form = useContractForm(connectAccountRequest, { roleArn: '', name: '' });
  const { errors, isSubmitting } = form.formState;
  const [copied, setCopied] = useState(false);
  const close = () => {
    form.reset({ roleArn: '', name: '' });
    setCopied(false);
    onClose();
  };
  const submit = form.handleSubmit(async (values) => {
    try {
      const account = await api.call(accountRoutes.connect, { body: values });
      onConnected(account);
      close();
    } catch (error) {
      form.showApiError(error);
    }
  });
  return (
    <Dialog open={open} title="Connect an AWS account" onClose={close}>
      <QueryView query={onboarding} loadingRows={4}>
        {(o) => {
          const templateHref = `data:application/json;charset=utf-8,${encodeURIComponent(JSON.stringify(o.template, null, 2))}`;
          return (
            <ol className="onboarding-steps">
              <li>
                <h3>Create the read-only role in the account</h3>
                {o.quickCreateUrl ? (
                  <p>
                    <a className="btn btn-primary" href={o.quickCreateUrl} target="_blank" rel="noreferrer" data-testid="quick-create">
                      Open the CloudFormation quick-create link
                    </a>
                  </p>
                ) : (
                  <p className="muted" data-testid="no-quick-create">
                    This installation publishes no template for one-click links: download it and create the stack <strong>{o.stackName}</strong> in the CloudFormation console
                    with these parameters.
                  </p>
                )}
                <p>
                  <a href={templateHref} download="cloudoptima-readonly-role.json" data-testid="template-download">
                    Download the template
                  </a>{' '}
                  <span className="muted">
                    (role <code>{o.rolePath + o.roleName}</code>, {o.permissions.length} read-only permissions)
                  </span>
                </p>
                <div className="external-id">
                  <span>ExternalId</span>
                  <code data-testid="external-id">{o.externalId}</code>
                  <Button
                    onClick={() => {
                      void navigator.clipboard?.writeText(o.externalId).then(() => setCopied(true), () => setCopied(false));
                    }}
                  >
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                </div>
                <p className="cell-sub">
                  Trusted principal: <code>{o.trustedPrincipal}</code>. The role trusts CloudOptima only with this ExternalId, which is unique to your organization.
                </p>
              </li>
              <li>
                <h3>Paste the role ARN the stack outputs</h3>
                <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label="Connect an AWS account">
                  <Field label="Role ARN" error={errors.roleArn?.message} hint={`arn:aws:iam::<account id>:role${o.rolePath}${o.roleName}`}>
                    {(props) => <input {...props} type="text" autoComplete="off" spellCheck={false} {...form.register('roleArn')} />}
                  </Field>
                  <Field label="Name" error={errors.name?.message} hint="How the account is shown here, e.g. production">
                    {(props) => <input {...props} type="text" autoComplete="off" {...form.register('name')} />}
                  </Field>
                  <FormError message={errors.root?.server?.message} />
                  <div className="dialog-actions">
                    <Button onClick={close}>Cancel</Button>
                    <Button type="submit" variant="primary" busy={isSubmitting}>
                      Connect
                    </Button>
                  </div>
                </form>
              </li>
            </ol>
          );
        }}
      </QueryView>
    </Dialog>
  );
}
