import { Conflict } from '../errors.js';
import { resourceKey } from '../inventory/store.js';
import { formatDecimal, parseDecimal } from '../money.js';
import { HOURS_PER_MONTH, type Category, type Finding, type RecommendationSource, type RecommendationStatus } from './model.js';

/**
 * The recommendation lifecycle, pure: what an analysis does to the stored recommendations
 * (reconcile) and what each user action may do (transitions). The store (store.ts) persists it.
 *
 *   new finding            -> open
 *   finding again          -> figures updated; open, snoozed and dismissed keep their status
 *                             (a snooze past its date opens again; applied keeps its figures)
 *   finding gone           -> resolved, unless dismissed or applied (those are the user's)
 *   resolved, finding back -> open again, same id
 */

/** Savings confirmed from billing after a recommendation was applied. */
export interface Realized {
  baselineDailyCost: string;
  baselineDays: number;
  afterDailyCost: string | null;
  afterDays: number;
  realizedMonthlySavings: string | null;
  measuredAt: string | null;
}

export interface StoredRecommendation {
  id: string;
  resourceKey: string;
  ruleId: string;
  title: string;
  category: Category;
  status: RecommendationStatus;
  finding: Finding;
  firstSeenAt: string;
  /** Last change of figures or status. */
  updatedAt: string;
  /** Last analysis that found it, or resolved it. */
  analyzedAt: string;
  statusChangedAt: string | null;
  /** null when an analysis changed the status. */
  statusChangedBy: string | null;
  /** Assigned owner (a person or team); the inferred one is finding.inferredOwner. */
  owner: string | null;
  dismissReason: string | null;
  snoozedUntil: string | null;
  appliedAt: string | null;
  realized: Realized | null;
  /** Optimistic concurrency: every write checks the version it read. */
  version: number;
}

export const recommendationIdOf = (ruleId: string, resourceId: string): string => `${ruleId}_${resourceKey(resourceId)}`;

/** The rule and resource key of an id (`<rule>_<27-character key>`). */
export function parseRecommendationId(id: string): { ruleId: string; resourceKey: string } {
  const at = id.indexOf('_');
  return { ruleId: id.slice(0, at), resourceKey: id.slice(at + 1) };
}

/** What the catalog says about a finding's rule (title, category). */
export type RuleLookup = (ruleId: string) => { title: string; category: Category };

export interface ReconcileCounts {
  findings: number;
  opened: number;
  updated: number;
  resolved: number;
  reopened: number;
}

/** The figures a finding carries: a change of any of these is an update. */
const figuresOf = (f: Finding): string => JSON.stringify(f);

/**
 * What an analysis answered for, per source: 'all' (our rules see every account), or the accounts
 * whose import of that source answered (an account that was skipped or failed keeps its imported
 * recommendations as they are). A source absent from the scope was not asked at all.
 */
export type ReconcileScope = ReadonlyMap<RecommendationSource, 'all' | ReadonlySet<string>>;

/** Only our own rules: what reconcile covers when no scope is given. */
export const OUR_RULES_ONLY: ReconcileScope = new Map([['cloudoptima', 'all']]);

export function inScope(rec: StoredRecommendation, scope: ReconcileScope): boolean {
  const accounts = scope.get(rec.finding.source);
  return accounts === 'all' || (accounts !== undefined && accounts.has(rec.finding.accountId));
}

/**
 * One analysis: `existing` is every stored recommendation, `findings` what the rules found now and
 * what the sources in `scope` reported. Returns the recommendations to write (changed ones only)
 * and the counts. A stored one that is not found again is resolved only if its source (and, for an
 * imported one, its account) is in the scope: each source resolves its own.
 */
export function reconcile(
  existing: readonly StoredRecommendation[],
  findings: readonly Finding[],
  ruleOf: RuleLookup,
  at: string,
  scope: ReconcileScope = OUR_RULES_ONLY,
): { writes: StoredRecommendation[]; counts: ReconcileCounts } {
  const byId = new Map(existing.map((r) => [r.id, r]));
  const seen = new Set<string>();
  const writes: StoredRecommendation[] = [];
  const counts: ReconcileCounts = { findings: 0, opened: 0, updated: 0, resolved: 0, reopened: 0 };
  for (const finding of findings) {
    const id = recommendationIdOf(finding.ruleId, finding.resourceId);
    if (seen.has(id)) continue; // one per (resource, rule): the first finding wins
    seen.add(id);
    counts.findings++;
    const before = byId.get(id);
    const rule = ruleOf(finding.ruleId);
    if (!before) {
      counts.opened++;
      writes.push({
        id,
        resourceKey: resourceKey(finding.resourceId),
        ruleId: finding.ruleId,
        title: rule.title,
        category: rule.category,
        status: 'open',
        finding,
        firstSeenAt: at,
        updatedAt: at,
        analyzedAt: at,
        statusChangedAt: null,
        statusChangedBy: null,
        owner: null,
        dismissReason: null,
        snoozedUntil: null,
        appliedAt: null,
        realized: null,
        version: 0,
      });
      continue;
    }
    const next: StoredRecommendation = { ...before, title: rule.title, category: rule.category, analyzedAt: at };
    // Applied keeps the figures it was applied with: they are what the realized savings answer.
    const changed = before.status !== 'applied' && figuresOf(before.finding) !== figuresOf(finding);
    if (changed) next.finding = finding;
    if (before.status === 'resolved' || (before.status === 'snoozed' && before.snoozedUntil !== null && before.snoozedUntil <= at)) {
      Object.assign(next, { status: 'open', statusChangedAt: at, statusChangedBy: null, snoozedUntil: null });
      counts.reopened++;
    } else if (changed) {
      counts.updated++;
    }
    if (changed || next.status !== before.status) next.updatedAt = at;
    writes.push(next);
  }
  for (const before of existing) {
    if (seen.has(before.id) || (before.status !== 'open' && before.status !== 'snoozed') || !inScope(before, scope)) continue;
    counts.resolved++;
    writes.push({ ...before, status: 'resolved', snoozedUntil: null, statusChangedAt: at, statusChangedBy: null, updatedAt: at, analyzedAt: at });
  }
  return { writes, counts };
}

