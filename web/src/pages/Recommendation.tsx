import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { useAccounts } from '../accounts/queries.js';
import { useTimeZone } from '../app/context.js';
import { formatDateTime, formatMoney, formatPercent } from '../format.js';
import {
  ACTION_LABELS,
  CATEGORY_LABELS,
  configValue,
  EffortBadge,
  humanizeKey,
  PRICE_BASIS_LABELS,
  RESOURCE_TYPE_LABELS,
  RiskBadge,
  SOURCE_LABELS,
  StatusBadge,
  type Impact,
  type RecommendationDetail,
} from '../recommendations/labels.js';
import { Lifecycle } from '../recommendations/Lifecycle.js';
import { useImpact, useRecommendation } from '../recommendations/queries.js';
import { Badge, Card, ErrorState, Loading, PageHeader, Stat } from '../ui/index.js';
import '../recommendations/recommendations.css';

/**
 * One recommendation: the evidence, the impact preview (configuration and monthly cost before and
 * after, where the prices came from), the steps a remediation would take, its realized savings once
 * applied, and its lifecycle (dismiss, snooze, reopen, apply, owner) for the roles that may change it.
 */
export default function Recommendation() {
  const { id = '' } = useParams();
  const query = useRecommendation(id);
  return (
    <>
      <nav aria-label="Breadcrumb" className="rec-breadcrumb">
        <Link to="/recommendations">← Recommendations</Link>
      </nav>
      {query.isPending ? (
        <>
          <PageHeader title="Recommendation" />
          <Loading rows={8} label="Loading the recommendation" />
        </>
      ) : query.isError ? (
        <>
          <PageHeader title="Recommendation" />
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        </>
      ) : (
        <RecommendationView rec={query.data} />
      )}
    </>
  );
}

