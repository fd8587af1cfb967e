import {
  GetCostAndUsageCommand,
  type Expression,
  type GetCostAndUsageRequest,
  type GetCostAndUsageResponse,
  type Group,
  type ResultByTime,
} from '@aws-sdk/client-cost-explorer';
import { DomainError, Invalid, type FieldIssue } from '#shared/errors.js';
import { tryParseDecimal } from '#shared/money.js';
import type { ChargeCategory, CostRow, PeriodTotals, SourceTotals } from '../parse/index.js';
import { TotalsAccumulator } from '../parse/totals.js';
import type { CostExplorerCache } from './cache.js';
import { regionFromUsageType } from './regions.js';
import { backoffDelay, DEFAULT_RETRY, isRetryable, type RetryOptions } from './retry.js';

/**
 * Cost Explorer collector: the daily costs of AWS accounts that have no billing export, read from
 * GetCostAndUsage and handed to the ingestion as the same normalized `CostRow`s (plus the source's
 * own totals) that the export parser produces. See README.md in this folder for the call plan.
 *
 *   const run = collectCostExplorer(client, { start: '2026-10-01', end: '2026-11-01' });
 *   for await (const row of run) aggregator.add(row);
 *   aggregator.finishFile(run.file, run.totals());
 */

/**
 * What the collector needs of a Cost Explorer client: GetCostAndUsage. A `CostExplorerClient`
 * (built with `maxAttempts: 1`) is one; locally, the recorded demo account's provider is another
 * (local/demo/cost-explorer.ts).
 */
export interface CostExplorerApi {
  send(command: GetCostAndUsageCommand): Promise<GetCostAndUsageResponse>;
}

export type BilledMetric = 'UnblendedCost' | 'NetUnblendedCost' | 'BlendedCost';
export type EffectiveMetric = 'AmortizedCost' | 'NetAmortizedCost';

export interface CostExplorerOptions {
  /** First day, `YYYY-MM-DD`, inclusive. */
  start: string;
  /** Day after the last one, `YYYY-MM-DD`, exclusive (as Cost Explorer's TimePeriod.End). */
  end: string;
  /** Only these linked accounts (12 digits). Default: every account the credentials can see. */
  accountIds?: string[];
  /**
   * Which Cost Explorer metric fills which column. Defaults: UnblendedCost -> billedCost,
   * AmortizedCost -> effectiveCost, UsageQuantity -> consumedQuantity. `listCost` is always null
   * (Cost Explorer has no list price).
   */
  metrics?: { billed?: BilledMetric; effective?: EffectiveMetric; usageQuantity?: boolean };
  /** The payer account the client's credentials belong to; Cost Explorer does not name it. */
  billingAccountId?: string;
  billingAccountName?: string;
  /** Waits between retries. Default: a timer. Tests inject one that records the delays. */
  sleep?: (ms: number) => Promise<void>;
  /** The jitter's random source, in [0, 1). Default `Math.random`. */
  random?: () => number;
  retry?: RetryOptions;
  /** Answers kept across runs (see cache.ts). Default: none, every query is sent. */
  cache?: CostExplorerCache;
  /**
   * The most GetCostAndUsage requests this run may send (pages and retries included); one more
   * fails the run with REQUEST_BUDGET_EXCEEDED instead of sending it. Default: no limit.
   */
  maxRequests?: number;
}

/** A `CostRow` from Cost Explorer, and whether Cost Explorer still calls its day an estimate. */
export interface CollectedCostRow extends CostRow {
  readonly estimated: boolean;
}

export interface CostExplorerQuery {
  /** `plan`: accounts and charge types (monthly); `usage`: one account's usage; `charges`: one non-usage charge category. */
  readonly kind: 'plan' | 'usage' | 'charges';
  readonly account: string | null;
  readonly chargeCategory: ChargeCategory | null;
  readonly pages: number;
  readonly cached: boolean;
}

