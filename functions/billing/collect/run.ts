import type { AccountStore } from '#shared/accounts/store.js';
import { addMonths, periodOf } from '#shared/costs/dates.js';
import type { CostStore } from '#shared/costs/store.js';
import { DomainError, NotFound } from '#shared/errors.js';
import { AccountAccessError, type AccountTarget } from '#shared/inventory/provider.js';
import { formatDecimal } from '#shared/money.js';
import type { ObjectStore } from '#shared/storage/object-store.js';
import { tenantObjectKey } from '#shared/storage/object-store.js';
import type { WorkflowStarter } from '#shared/workflows.js';
import type { BillingStore } from '../store.js';
import type { CostExplorerCache } from './cache.js';
import { collectCostExplorer, CostExplorerError, type CollectedCostRow, type CostExplorerApi } from './cost-explorer.js';

/**
 * One collection of a Cost Explorer source (in the billing-exports function): assume the
 * account's role, read the month to date (and the previous month while it is not final) from
 * GetCostAndUsage, and hand the rows to the ingestion exactly as an export arrives: one FOCUS file
 * in the object store, an upload of the source, and the ingestion workflow, which parses,
 * aggregates, writes new period versions, reconciles them with the file's totals and only then
 * makes them current (a rerun replaces the periods, never adds to them). Before the file is
 * handed over, its sums are checked against Cost Explorer's own totals (summed from the answers
 * apart from the rows), so the stored costs reconcile to Cost Explorer through the file.
 */
export interface CollectDeps {
  billing: BillingStore;
  costs: CostStore;
  objects: ObjectStore;
  accounts: AccountStore;
  workflows: WorkflowStarter;
  /** A Cost Explorer client with the account's assumed-role credentials (aws.ts), or the local provider. */
  clientFor: (target: AccountTarget) => CostExplorerApi;
  cache?: CostExplorerCache;
}

/** Cost Explorer bills each request: one collection of one account never sends more than this. */
export const MAX_REQUESTS_PER_COLLECTION = 100;

export type CollectionRefusalCode = 'ACCOUNT_NOT_CONNECTED' | 'ACCOUNT_UNREACHABLE' | 'COST_EXPLORER_REFUSED' | 'COST_EXPLORER_MALFORMED' | 'SOURCE_REMOVED' | 'NO_CHARGES';

/**
 * The account or Cost Explorer refused the collection (not a platform fault): the workflow does
 * not retry it and records it on the ingestion with its code (carried as a `[CODE] ` prefix, as
 * the ingestion's ReconciliationError does).
 */
export class CostExplorerCollectionError extends DomainError {
  readonly status = 409;
  constructor(
    readonly code: CollectionRefusalCode,
    message: string,
  ) {
    super(`[${code}] ${message}`);
    this.name = 'CostExplorerCollectionError';
  }
}

/** Cost Explorer's answers that retrying will not change: the role's policy, the account's setup, the request. */
const REFUSALS = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'DataUnavailableException', 'BillExpirationException', 'ValidationException', 'RequestChangedException']);

/** `YYYY-MM-DD` of a date, UTC. */
const day = (date: Date) => date.toISOString().slice(0, 10);

/** A month is final once it is over and its invoice window (5 days) has passed: the commit step's rule. */
export function isFinalPeriod(period: string, now: Date): boolean {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return now.getTime() > Date.UTC(year, month, 6);
}

/**
 * The days one collection reads: the month to date, plus the previous month while the source's
 * copy of it is not final yet (first collections take it while the month itself is not final).
 * `end` is exclusive and is today: Cost Explorer's day is complete once it is over.
 */
export function collectionWindow(now: Date, previousStatus: 'estimated' | 'final' | null): { start: string; end: string; periods: string[] } {
  const today = day(now);
  const current = periodOf(today);
  const previous = addMonths(current, -1);
  const withPrevious = previousStatus === null ? !isFinalPeriod(previous, now) : previousStatus !== 'final';
  const start = withPrevious ? `${previous}-01` : `${current}-01`;
  // On a month's first day with the previous month final, the month to date is still empty: read today.
  const end = today > start ? today : day(new Date(now.getTime() + 86_400_000));
  return { start, end, periods: withPrevious ? [previous, current] : [current] };
}

