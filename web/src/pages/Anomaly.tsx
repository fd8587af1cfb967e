import { Link, useParams } from 'react-router';
import { useTimeZone } from '../app/context.js';
import { FEEDBACK_LABELS, formatSpan, MONITOR_LABELS, seriesLabel, SeverityBadge, spanDays, StatusBadge, type AnomalyDetail, type Contributor } from '../anomalies/labels.js';
import { useAnomaly } from '../anomalies/queries.js';
import { Triage } from '../anomalies/Triage.js';
import AnomalySeriesChart from '../charts/AnomalySeriesChart.js';
import ContributorsChart from '../charts/ContributorsChart.js';
import { formatDateTime, formatMoney, formatNumber } from '../format.js';
import { Card, EmptyState, ErrorState, Loading, PageHeader, Stat } from '../ui/index.js';
import '../anomalies/anomalies.css';

/**
 * One anomaly: the series around it (actual against expected, the anomalous days highlighted), what
 * drove it (contributors ranked by dollar delta, as a chart and a table) and its triage.
 */
export default function Anomaly() {
  const { id = '' } = useParams();
  const query = useAnomaly(id);
  return (
    <>
      <nav aria-label="Breadcrumb" className="anomaly-breadcrumb">
        <Link to="/anomalies">← Anomalies</Link>
      </nav>
      {query.isPending ? (
        <>
          <PageHeader title="Anomaly" />
          <Loading rows={8} label="Loading the anomaly" />
        </>
      ) : query.isError ? (
        <>
          <PageHeader title="Anomaly" />
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        </>
      ) : (
        <AnomalyView anomaly={query.data} />
      )}
    </>
  );
}

function AnomalyView({ anomaly: a }: { anomaly: AnomalyDetail }) {
  const timeZone = useTimeZone();
  const days = spanDays(a.startDate, a.endDate);
  const span = formatSpan(a.startDate, a.endDate);
  const accountNames = new Map(a.contributors.filter((c) => c.accountName).map((c) => [c.account, c.accountName!]));
  return (
    <>
      <PageHeader
        title={a.monitor === 'total' ? 'Anomaly in total spend' : `Anomaly in ${a.dimensionName}`}
        description={
          <>
            {a.monitor === 'total' ? 'Tenant total' : MONITOR_LABELS[a.monitor]} · <span data-testid="anomaly-span">{span}</span> ({days} {days === 1 ? 'day' : 'days'}) · detected{' '}
            <time dateTime={a.detectedAt}>{formatDateTime(a.detectedAt, timeZone)}</time>
          </>
        }
        actions={
          <span className="anomaly-meta">
            <SeverityBadge severity={a.severity} />
            <StatusBadge status={a.status} />
            {a.feedback ? <span className="badge">{FEEDBACK_LABELS[a.feedback]}</span> : null}
          </span>
        }
      />

      <div className="anomaly-cause-callout" data-testid="anomaly-root-cause">
        <div>
          <strong>Root cause</strong>
          <p>{a.rootCause}</p>
        </div>
      </div>

      <div className="grid grid-4">
        <Stat
          testId="stat-impact"
          label="Cost above expected"
          value={<span data-testid="anomaly-impact">{formatMoney(a.impact, a.currency)}</span>}
          detail={`${formatMoney(a.impactPerDay, a.currency)} per day over ${days} ${days === 1 ? 'day' : 'days'}`}
          tone="up"
        />
        <Stat
          testId="stat-actual"
          label={`Actual, ${span}`}
          value={<span data-testid="anomaly-actual">{formatMoney(a.actual, a.currency)}</span>}
          detail={<span data-testid="anomaly-expected">expected {formatMoney(a.expected, a.currency)}</span>}
        />
        <Stat testId="stat-score" label="Peak score" value={`${formatNumber(a.score)} σ`} detail="robust standard deviations above the expected" />
        <Stat
          testId="stat-flagged"
          label="Flagged in"
          value={`${a.flaggedBy.length} ${a.flaggedBy.length === 1 ? 'series' : 'series'}`}
          detail={a.flaggedBy.map((f) => (f.monitor === 'total' ? 'total' : MONITOR_LABELS[f.monitor].toLowerCase())).join(', ')}
        />
      </div>

      <div className="anomaly-layout">
        <Card title={`Daily cost of ${a.monitor === 'total' ? 'total spend' : a.dimensionName}`}>
            {a.series.length ? (
              <AnomalySeriesChart
                series={a.series}
                startDate={a.startDate}
                endDate={a.endDate}
                currency={a.currency}
                label={`Daily cost of ${seriesLabel(a)} from ${formatSpan(a.series[0]!.date, a.series.at(-1)!.date)}, actual against expected; anomalous ${span}.`}
              />
            ) : (
              <EmptyState title="No series to draw">The cost data around this anomaly is no longer available.</EmptyState>
            )}
        </Card>
        <div className="grid">
          <Triage anomaly={a} />
          <Card title="Flagged by">
            <ul className="anomaly-flagged" data-testid="flagged-by">
              {a.flaggedBy.map((f) => (
                <li key={`${f.monitor}:${f.dimensionValue}`} className="chip">
                  {f.monitor === 'total' ? 'Total spend' : `${MONITOR_LABELS[f.monitor]}: ${f.monitor === 'account' ? (accountNames.get(f.dimensionValue) ?? f.dimensionValue) : f.dimensionValue}`}
                </li>
              ))}
            </ul>
            <p className="muted anomaly-sub">Every series in which this jump stood out. The contributors below explain it cell by cell.</p>
          </Card>
        </div>
      </div>

      <Card title="What drove it" actions={<span className="muted anomaly-sub">Cost per anomalous day against the expected, largest change first</span>}>
        {a.contributors.length ? (
          <Contributors contributors={a.contributors} currency={a.currency} />
        ) : (
          <EmptyState title="No contributors">No single service, account, region and usage type moved enough to name.</EmptyState>
        )}
      </Card>
    </>
  );
}

