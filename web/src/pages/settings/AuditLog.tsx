import { Fragment, useMemo, useState } from 'react';
import type { z } from 'zod';
import { auditQuery, auditRoutes, type auditEntry as auditEntrySchema, type auditResult } from '#shared/contracts/audit.js';
import { apiKeyRoutes } from '#shared/contracts/apikeys.js';
import { userRoutes } from '#shared/contracts/users.js';
import { ROUTES } from '#shared/contracts/routes.js';
import { isAudited } from '#shared/http/route.js';
import { useApi, useCan, useTimeZone } from '../../app/context.js';
import { formatDateTime } from '../../format.js';
import { Badge, Button, Card, EmptyState, ErrorState, Field, Loading, PageHeader, LoadMore } from '../../ui/index.js';
import { humanizeOperation } from '../../settings/roles.js';
import { useCursorList } from '../../settings/useList.js';
import '../../settings/settings.css';

type AuditEntry = z.output<typeof auditEntrySchema>;
type AuditResult = z.output<typeof auditResult>;

const PERIODS = [
  { value: '1', label: 'Last 24 hours' },
  { value: '7', label: 'Last 7 days' },
  { value: '30', label: 'Last 30 days' },
  { value: '90', label: 'Last 90 days' },
  { value: 'all', label: 'All time' },
] as const;
type Period = (typeof PERIODS)[number]['value'];

/** Every operation the API audits, from its own route table. */
const AUDITED_ACTIONS = ROUTES.filter(isAudited)
  .map((r) => r.operationId)
  .sort((a, b) => humanizeOperation(a).localeCompare(humanizeOperation(b)));

const RESULT_TONES: Record<AuditResult, 'good' | 'warn' | 'bad'> = { success: 'good', failure: 'warn', denied: 'bad' };
const RESULT_LABELS: Record<AuditResult, string> = { success: 'Success', failure: 'Failed', denied: 'Denied' };

interface Filters {
  period: Period;
  /** The instant `period` was turned into, fixed when chosen so the query key stays stable. */
  from: string | undefined;
  actor: string;
  action: string;
  result: AuditResult | '';
}

function since(period: Period): string | undefined {
  return period === 'all' ? undefined : new Date(Date.now() - Number(period) * 86_400_000).toISOString();
}