/** The FOCUS columns the collected rows fill (x_UsageType: the ingestion's usage type, ARCHITECTURE). */
const COLUMNS = [
  'ProviderName', 'BillingAccountId', 'BillingAccountName', 'SubAccountId', 'SubAccountName', 'BillingPeriodStart', 'BillingPeriodEnd',
  'ChargePeriodStart', 'ChargePeriodEnd', 'ChargeCategory', 'ChargeClass', 'ServiceName', 'RegionId', 'x_UsageType', 'BillingCurrency',
  'BilledCost', 'EffectiveCost', 'ConsumedQuantity', 'ConsumedUnit',
] as const;

const cell = (value: string | null): string => (value === null ? '' : /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
const decimal = (value: bigint | null) => (value === null ? null : formatDecimal(value, { minFractionDigits: 0 }));

function csvLine(row: CollectedCostRow): string {
  const periodEnd = `${addMonths(row.billingPeriodStart.slice(0, 7), 1)}-01T00:00:00.000Z`;
  return [
    row.provider, row.billingAccountId, row.billingAccountName, row.subAccountId, row.subAccountName, `${row.billingPeriodStart}T00:00:00.000Z`, periodEnd,
    row.chargePeriodStart, row.chargePeriodEnd, row.chargeCategory, row.chargeClass, row.serviceName, row.regionId, row.usageType, row.currency,
    decimal(row.billedCost), decimal(row.effectiveCost), decimal(row.consumedQuantity), row.consumedUnit,
  ].map(cell).join(',');
}

export interface CollectionOutcome {
  ingestionId: string;
  uploadId: string;
  window: { start: string; end: string };
  rows: number;
  requests: number;
}

/**
 * Collects a source into the ingestion `ingestionId` (recorded queued by startCostExplorerCollection)
 * and starts its ingestion workflow. Safe to run again: the upload's id and key derive from the
 * ingestion, so a retry overwrites its own file, and the workflow start is idempotent.
 */
export async function runCostExplorerCollection(deps: CollectDeps, tenantId: string, ingestionId: string, now = new Date()): Promise<CollectionOutcome | null> {
  const ingestion = await deps.billing.getIngestion(tenantId, ingestionId);
  // Handed to the ingestion already (a retried task): nothing left to do here.
  if (ingestion.status !== 'queued' || ingestion.uploadIds.length > 0) return null;
  let source;
  try {
    source = await deps.billing.getSource(tenantId, ingestion.sourceId);
  } catch (error) {
    if (error instanceof NotFound) throw new CostExplorerCollectionError('SOURCE_REMOVED', 'Cost Explorer collection was switched off for this account.');
    throw error;
  }
  if (source.kind !== 'cost-explorer' || !source.accountId) throw new CostExplorerCollectionError('SOURCE_REMOVED', 'This billing source is not collected from Cost Explorer.');
  let account;
  try {
    account = await deps.accounts.get(tenantId, source.accountId);
  } catch (error) {
    if (error instanceof NotFound) throw new CostExplorerCollectionError('ACCOUNT_NOT_CONNECTED', `AWS account ${source.accountId} is not connected any more.`);
    throw error;
  }
  const thisMonth = periodOf(day(now));
  const pointers = await deps.costs.currentVersions(tenantId, addMonths(thisMonth, -1), thisMonth);
  const previous = pointers.find((p) => p.sourceId === source.id && p.period === addMonths(thisMonth, -1));
  const window = collectionWindow(now, previous?.status ?? null);

  const client = deps.clientFor({ accountId: account.id, roleArn: account.roleArn, externalId: account.externalId, tenantId });
  const run = collectCostExplorer(client, {
    start: window.start,
    end: window.end,
    accountIds: [account.id],
    ...(deps.cache ? { cache: deps.cache } : {}),
    maxRequests: MAX_REQUESTS_PER_COLLECTION,
  });
  const lines: string[] = [COLUMNS.join(',')];
  const sums = new Map<string, { billed: bigint; effective: bigint; rows: number }>();
  try {
    for await (const row of run) {
      lines.push(csvLine(row));
      const key = `${row.billingPeriodStart}|${row.currency}`;
      const sum = sums.get(key) ?? { billed: 0n, effective: 0n, rows: 0 };
      sum.billed += row.billedCost;
      sum.effective += row.effectiveCost;
      sum.rows++;
      sums.set(key, sum);
    }
  } catch (error) {
    throw refusalOf(error, account.roleArn);
  }
  const totals = run.totals();
  const mismatched = totals.periods.filter((t) => {
    const sum = sums.get(`${t.billingPeriodStart}|${t.currency}`);
    return !sum || sum.billed !== t.billedCost || sum.effective !== t.effectiveCost || sum.rows !== t.rows;
  });
  if (mismatched.length || sums.size !== totals.periods.length) {
    throw new CostExplorerCollectionError('COST_EXPLORER_MALFORMED', 'The collected rows do not add up to Cost Explorer’s own totals; nothing was ingested.');
  }
  if (lines.length === 1) {
    throw new CostExplorerCollectionError('NO_CHARGES', `Cost Explorer shows no charges for ${account.name} (${account.id}) from ${window.start} to ${window.end} (exclusive).`);
  }

  const uploadId = `${ingestionId}-1`;
  const fileName = `aws-cost-explorer-${account.id}-${window.start}-to-${window.end}.csv`;
  const objectKey = tenantObjectKey(tenantId, 'uploads', uploadId, fileName);
  await deps.objects.write(objectKey, `${lines.join('\n')}\n`, 'text/csv');
  await deps.billing.putUpload(tenantId, { id: uploadId, sourceId: source.id, fileName, objectKey, contentType: 'text/csv', createdAt: now.toISOString(), createdBy: ingestion.createdBy });
  await deps.billing.updateIngestion(tenantId, ingestionId, { uploadIds: [uploadId] });
  await deps.workflows.start('ingestion', ingestionId, { tenantId, ingestionId });
  return { ingestionId, uploadId, window: { start: window.start, end: window.end }, rows: lines.length - 1, requests: run.summary().calls.requests };
}

function refusalOf(error: unknown, roleArn: string): unknown {
  if (error instanceof AccountAccessError) return new CostExplorerCollectionError('ACCOUNT_UNREACHABLE', error.message);
  if (error instanceof CostExplorerError) return new CostExplorerCollectionError('COST_EXPLORER_MALFORMED', error.message);
  const name = (error as Error).name;
  if (REFUSALS.has(name)) return new CostExplorerCollectionError('COST_EXPLORER_REFUSED', `Cost Explorer refused ${roleArn}: ${name}: ${(error as Error).message}`.slice(0, 500));
  return error;
}

/**
 * A collection that could not reach the ingestion (the workflow's RecordFailure): its ingestion
 * record says why, with a refusal's own code. Step Functions hands over `{Error, Cause}`, Cause
 * holding the Lambda error as JSON. An ingestion already handed over is the ingestion's to record.
 */
export async function recordCollectionFailure(billing: BillingStore, tenantId: string, ingestionId: string, error: { Error?: string; Cause?: string }): Promise<void> {
  const ingestion = await billing.getIngestion(tenantId, ingestionId);
  if (ingestion.status !== 'queued' || ingestion.uploadIds.length > 0) return;
  let cause: { errorType?: string; errorMessage?: string } = {};
  try {
    cause = JSON.parse(error.Cause ?? '{}') as typeof cause;
  } catch {
    cause = { errorMessage: error.Cause };
  }
  const coded = cause.errorType === 'CostExplorerCollectionError' ? /^\[([A-Z_]+)\] ([\s\S]*)$/.exec(cause.errorMessage ?? '') : null;
  const described = coded ? { code: coded[1]!, message: coded[2]! } : { code: error.Error ?? 'COLLECTION_FAILED', message: cause.errorMessage ?? 'unknown error' };
  await billing.updateIngestion(tenantId, ingestionId, { status: 'failed', finishedAt: new Date().toISOString(), error: described });
}