const contributorName = (c: Contributor) => `${c.usageType || c.service} · ${c.accountName ?? c.account}`;

function Contributors({ contributors, currency }: { contributors: Contributor[]; currency: string }) {
  return (
    <>
      <ContributorsChart
        currency={currency}
        contributors={contributors.map((c, i) => ({ key: String(i), name: contributorName(c), description: c.description, delta: c.delta }))}
        label={`Contributors ranked by cost per day above the expected: ${contributors.map((c) => c.description).join('; ')}`}
      />
      <div className="table-wrap">
        <table className="table anomaly-contributors" data-testid="contributors">
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Account</th>
              <th scope="col">Region</th>
              <th scope="col">Usage type</th>
              <th scope="col" className="num">
                Actual / day
              </th>
              <th scope="col" className="num">
                Expected / day
              </th>
              <th scope="col" className="num">
                Change / day
              </th>
            </tr>
          </thead>
          <tbody>
            {contributors.map((c, i) => {
              const delta = Number(c.delta);
              return (
                <tr key={i} data-testid="contributor">
                  <td>{c.service}</td>
                  <td>
                    {c.accountName ?? c.account}
                    {c.accountName ? <div className="muted anomaly-sub mono">{c.account}</div> : null}
                  </td>
                  <td>{c.region || <span className="muted">(none)</span>}</td>
                  <td className="mono">{c.usageType || <span className="muted">(none)</span>}</td>
                  <td className="num">{formatMoney(c.actual, currency)}</td>
                  <td className="num">{formatMoney(c.expected, currency)}</td>
                  <td className={`num anomaly-delta ${delta > 0 ? 'up' : delta < 0 ? 'down' : ''}`}>
                    {delta > 0 ? '+' : ''}
                    {formatMoney(c.delta, currency)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