function RecommendationView({ rec }: { rec: RecommendationDetail }) {
  const timeZone = useTimeZone();
  const impact = useImpact(rec.id);
  const accounts = useAccounts();
  const accountName = accounts.items.find((a) => a.id === rec.accountId)?.name;
  const resourceLabel = rec.resourceName ?? rec.resourceId;
  return (
    <>
      <PageHeader
        title={rec.title}
        description={
          <>
            {RESOURCE_TYPE_LABELS[rec.resourceType]}{' '}
            {rec.resourceRef ? (
              <Link to={`/resources/${encodeURIComponent(rec.resourceRef)}`} data-testid="resource-link">
                {resourceLabel}
              </Link>
            ) : (
              <strong>{resourceLabel}</strong>
            )}{' '}
            · {accountName ? `${accountName} (${rec.accountId})` : rec.accountId} · {rec.region} · found <time dateTime={rec.firstSeenAt}>{formatDateTime(rec.firstSeenAt, timeZone)}</time>
          </>
        }
        actions={
          <span className="rec-meta">
            <StatusBadge status={rec.status} />
            <RiskBadge risk={rec.risk} />
            <EffortBadge effort={rec.implementationEffort} />
            <Badge tone="info">{CATEGORY_LABELS[rec.category]}</Badge>
          </span>
        }
      />

      <div className="rec-evidence" data-testid="rec-reason">
        <div>
          <strong>Why</strong>
          <p>{rec.reason}</p>
        </div>
      </div>

      <div className="grid grid-4">
        <Stat
          testId="stat-rec-monthly"
          label="Estimated savings per month"
          value={<span data-testid="rec-monthly">{formatMoney(rec.estimatedMonthlySavings, rec.currency)}</span>}
          detail={`${formatPercent(rec.estimatedSavingsPercentage)} of its ${formatMoney(rec.currentMonthlyCost, rec.currency)} a month`}
          tone="down"
        />
        <Stat testId="stat-rec-annual" label="Estimated savings per year" value={<span data-testid="rec-annual">{formatMoney(rec.estimatedAnnualSavings, rec.currency)}</span>} />
        <Stat
          testId="stat-rec-realized"
          label="Realized savings per month"
          value={
            <span data-testid="rec-realized">
              {rec.realizedMonthlySavings !== null ? formatMoney(rec.realizedMonthlySavings, rec.currency) : <span className="muted">—</span>}
            </span>
          }
          detail={
            rec.status !== 'applied'
              ? 'Measured from billing once applied'
              : rec.realizedMonthlySavings === null
                ? 'Applied: waiting for billing after the change'
                : `confirmed by billing, against ${formatMoney(rec.estimatedMonthlySavings, rec.currency)} estimated`
          }
          tone={rec.realizedMonthlySavings !== null ? 'down' : undefined}
        />
        <Stat label="Action" value={<span className="rec-stat-text">{ACTION_LABELS[rec.actionType]}</span>} detail={`${rec.restartNeeded ? 'Restart needed' : 'No restart'} · ${rec.rollbackPossible ? 'can be rolled back' : 'cannot be rolled back'}`} />
      </div>

      <div className="rec-layout">
        <div className="rec-column">
          <Card title="Impact preview" actions={<span className="muted rec-sub">Before and after the change</span>}>
            {impact.isPending ? (
              <Loading rows={5} label="Loading the impact preview" />
            ) : impact.isError ? (
              <ErrorState error={impact.error} onRetry={() => void impact.refetch()} />
            ) : (
              <ImpactPreview impact={impact.data} />
            )}
          </Card>
          <Card title="What a remediation would do">
            {rec.actions.length ? (
              <ol className="rec-steps" data-testid="remediation-steps">
                {rec.actions.map((step, i) => (
                  <li key={i}>{step}</li>
                ))}
              </ol>
            ) : (
              <p className="muted">No steps recorded.</p>
            )}
            <dl className="rec-facts" style={{ marginTop: 14 }}>
              <dt>Restart needed</dt>
              <dd data-testid="restart-needed">{rec.restartNeeded ? 'Yes: the resource is unavailable while it changes' : 'No'}</dd>
              <dt>Rollback possible</dt>
              <dd data-testid="rollback-possible">{rec.rollbackPossible ? 'Yes: the change can be undone' : 'No: the change cannot be undone (deleted data is gone)'}</dd>
            </dl>
          </Card>
          {rec.realized ? <Realized rec={rec} /> : null}
        </div>
        <div className="rec-column">
          <Lifecycle rec={rec} />
          <Card title="Details">
            <dl className="rec-facts">
              <Fact label="Resource">
                {rec.resourceRef ? <Link to={`/resources/${encodeURIComponent(rec.resourceRef)}`}>{resourceLabel}</Link> : resourceLabel}
                {rec.resourceName && rec.resourceName !== rec.resourceId ? <div className="rec-mono muted rec-wrap">{rec.resourceId}</div> : null}
              </Fact>
              <Fact label="Type">{RESOURCE_TYPE_LABELS[rec.resourceType]}</Fact>
              <Fact label="Account">
                {accountName ?? rec.accountId}
                {accountName ? <div className="rec-mono muted">{rec.accountId}</div> : null}
              </Fact>
              <Fact label="Region">{rec.region}</Fact>
              <Fact label="Category">{CATEGORY_LABELS[rec.category]}</Fact>
              <Fact label="Source">
                <span data-testid="rec-source">{SOURCE_LABELS[rec.source]}</span>
                {rec.alsoReportedBy.length ? (
                  <div className="muted" data-testid="rec-also-reported">
                    Also reported by {rec.alsoReportedBy.map((s) => SOURCE_LABELS[s]).join(' and ')}
                  </div>
                ) : null}
              </Fact>
              <Fact label="Rule">
                <Link to="/settings/recommendations" className="rec-mono">
                  {rec.ruleId}
                </Link>
              </Fact>
              <Fact label="First found">{formatDateTime(rec.firstSeenAt, timeZone)}</Fact>
              <Fact label="Last analysed">{formatDateTime(rec.analyzedAt, timeZone)}</Fact>
              <Fact label="Last changed">{formatDateTime(rec.updatedAt, timeZone)}</Fact>
            </dl>
          </Card>
        </div>
      </div>
    </>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function ImpactPreview({ impact: i }: { impact: Impact }) {
  const keys = [...new Set([...Object.keys(i.current.config), ...Object.keys(i.recommended.config)])];
  return (
    <div data-testid="impact">
      <div className="rec-compare">
        <ConfigBox title="Now" side={i.current} keys={keys} currency={i.currency} testId="impact-current" />
        <span className="rec-compare-arrow" aria-hidden="true">
          →
        </span>
        <ConfigBox title="After" side={i.recommended} keys={keys} currency={i.currency} testId="impact-recommended" after />
      </div>
      <div className="rec-savings-line">
        <span>
          Saves <strong data-testid="impact-monthly">{formatMoney(i.estimatedMonthlySavings, i.currency)}</strong> a month
        </span>
        <span>
          <span data-testid="impact-annual">{formatMoney(i.estimatedAnnualSavings, i.currency)}</span> a year
        </span>
        <span className="muted">
          <span data-testid="impact-percent">{formatPercent(i.estimatedSavingsPercentage)}</span> of the current cost
        </span>
      </div>
      <p className="rec-price" data-testid="price-basis" data-price-basis={i.priceBasis}>
        Priced {PRICE_BASIS_LABELS[i.priceBasis]}. <span className="muted">Source: </span>
        <span data-testid="price-source">{i.priceSource}</span>
      </p>
      <p className="rec-price muted" data-testid="billed-monthly">
        {i.billedMonthlyCost !== null
          ? `Billing shows ${formatMoney(i.billedMonthlyCost, i.currency)} a month for this resource (its recent billed cost, scaled to a month).`
          : 'Billing does not name this resource, so its own billed cost is not known.'}
      </p>
    </div>
  );
}

function ConfigBox({
  title,
  side,
  keys,
  currency,
  testId,
  after,
}: {
  title: string;
  side: Impact['current'];
  keys: string[];
  currency: string;
  testId: string;
  after?: boolean;
}) {
  return (
    <section className={`rec-config${after ? ' after' : ''}`} data-testid={testId} aria-label={`${title}: ${side.summary}`}>
      <h3>{title}</h3>
      <div className="rec-config-summary" data-testid={`${testId}-summary`}>
        {side.summary}
      </div>
      <div className="rec-config-cost">
        <span data-testid={`${testId}-cost`}>{formatMoney(side.monthlyCost, currency)}</span> <small>/ month</small>
      </div>
      {keys.length ? (
        <dl>
          {keys.map((k) => (
            <Fact key={k} label={humanizeKey(k)}>
              {k in side.config ? configValue(side.config[k] ?? null) : '—'}
            </Fact>
          ))}
        </dl>
      ) : null}
    </section>
  );
}

function Realized({ rec }: { rec: RecommendationDetail }) {
  const timeZone = useTimeZone();
  const r = rec.realized!;
  return (
    <Card title="Realized savings" actions={<span className="muted rec-sub">Confirmed from billing after it was applied</span>}>
      <div className="rec-realized" data-testid="realized">
        <Stat label="Estimated per month" value={formatMoney(rec.estimatedMonthlySavings, rec.currency)} detail="when it was applied" />
        <Stat
          label="Realized per month"
          value={r.realizedMonthlySavings !== null ? formatMoney(r.realizedMonthlySavings, rec.currency) : <span className="muted">—</span>}
          detail={r.measuredAt ? `measured ${formatDateTime(r.measuredAt, timeZone)}` : 'once billing covers a day after'}
          tone={r.realizedMonthlySavings !== null ? 'down' : undefined}
        />
        <Stat
          label="Cost per day before"
          value={formatMoney(r.baselineDailyCost, rec.currency)}
          detail={r.baselineDays ? `average of ${r.baselineDays} billed days` : 'billing had no cost for it'}
        />
        <Stat
          label="Cost per day after"
          value={r.afterDailyCost !== null ? formatMoney(r.afterDailyCost, rec.currency) : <span className="muted">—</span>}
          detail={r.afterDays ? `average of ${r.afterDays} billed days` : 'no billed day since yet'}
        />
      </div>
    </Card>
  );
}