// ---- User actions ----

export type Action =
  | { kind: 'dismiss'; reason: string }
  | { kind: 'snooze'; until: string }
  | { kind: 'reopen' }
  | { kind: 'apply'; baseline: { dailyCost: string; days: number } }
  | { kind: 'owner'; owner: string | null };

const ALLOWED: Record<Action['kind'], readonly RecommendationStatus[]> = {
  dismiss: ['open', 'snoozed', 'dismissed'],
  snooze: ['open', 'snoozed'],
  reopen: ['open', 'snoozed', 'dismissed', 'applied'],
  apply: ['open', 'snoozed', 'dismissed', 'applied'],
  owner: ['open', 'snoozed', 'dismissed', 'applied', 'resolved'],
};

/** The recommendation after a user's action, or a 409 naming why the action does not fit its status. */
export function transition(rec: StoredRecommendation, action: Action, by: string, at: string): StoredRecommendation {
  if (!ALLOWED[action.kind].includes(rec.status)) {
    throw new Conflict(
      rec.status === 'resolved'
        ? `This recommendation is resolved: its condition went away. It reopens on its own if the condition returns.`
        : `A ${rec.status} recommendation cannot be ${action.kind === 'apply' ? 'applied' : `${action.kind}ed`}.`,
      'INVALID_STATUS',
      { status: rec.status, action: action.kind },
    );
  }
  const statusChange = (status: RecommendationStatus, extra: Partial<StoredRecommendation>): StoredRecommendation => ({
    ...rec,
    dismissReason: null,
    snoozedUntil: null,
    ...extra,
    status,
    statusChangedAt: at,
    statusChangedBy: by,
    updatedAt: at,
  });
  switch (action.kind) {
    case 'dismiss':
      return statusChange('dismissed', { dismissReason: action.reason });
    case 'snooze':
      return statusChange('snoozed', { snoozedUntil: action.until });
    case 'reopen':
      return rec.status === 'open' ? rec : statusChange('open', { appliedAt: null, realized: null });
    case 'apply':
      // Applying twice keeps the first baseline: the cost before it was applied.
      if (rec.status === 'applied') return rec;
      return statusChange('applied', {
        appliedAt: at,
        realized: { baselineDailyCost: action.baseline.dailyCost, baselineDays: action.baseline.days, afterDailyCost: null, afterDays: 0, realizedMonthlySavings: null, measuredAt: null },
      });
    case 'owner':
      return { ...rec, owner: action.owner, updatedAt: at };
  }
}

// ---- Realized savings ----

/** (baseline - after) per day, as a month of HOURS_PER_MONTH hours, exact. */
export function realizedMonthly(baselineDaily: string, afterDaily: string): string {
  const perDay = parseDecimal(baselineDaily) - parseDecimal(afterDaily);
  return formatDecimal((perDay * BigInt(HOURS_PER_MONTH)) / 24n, { maxFractionDigits: 4 });
}

/** The applied recommendation with its savings measured from `after` (billed cost over `days` after it was applied). */
export function measure(rec: StoredRecommendation, after: { billed: string; days: number } | null, at: string): StoredRecommendation {
  if (rec.status !== 'applied' || !rec.realized || !after || after.days <= 0) return rec;
  const afterDaily = formatDecimal(parseDecimal(after.billed) / BigInt(after.days), { minFractionDigits: 0, maxFractionDigits: 6 });
  const realized: Realized = {
    ...rec.realized,
    afterDailyCost: afterDaily,
    afterDays: after.days,
    realizedMonthlySavings: realizedMonthly(rec.realized.baselineDailyCost, afterDaily),
    measuredAt: at,
  };
  if (JSON.stringify(realized) === JSON.stringify({ ...rec.realized, measuredAt: at })) return rec;
  return { ...rec, realized };
}

/** Savings as a fixed-width sort key (1e-4 USD units, 24 digits): gsi1 orders a status by it. */
export function savingsKey(monthlySavings: string): string {
  let units = parseDecimal(monthlySavings) / 10n ** 8n;
  if (units < 0n) units = 0n;
  const max = 10n ** 24n - 1n;
  return (units > max ? max : units).toString().padStart(24, '0');
}
