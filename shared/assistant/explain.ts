import { createHash } from 'node:crypto';
import type { Anomaly } from '../analysis/model.js';
import { percent } from '../costs/query.js';
import { daysBetween } from '../costs/dates.js';
import { formatDecimal, parseDecimal, roundHalfEven } from '../money.js';
import type { StoredRecommendation } from '../recommendations/lifecycle.js';
import type { ExplanationSourceName } from './constants.js';
import { checkGrounding } from './grounding.js';

/**
 * Explanations of one recommendation or anomaly (POST /v1/recommendations/{id}/explain,
 * /v1/anomalies/{id}/explain). The item's own data, read by the stores the GET routes use, is the
 * only source: the Bedrock engine gets it as a tool result, the local engine renders it with a fixed
 * template. Either text is checked against the same data (grounding.ts). The facts' hash is the
 * item's version for the cache: any change to what the explanation is built from (status,
 * feedback, figures, a re-analysis that changed the finding) is a new version.
 */
export type ExplainKind = 'recommendation' | 'anomaly';

export interface ExplanationSource {
  tool: ExplanationSourceName;
  input: { id: string };
  summary: string;
  values: Record<string, string>;
  error: null;
}

export interface ExplanationFacts {
  kind: ExplainKind;
  id: string;
  /** What the engine reads, one entry per source (same order as `sources`). */
  data: Record<string, unknown>[];
  sources: ExplanationSource[];
  /** sha256 of the data: the cache's item version. */
  version: string;
}

const versionOf = (data: unknown): string => createHash('sha256').update(JSON.stringify(data)).digest('base64url').slice(0, 32);

// ---- Recommendations ----

export function recommendationFacts(rec: StoredRecommendation, billedMonthlyCost: string | null): ExplanationFacts {
  const f = rec.finding;
  const detail = {
    id: rec.id,
    title: rec.title,
    category: rec.category,
    status: rec.status,
    resourceId: f.resourceId,
    resourceName: f.resourceName,
    resourceType: f.resourceType,
    accountId: f.accountId,
    region: f.region,
    actionType: f.actionType,
    reason: f.reason,
    currency: 'USD',
    current: { summary: f.current.summary, monthlyCost: f.current.monthlyCost },
    recommended: { summary: f.recommended.summary, monthlyCost: f.recommended.monthlyCost },
    source: f.source,
    updatedAt: rec.updatedAt,
  };
  const impact = {
    id: rec.id,
    currency: 'USD',
    estimatedMonthlySavings: f.estimatedMonthlySavings,
    estimatedAnnualSavings: f.estimatedAnnualSavings,
    estimatedSavingsPercentage: f.estimatedSavingsPercentage,
    priceBasis: f.priceBasis,
    priceSource: f.priceSource,
    billedMonthlyCost,
    risk: f.risk,
    implementationEffort: f.effort,
    restartNeeded: f.restartNeeded,
    rollbackPossible: f.rollbackPossible,
    actions: f.actions,
    realizedMonthlySavings: rec.realized?.realizedMonthlySavings ?? null,
  };
  const data = [detail, impact];
  return {
    kind: 'recommendation',
    id: rec.id,
    data,
    sources: [
      {
        tool: 'recommendation',
        input: { id: rec.id },
        summary: `${rec.title} (${rec.status}) on ${f.resourceName ?? f.resourceId}`,
        values: { 'current.monthlyCost': f.current.monthlyCost, 'recommended.monthlyCost': f.recommended.monthlyCost },
        error: null,
      },
      {
        tool: 'recommendation_impact',
        input: { id: rec.id },
        summary: `${f.estimatedMonthlySavings} USD a month estimated savings (${f.priceBasis})`,
        values: {
          estimatedMonthlySavings: f.estimatedMonthlySavings,
          estimatedAnnualSavings: f.estimatedAnnualSavings,
          estimatedSavingsPercentage: f.estimatedSavingsPercentage,
          ...(billedMonthlyCost !== null ? { billedMonthlyCost } : {}),
        },
        error: null,
      },
    ],
    version: versionOf(data),
  };
}

const ACTIONS: Record<string, string> = {
  Rightsize: 'resize it to what it uses',
  Stop: 'stop it',
  Delete: 'delete it',
  Upgrade: 'move it to a newer generation',
  MigrateToGraviton: 'move it to Graviton',
  PurchaseSavingsPlans: 'buy a Savings Plan',
  PurchaseReservedInstances: 'buy Reserved Instances',
  SetRetention: 'set a retention period',
  AddLifecyclePolicy: 'add a lifecycle policy',
};

const BASES: Record<string, string> = {
  'billed-resource-cost': "the resource's own billed cost",
  'effective-rate': "the organization's effective rates",
  'list-price': 'list prices',
};

/** An amount in cents, for reading ("156.2784" -> "156.28"; money's half-to-even rounding). */
const cents = (amount: string): string => formatDecimal(roundHalfEven(parseDecimal(amount), 2), { minFractionDigits: 2, maxFractionDigits: 2 });

const sentence = (s: string) => {
  const t = s.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
};