export interface CostExplorerSummary {
  /**
   * The source's own totals, per billing period (month) and currency: every group amount of every
   * response page summed straight from Cost Explorer's strings, on a path separate from building
   * rows. What the ingestion stores must equal these.
   */
  readonly totals: SourceTotals;
  /**
   * The same months summed from the planning query (grouped by account and record type, monthly),
   * a differently grouped query. Informational: Cost Explorer rounds each group's amount on its
   * own, so a coarser grouping may differ in the last decimals; a larger gap means the data changed
   * between the calls (Cost Explorer refreshes several times a day).
   */
  readonly overview: readonly PeriodTotals[];
  readonly accounts: ReadonlyArray<{ readonly id: string; readonly name: string | null }>;
  /** Days (`YYYY-MM-DD`) any answer marked `Estimated`. */
  readonly estimatedDays: readonly string[];
  /** Months (`YYYY-MM`) with an estimated day: the ingestion keeps these `estimated`. */
  readonly estimatedPeriods: readonly string[];
  readonly calls: {
    /** GetCostAndUsage requests sent, retries included: what Cost Explorer bills at most. */
    readonly requests: number;
    /** Pages answered. */
    readonly pages: number;
    readonly retries: number;
    /** Pages taken from the cache instead of being requested. */
    readonly cachedPages: number;
  };
  readonly queries: readonly CostExplorerQuery[];
}

/** Rows in order, then (as the generator's return value, and from `summary()`) the summary. */
export interface CostExplorerCollection extends AsyncGenerator<CollectedCostRow, CostExplorerSummary, undefined> {
  /** What `CostAggregator.finishFile` records for this source. */
  readonly file: { readonly fileName: string; readonly format: 'aws-cost-explorer'; readonly container: 'api' };
  /** The source's own totals. Throws until the rows have been read to the end. */
  totals(): SourceTotals;
  /** Throws until the rows have been read to the end. */
  summary(): CostExplorerSummary;
}

export type CostExplorerErrorCode = 'MALFORMED_RESPONSE' | 'REQUEST_BUDGET_EXCEEDED' | 'NOT_FINISHED';

/** Cost Explorer answered something the collector cannot account for, or the request budget ran out. */
export class CostExplorerError extends DomainError {
  readonly status = 502;
  constructor(
    readonly code: CostExplorerErrorCode,
    message: string,
    details?: unknown,
  ) {
    super(message, details);
  }
}

/**
 * Cost Explorer's RECORD_TYPE values (the API spells some as the console does, some in CUR's
 * words; compared without case, spaces or punctuation) and the FOCUS charge category of each.
 * Discounts and covered usage stay `Usage`, as in the CUR mapping (parse/formats.ts). A record
 * type not listed is treated as `Usage`: it then stays in the per-account usage query, which keeps
 * its service, usage type and region.
 */
const RECORD_TYPE_CATEGORY: Readonly<Record<string, ChargeCategory>> = {
  usage: 'Usage',
  discountedusage: 'Usage',
  savingsplancoveredusage: 'Usage',
  savingsplannegation: 'Usage',
  bundleddiscount: 'Usage',
  discount: 'Usage',
  enterprisediscountprogramdiscount: 'Usage',
  edpdiscount: 'Usage',
  privateratecarddiscount: 'Usage',
  privateratediscount: 'Usage',
  rivolumediscount: 'Usage',
  distributordiscount: 'Usage',
  solutionproviderprogramdiscount: 'Usage',
  tax: 'Tax',
  credit: 'Credit',
  // Money given back for an invoiced period: FOCUS Adjustment, ChargeClass Correction (as CUR's Refund).
  refund: 'Adjustment',
  recurringreservationfee: 'Purchase',
  upfrontreservationfee: 'Purchase',
  rifee: 'Purchase',
  fee: 'Purchase',
  supportfee: 'Purchase',
  savingsplanrecurringfee: 'Purchase',
  savingsplanupfrontfee: 'Purchase',
};

/** The FOCUS charge category of a Cost Explorer RECORD_TYPE value (unknown ones: `Usage`). */
export function chargeCategoryOfRecordType(recordType: string): ChargeCategory {
  const key = recordType.toLowerCase().replace(/[^a-z]/g, '');
  return Object.hasOwn(RECORD_TYPE_CATEGORY, key) ? RECORD_TYPE_CATEGORY[key]! : 'Usage';
}

/** The non-usage categories, each fetched by one query (when present), in this order. */
const CHARGE_CATEGORIES: readonly ChargeCategory[] = ['Purchase', 'Tax', 'Credit', 'Adjustment'];