export default function AuditLog() {
  const api = useApi();
  const can = useCan();
  const zone = useTimeZone();
  const [filters, setFilters] = useState<Filters>(() => ({ period: '30', from: since('30'), actor: '', action: '', result: '' }));
  const [actorDraft, setActorDraft] = useState('');
  const [expanded, setExpanded] = useState<string | null>(null);

  // The filters, checked with the API's own query schema before they are sent.
  const parsed = auditQuery.safeParse({
    from: filters.from,
    actor: filters.actor || undefined,
    action: filters.action || undefined,
    result: filters.result || undefined,
  });
  const query = parsed.success ? { ...parsed.data, limit: 50 } : null;
  const { query: list, items } = useCursorList<AuditEntry>(
    ['audit', query],
    (cursor, signal) => api.call(auditRoutes.list, { query: { ...query, cursor }, signal }),
    // The trail grows all the time: what is cached shows at once, and is refreshed behind it.
    { enabled: query !== null, staleTime: 0 },
  );
  const keys = useCursorList(['api-keys'], (cursor, signal) => api.call(apiKeyRoutes.list, { query: { cursor, limit: 100 }, signal }), {
    enabled: can('apikeys:read'),
  });
  const keyNames = useMemo(() => new Map(keys.items.map((k) => [k.id, k.name])), [keys.items]);
  const users = useCursorList(['users'], (cursor, signal) => api.call(userRoutes.list, { query: { cursor, limit: 100 }, signal }), {
    enabled: can('users:read'),
  });
  const userEmails = useMemo(() => new Map(users.items.map((u) => [u.id, u.email])), [users.items]);
  /** What an id in a target names, when the console knows it: a user's email, a key's name. */
  const nameOf = (id: string | undefined) => (id === undefined ? undefined : (userEmails.get(id) ?? keyNames.get(id)));
  const filtered = filters.actor !== '' || filters.action !== '' || filters.result !== '';

  const actorLabel = (actor: AuditEntry['actor']) => {
    if (actor.type === 'system') return 'System';
    if (actor.type === 'apiKey') return `API key · ${keyNames.get(actor.id) ?? actor.id}`;
    return actor.email ?? actor.id;
  };

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change made in your organization, and every refused attempt: who, what, when and how it ended."
        actions={
          <Button onClick={() => setFilters((f) => ({ ...f, from: since(f.period) }))} busy={list.isFetching && !list.isFetchingNextPage && !list.isPending}>
            Refresh
          </Button>
        }
      />
      <Card>
        <form
          className="toolbar"
          aria-label="Filter the audit log"
          onSubmit={(e) => {
            e.preventDefault();
            setFilters((f) => ({ ...f, actor: actorDraft.trim() }));
          }}
        >
          <Field label="Period">
            {(props) => (
              <select {...props} value={filters.period} onChange={(e) => setFilters((f) => ({ ...f, period: e.target.value as Period, from: since(e.target.value as Period) }))}>
                {PERIODS.map((p) => (
                  <option key={p.value} value={p.value}>
                    {p.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Action">
            {(props) => (
              <select {...props} value={filters.action} onChange={(e) => setFilters((f) => ({ ...f, action: e.target.value }))}>
                <option value="">All actions</option>
                {AUDITED_ACTIONS.map((a) => (
                  <option key={a} value={a}>
                    {humanizeOperation(a)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Outcome">
            {(props) => (
              <select {...props} value={filters.result} onChange={(e) => setFilters((f) => ({ ...f, result: e.target.value as Filters['result'] }))}>
                <option value="">All outcomes</option>
                {(Object.keys(RESULT_LABELS) as AuditResult[]).map((r) => (
                  <option key={r} value={r}>
                    {RESULT_LABELS[r]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Actor" error={parsed.success ? undefined : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}>
            {(props) => (
              <input {...props} type="search" placeholder="Email or ID" value={actorDraft} onChange={(e) => setActorDraft(e.target.value)} />
            )}
          </Field>
          <Button type="submit">Apply</Button>
          {filtered || actorDraft ? (
            <Button
              variant="ghost"
              onClick={() => {
                setActorDraft('');
                setFilters((f) => ({ ...f, actor: '', action: '', result: '' }));
              }}
            >
              Clear filters
            </Button>
          ) : null}
        </form>
      </Card>
      <Card>
        {query === null ? (
          <EmptyState title="Check the filters">Correct the highlighted filter to see entries.</EmptyState>
        ) : list.isPending ? (
          <Loading rows={8} label="Loading the audit log" />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState title={filtered ? 'No entries match these filters' : 'No activity in this period'}>
            {filtered ? 'Try a longer period or fewer filters.' : 'Changes made in your organization appear here.'}
          </EmptyState>
        ) : (
          <>
            <div className="table-wrap">
              <table className="table" aria-label="Audit log">
                <thead>
                  <tr>
                    <th scope="col">
                      <span className="visually-hidden">Details</span>
                    </th>
                    <th scope="col">Time ({zone})</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Action</th>
                    <th scope="col">Target</th>
                    <th scope="col">Outcome</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((entry) => {
                    const open = expanded === entry.id;
                    return (
                      <Fragment key={entry.id}>
                        <tr data-action={entry.action}>
                          <td>
                            <button
                              type="button"
                              className="expand-btn"
                              aria-expanded={open}
                              aria-controls={`audit-${entry.id}`}
                              aria-label={`Details of ${humanizeOperation(entry.action)} at ${formatDateTime(entry.time, zone)}`}
                              onClick={() => setExpanded(open ? null : entry.id)}
                            >
                              {open ? '▾' : '▸'}
                            </button>
                          </td>
                          <td className="cell-sub">{formatDateTime(entry.time, zone)}</td>
                          <td>{actorLabel(entry.actor)}</td>
                          <td>
                            <div className="cell-primary">{humanizeOperation(entry.action)}</div>
                            <div className="cell-sub">
                              <code>{entry.action}</code>
                            </div>
                          </td>
                          <td>
                            <div className="target-path">{targetOf(entry)}</div>
                            {nameOf(entry.target.params.id) ? <div className="cell-sub">{nameOf(entry.target.params.id)}</div> : null}
                          </td>
                          <td>
                            <Badge tone={RESULT_TONES[entry.result]}>{RESULT_LABELS[entry.result]}</Badge>
                          </td>
                        </tr>
                        {open ? (
                          <tr className="audit-detail" id={`audit-${entry.id}`}>
                            <td />
                            <td colSpan={5}>
                              <AuditDetail entry={entry} />
                            </td>
                          </tr>
                        ) : null}
                      </Fragment>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <div className="list-footer">
              <span className="muted">
                {items.length} {items.length === 1 ? 'entry' : 'entries'}
                {list.hasNextPage ? ' so far' : ''}
              </span>
              <LoadMore query={list} />
            </div>
          </>
        )}
      </Card>
    </>
  );
}

function targetOf(entry: AuditEntry): string {
  return entry.target.path.replace(/\{(\w+)\}/g, (whole, name: string) => entry.target.params[name] ?? whole);
}

function AuditDetail({ entry }: { entry: AuditEntry }) {
  const params = Object.entries(entry.target.params);
  return (
    <dl className="details">
      <dt>Exact time (UTC)</dt>
      <dd>
        <code>{entry.time}</code>
      </dd>
      <dt>Actor</dt>
      <dd>
        {entry.actor.type === 'apiKey' ? 'API key' : entry.actor.type === 'user' ? 'User' : 'System'} <code>{entry.actor.id}</code>
        {entry.actor.email ? ` (${entry.actor.email})` : ''}
      </dd>
      <dt>Route</dt>
      <dd>
        <code>{entry.target.path}</code>
      </dd>
      {params.length > 0 ? (
        <>
          <dt>Parameters</dt>
          <dd>
            {params.map(([k, v]) => (
              <div key={k}>
                <code>
                  {k} = {v}
                </code>
              </div>
            ))}
          </dd>
        </>
      ) : null}
      <dt>HTTP status</dt>
      <dd>{entry.statusCode}</dd>
      {entry.reason ? (
        <>
          <dt>{entry.result === 'denied' ? 'Missing permission' : 'Reason'}</dt>
          <dd>
            <code>{entry.reason}</code>
          </dd>
        </>
      ) : null}
      <dt>Source IP</dt>
      <dd>{entry.sourceIp ?? <span className="muted">Unknown</span>}</dd>
      <dt>Request ID</dt>
      <dd>
        <code>{entry.requestId}</code>
      </dd>
    </dl>
  );
}