/** The local engine's explanation: what, why (the evidence), savings and basis, risk, first action. */
export function localRecommendationText(facts: ExplanationFacts): string {
  const [d, i] = facts.data as [Record<string, any>, Record<string, any>];
  const name = d.resourceName ? `${d.resourceName} (${d.resourceId})` : d.resourceId;
  const where = d.resourceType === 'account' ? `account ${d.accountId}` : `${d.resourceType} ${name} in account ${d.accountId}, ${d.region}`;
  const action = ACTIONS[d.actionType as string] ?? `${String(d.actionType).toLowerCase()} it`;
  const parts = [
    `${sentence(`${d.title}: the recommendation is to ${action} (${where}; status ${d.status})`)}`,
    `Why: ${sentence(d.reason)}`,
    `It would save an estimated ${i.estimatedMonthlySavings} USD a month (${i.estimatedAnnualSavings} USD a year, ${i.estimatedSavingsPercentage}% of the current ${d.current.monthlyCost} USD a month), priced on ${BASES[i.priceBasis as string] ?? i.priceBasis}.`,
  ];
  // Priced on something else than its bill: what it really cost last month, to compare (in cents; the data holds the exact figure).
  if (i.billedMonthlyCost !== null && i.priceBasis !== 'billed-resource-cost') parts.push(`Its billed cost over the last full month comes to ${cents(i.billedMonthlyCost)} USD a month.`);
  parts.push(`Risk is ${String(i.risk).toLowerCase()} and effort ${String(i.implementationEffort).toLowerCase()}; ${i.restartNeeded ? 'it needs a restart' : 'no restart is needed'}, and ${i.rollbackPossible ? 'it can be rolled back' : 'it cannot be rolled back'}.`);
  const first = (i.actions as string[])[0];
  if (first) {
    // A step that would quote a figure the data does not hold (a step is text, not a figure) is named by its place only.
    const step = `First step: ${sentence(first)}`;
    parts.push(checkGrounding(step, facts.data).ungrounded.length === 0 ? step : `The first of its ${(i.actions as string[]).length} steps is in the recommendation's actions.`);
  }
  return parts.join(' ');
}

// ---- Anomalies ----

export function anomalyFacts(a: Anomaly): ExplanationFacts {
  const over = parseDecimal(a.actual) - parseDecimal(a.expected);
  const series = a.series ?? [];
  const lastDay = series.length ? series[series.length - 1]!.date : a.endDate;
  const detail = {
    id: a.id,
    status: a.status,
    severity: a.severity,
    feedback: a.feedback,
    suppressed: a.suppressed,
    monitor: a.monitor,
    series: a.dimensionName,
    startDate: a.startDate,
    endDate: a.endDate,
    days: daysBetween(a.startDate, a.endDate) + 1,
    currency: a.currency,
    actual: a.actual,
    expected: a.expected,
    impact: a.impact,
    impactPerDay: a.impactPerDay,
    percentAboveExpected: percent(over, parseDecimal(a.expected)),
    score: a.score,
    rootCause: a.rootCause,
    contributors: a.contributors.slice(0, 3).map((c) => ({ service: c.service, account: c.accountName ?? c.account, region: c.region, usageType: c.usageType, actual: c.actual, expected: c.expected, delta: c.delta, description: c.description })),
    contributorCount: a.contributors.length,
    lastDayWithData: lastDay,
    ongoing: a.endDate >= lastDay,
    updatedAt: a.updatedAt,
  };
  const data = [detail];
  return {
    kind: 'anomaly',
    id: a.id,
    data,
    sources: [
      {
        tool: 'anomaly',
        input: { id: a.id },
        summary: `${a.severity} anomaly in ${a.dimensionName}, ${a.startDate} to ${a.endDate}: ${a.impact} ${a.currency} above expected`,
        values: { impact: a.impact, impactPerDay: a.impactPerDay, actual: a.actual, expected: a.expected, ...Object.fromEntries(detail.contributors.map((c, n) => [`contributor.${n + 1}.delta`, c.delta])) },
        error: null,
      },
    ],
    version: versionOf(data),
  };
}

/** The local engine's explanation: when, how much above expected, top contributors, whether it is still going on. */
export function localAnomalyText(facts: ExplanationFacts): string {
  const [d] = facts.data as [Record<string, any>];
  const when = d.startDate === d.endDate ? `On ${d.startDate}` : `From ${d.startDate} to ${d.endDate} (${d.days} days)`;
  const pct = d.percentAboveExpected !== null ? ` (${d.percentAboveExpected}% above)` : '';
  const parts = [
    `${when}, ${d.series === 'Total' ? 'total' : d.series} cost was ${d.actual} ${d.currency} against an expected ${d.expected} ${d.currency}${pct}: ${d.impact} ${d.currency} more than expected, ${d.impactPerDay} ${d.currency} a day (${String(d.severity)} severity).`,
  ];
  // Contributors that added nothing a day are left out of the text (the data still lists them).
  const top = (d.contributors as Array<{ description: string; delta: string }>).filter((c) => parseDecimal(c.delta) > 0n && parseDecimal(cents(c.delta)) > 0n);
  const label = top.length === 1 ? 'The largest contributor' : top.length === d.contributorCount ? 'The contributors' : `The top ${top.length} of ${d.contributorCount} contributors`;
  if (top.length) parts.push(`${label}: ${top.map((c) => c.description).join('; ')}.`);
  else parts.push(`Root cause: ${sentence(d.rootCause)}`);
  parts.push(
    d.ongoing
      ? `It is still going on: the last day with data, ${d.lastDayWithData}, was part of it.`
      : `It is over: the days after ${d.endDate} (data through ${d.lastDayWithData}) were not anomalous.`,
  );
  const feedback = d.feedback ? ` and marked ${d.feedback}` : '';
  parts.push(
    d.suppressed
      ? 'It is ignored: an earlier anomaly of the same cause was marked expected.'
      : d.status === 'active'
        ? `Nobody has reviewed it yet (status active${feedback}).`
        : `It has been ${d.status === 'ignored' ? 'marked ignored' : d.status}${feedback}.`,
  );
  return parts.join(' ');
}

export const localTextOf = (facts: ExplanationFacts): string => (facts.kind === 'recommendation' ? localRecommendationText(facts) : localAnomalyText(facts));