/** Cost Explorer's names for "no value" in a group key. */
const NO_VALUE = new Set(['', 'NoUsageType', 'NoService', 'NoLinkedAccount', 'No usage type', 'No service', 'No linked account']);
const EMPTY_TAGS: Readonly<Record<string, string>> = Object.freeze({});
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

interface Context {
  client: CostExplorerApi;
  cache: CostExplorerCache | undefined;
  retry: Required<RetryOptions>;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  maxRequests: number | undefined;
  calls: { requests: number; pages: number; retries: number; cachedPages: number };
}

interface QuerySpec {
  kind: 'usage' | 'charges';
  /** usage: the account every group belongs to. */
  account: string | null;
  chargeCategory: ChargeCategory;
}

interface PlannedAccount {
  usageRecordTypes: Set<string>;
  nonUsage: boolean;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function collectCostExplorer(client: CostExplorerApi, options: CostExplorerOptions): CostExplorerCollection {
  validate(options);
  const billed = options.metrics?.billed ?? 'UnblendedCost';
  const effective = options.metrics?.effective ?? 'AmortizedCost';
  const withQuantity = options.metrics?.usageQuantity ?? true;
  const accountIds = options.accountIds ? [...new Set(options.accountIds)].sort() : null;
  const ctx: Context = {
    client,
    cache: options.cache,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    sleep: options.sleep ?? defaultSleep,
    random: options.random ?? Math.random,
    maxRequests: options.maxRequests,
    calls: { requests: 0, pages: 0, retries: 0, cachedPages: 0 },
  };
  if (!(ctx.retry.maxAttempts >= 1)) throw new Invalid('retry.maxAttempts must be at least 1', [{ field: 'retry.maxAttempts', message: 'at least 1' }]);
  const timePeriod = { Start: options.start, End: options.end };
  const costMetrics = [billed, effective];
  let summary: CostExplorerSummary | null = null;

  async function* run(): AsyncGenerator<CollectedCostRow, CostExplorerSummary, undefined> {
    const queries: CostExplorerQuery[] = [];
    const names = new Map<string, string | null>();
    const totals = new TotalsAccumulator();
    const overview = new TotalsAccumulator();
    const estimatedDays = new Set<string>();
    let line = 0;

    // 1. Plan: one monthly query grouped by account and record type names the accounts (from the
    //    dimension attributes) and tells which charge types each one has.
    const accounts = new Map<string, PlannedAccount>();
    const categoryTypes = new Map<ChargeCategory, Set<string>>();
    const categoryAccounts = new Map<ChargeCategory, Set<string>>();
    const planRequest: GetCostAndUsageRequest = {
      TimePeriod: timePeriod,
      Granularity: 'MONTHLY',
      Metrics: costMetrics,
      GroupBy: [
        { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
        { Type: 'DIMENSION', Key: 'RECORD_TYPE' },
      ],
      ...(accountIds ? { Filter: { Dimensions: { Key: 'LINKED_ACCOUNT', Values: accountIds } } } : {}),
    };
    const plan = { kind: 'plan' as const, account: null, chargeCategory: null, pages: 0, cached: false };
    queries.push(plan);
    for await (const page of pagesOf(ctx, planRequest, plan)) {
      collectNames(page, names);
      sumPage(page, billed, effective, overview);
      for (const result of page.ResultsByTime ?? []) {
        for (const group of result.Groups ?? []) {
          const account = keyValue(group.Keys?.[0]);
          const recordType = group.Keys?.[1] ?? '';
          if (account === null) continue;
          let planned = accounts.get(account);
          if (!planned) accounts.set(account, (planned = { usageRecordTypes: new Set(), nonUsage: false }));
          const category = chargeCategoryOfRecordType(recordType);
          if (category === 'Usage') {
            planned.usageRecordTypes.add(recordType);
          } else {
            planned.nonUsage = true;
            setOf(categoryTypes, category).add(recordType);
            setOf(categoryAccounts, category).add(account);
          }
        }
      }
    }

    const buildRows = (page: GetCostAndUsageResponse, spec: QuerySpec): CollectedCostRow[] => {
      const rows: CollectedCostRow[] = [];
      for (const result of page.ResultsByTime ?? []) {
        const day = dayOf(result);
        if (result.Estimated === true) estimatedDays.add(day.date);
        for (const group of result.Groups ?? []) {
          const keys = group.Keys ?? [];
          const account = spec.kind === 'usage' ? spec.account : keyValue(keys[0]);
          const serviceName = keyValue(spec.kind === 'usage' ? keys[0] : keys[1]);
          const usageType = spec.kind === 'usage' ? keyValue(keys[1]) : null;
          const billedValue = metricOf(group, billed, day.date);
          const effectiveValue = metricOf(group, effective, day.date);
          if (effectiveValue.unit !== billedValue.unit) {
            throw new CostExplorerError('MALFORMED_RESPONSE', `Cost Explorer answered ${billed} in ${billedValue.unit} and ${effective} in ${effectiveValue.unit} for one group.`, { day: day.date, keys });
          }
          const quantity = spec.kind === 'usage' && withQuantity ? quantityOf(group) : null;
          rows.push({
            kind: 'cost',
            line: ++line,
            billingPeriodStart: `${day.date.slice(0, 7)}-01`,
            chargePeriodStart: `${day.date}T00:00:00.000Z`,
            chargePeriodEnd: `${day.end}T00:00:00.000Z`,
            chargeDate: day.date,
            provider: 'AWS',
            billingAccountId: options.billingAccountId ?? null,
            billingAccountName: options.billingAccountName ?? null,
            subAccountId: account,
            subAccountName: account === null ? null : (names.get(account) ?? null),
            serviceName,
            serviceCategory: null,
            regionId: spec.kind === 'usage' ? regionFromUsageType(usageType, serviceName) : null,
            chargeCategory: spec.chargeCategory,
            chargeClass: spec.chargeCategory === 'Adjustment' ? 'Correction' : null,
            usageType,
            resourceId: null,
            tags: EMPTY_TAGS,
            currency: billedValue.unit,
            billedCost: billedValue.amount,
            effectiveCost: effectiveValue.amount,
            listCost: null,
            consumedQuantity: quantity?.amount ?? null,
            consumedUnit: quantity?.unit ?? null,
            estimated: result.Estimated === true,
          });
        }
      }
      return rows;
    };

    // 2. Usage: per account, daily, by service and usage type (the region is the usage type's prefix).
    for (const [id, planned] of [...accounts].sort(([a], [b]) => a.localeCompare(b))) {
      if (planned.usageRecordTypes.size === 0) continue;
      const accountFilter: Expression = { Dimensions: { Key: 'LINKED_ACCOUNT', Values: [id] } };
      const request: GetCostAndUsageRequest = {
        TimePeriod: timePeriod,
        Granularity: 'DAILY',
        Metrics: withQuantity ? [...costMetrics, 'UsageQuantity'] : costMetrics,
        GroupBy: [
          { Type: 'DIMENSION', Key: 'SERVICE' },
          { Type: 'DIMENSION', Key: 'USAGE_TYPE' },
        ],
        // Only when the account also has taxes, credits, refunds or fees: those come from step 3.
        Filter: planned.nonUsage
          ? { And: [accountFilter, { Dimensions: { Key: 'RECORD_TYPE', Values: [...planned.usageRecordTypes].sort() } }] }
          : accountFilter,
      };
      const query = { kind: 'usage' as const, account: id, chargeCategory: 'Usage' as const, pages: 0, cached: false };
      queries.push(query);
      for await (const page of pagesOf(ctx, request, query)) {
        sumPage(page, billed, effective, totals);
        yield* buildRows(page, query);
      }
    }

    // 3. Other charges: one query per charge category present, daily, by account and service.
    for (const category of CHARGE_CATEGORIES) {
      const recordTypes = categoryTypes.get(category);
      if (!recordTypes) continue;
      const typeFilter: Expression = { Dimensions: { Key: 'RECORD_TYPE', Values: [...recordTypes].sort() } };
      const request: GetCostAndUsageRequest = {
        TimePeriod: timePeriod,
        Granularity: 'DAILY',
        Metrics: costMetrics,
        GroupBy: [
          { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
          { Type: 'DIMENSION', Key: 'SERVICE' },
        ],
        Filter: accountIds
          ? { And: [{ Dimensions: { Key: 'LINKED_ACCOUNT', Values: [...categoryAccounts.get(category)!].sort() } }, typeFilter] }
          : typeFilter,
      };
      const query = { kind: 'charges' as const, account: null, chargeCategory: category, pages: 0, cached: false };
      queries.push(query);
      for await (const page of pagesOf(ctx, request, query)) {
        collectNames(page, names);
        sumPage(page, billed, effective, totals);
        yield* buildRows(page, query);
      }
    }

    const sourceTotals = totals.snapshot();
    summary = {
      totals: { ...sourceTotals, rowsEmitted: line },
      overview: overview.snapshot().periods,
      accounts: [...accounts.keys()].sort().map((id) => ({ id, name: names.get(id) ?? null })),
      estimatedDays: [...estimatedDays].sort(),
      estimatedPeriods: [...new Set([...estimatedDays].map((d) => d.slice(0, 7)))].sort(),
      calls: { ...ctx.calls },
      queries: queries.map((q) => ({ ...q })),
    };
    return summary;
  }

  const finished = () => {
    if (!summary) throw new CostExplorerError('NOT_FINISHED', 'The Cost Explorer totals are known once every row has been read.');
    return summary;
  };
  return Object.assign(run(), {
    file: { fileName: `aws-cost-explorer:${options.start}..${options.end}`, format: 'aws-cost-explorer' as const, container: 'api' as const },
    totals: () => finished().totals,
    summary: finished,
  });
}

/** Every page of one query: from the cache, or requested page by page through NextPageToken. */
async function* pagesOf(ctx: Context, request: GetCostAndUsageRequest, query: { pages: number; cached: boolean }): AsyncGenerator<GetCostAndUsageResponse> {
  const cached = ctx.cache?.get(ctx.client, request);
  if (cached) {
    ctx.calls.cachedPages += cached.length;
    query.pages = cached.length;
    query.cached = true;
    yield* cached;
    return;
  }
  const pages: GetCostAndUsageResponse[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await send(ctx, token ? { ...request, NextPageToken: token } : { ...request });
    query.pages++;
    if (ctx.cache) pages.push(page);
    yield page;
    token = page.NextPageToken || undefined;
    if (token !== undefined) {
      if (seen.has(token)) throw new CostExplorerError('MALFORMED_RESPONSE', 'Cost Explorer returned the same page token twice.', { token });
      seen.add(token);
    }
  } while (token !== undefined);
  ctx.cache?.set(ctx.client, request, pages);
}

/** One request, retried on throttling and server faults with backoff; anything else is thrown at once. */
async function send(ctx: Context, input: GetCostAndUsageRequest): Promise<GetCostAndUsageResponse> {
  for (let attempt = 1; ; attempt++) {
    if (ctx.maxRequests !== undefined && ctx.calls.requests >= ctx.maxRequests) {
      throw new CostExplorerError('REQUEST_BUDGET_EXCEEDED', `The Cost Explorer request budget (${ctx.maxRequests}) is spent; nothing more was sent.`, { maxRequests: ctx.maxRequests });
    }
    ctx.calls.requests++;
    try {
      const page = await ctx.client.send(new GetCostAndUsageCommand(input));
      if (!page) throw new CostExplorerError('MALFORMED_RESPONSE', 'Cost Explorer returned no answer.');
      ctx.calls.pages++;
      return page;
    } catch (error) {
      if (attempt >= ctx.retry.maxAttempts || !isRetryable(error)) throw error;
      ctx.calls.retries++;
      await ctx.sleep(backoffDelay(attempt, ctx.retry, ctx.random));
    }
  }
}

/**
 * The totals path: every group's cost amounts summed per month and currency straight from the
 * response, independent of how rows are built. A result with amounts but no groups is money no
 * row could carry, so it fails loudly.
 */
function sumPage(page: GetCostAndUsageResponse, billed: string, effective: string, into: TotalsAccumulator): void {
  for (const result of page.ResultsByTime ?? []) {
    const start = result.TimePeriod?.Start ?? '';
    const period = DAY.test(start) ? `${start.slice(0, 7)}-01` : null;
    const groups = result.Groups ?? [];
    if (groups.length === 0) {
      for (const [name, value] of Object.entries(result.Total ?? {})) {
        if (name !== 'UsageQuantity' && value.Amount !== undefined && tryParseDecimal(value.Amount) !== 0n) {
          throw new CostExplorerError('MALFORMED_RESPONSE', `Cost Explorer answered a ${name} total without groups for ${start}.`, { start, total: result.Total });
        }
      }
    }
    for (const group of groups) {
      const b = group.Metrics?.[billed];
      const e = group.Metrics?.[effective];
      if (b?.Amount === undefined || e?.Amount === undefined) {
        throw new CostExplorerError('MALFORMED_RESPONSE', `A Cost Explorer group of ${start} has no ${b?.Amount === undefined ? billed : effective} amount.`, { start, keys: group.Keys });
      }
      into.recordsRead++;
      into.add(period, b.Unit ? b.Unit.toUpperCase() : null, amountOf(b.Amount, start), amountOf(e.Amount, start), null);
    }
  }
}

function amountOf(text: string, day: string): bigint {
  const value = tryParseDecimal(text);
  if (value === undefined) throw new CostExplorerError('MALFORMED_RESPONSE', `Cost Explorer answered a non-numeric amount ${JSON.stringify(text)} for ${day}.`, { day, amount: text });
  return value;
}

function metricOf(group: Group, metric: string, day: string): { amount: bigint; unit: string } {
  const value = group.Metrics?.[metric];
  if (value?.Amount === undefined) throw new CostExplorerError('MALFORMED_RESPONSE', `A Cost Explorer group of ${day} has no ${metric} amount.`, { day, keys: group.Keys });
  const unit = (value.Unit ?? '').toUpperCase();
  if (!/^[A-Z]{3}$/.test(unit)) throw new CostExplorerError('MALFORMED_RESPONSE', `A Cost Explorer group of ${day} has ${metric} in ${JSON.stringify(value.Unit)}, not a currency.`, { day, keys: group.Keys });
  return { amount: amountOf(value.Amount, day), unit };
}

function quantityOf(group: Group): { amount: bigint; unit: string | null } | null {
  const value = group.Metrics?.UsageQuantity;
  if (value?.Amount === undefined) return null;
  const amount = tryParseDecimal(value.Amount);
  if (amount === undefined) return null;
  const unit = value.Unit && value.Unit !== 'N/A' ? value.Unit : null;
  return { amount, unit };
}

function dayOf(result: ResultByTime): { date: string; end: string } {
  const start = result.TimePeriod?.Start ?? '';
  if (!isDay(start)) throw new CostExplorerError('MALFORMED_RESPONSE', `Cost Explorer answered a time period starting ${JSON.stringify(start)}.`, { timePeriod: result.TimePeriod });
  const end = result.TimePeriod?.End;
  return { date: start, end: end && isDay(end) ? end : nextDay(start) };
}

function collectNames(page: GetCostAndUsageResponse, names: Map<string, string | null>): void {
  for (const attribute of page.DimensionValueAttributes ?? []) {
    const name = attribute.Attributes?.description;
    if (attribute.Value && name) names.set(attribute.Value, name);
  }
}

function keyValue(key: string | undefined): string | null {
  return key === undefined || NO_VALUE.has(key) ? null : key;
}

function setOf<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

function isDay(text: string): boolean {
  const m = DAY.exec(text);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === text;
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00.000Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

function validate(options: CostExplorerOptions): void {
  const issues: FieldIssue[] = [];
  if (!isDay(options.start)) issues.push({ field: 'start', message: 'must be a date, YYYY-MM-DD' });
  if (!isDay(options.end)) issues.push({ field: 'end', message: 'must be a date, YYYY-MM-DD' });
  if (issues.length === 0 && options.start >= options.end) issues.push({ field: 'end', message: 'must be after start (it is exclusive)' });
  if (options.accountIds) {
    if (options.accountIds.length === 0) issues.push({ field: 'accountIds', message: 'must name at least one account when given' });
    for (const id of options.accountIds) if (!/^\d{12}$/.test(id)) issues.push({ field: 'accountIds', message: `${JSON.stringify(id)} is not a 12-digit AWS account id` });
  }
  if (options.maxRequests !== undefined && !(Number.isInteger(options.maxRequests) && options.maxRequests >= 1)) {
    issues.push({ field: 'maxRequests', message: 'must be a positive integer' });
  }
  if (issues.length) throw new Invalid('Invalid Cost Explorer collection options.', issues);
}
