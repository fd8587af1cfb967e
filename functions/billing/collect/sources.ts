import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AccountStore } from '#shared/accounts/store.js';
import type { CostStore } from '#shared/costs/store.js';
import { keys } from '#shared/db/keys.js';
import { Conflict, Invalid, NotFound } from '#shared/errors.js';
import type { BillingSourceRecord, BillingStore, IngestionRecord } from '../store.js';
import { queuedIngestion } from '../service.js';

/**
 * Cost Explorer sources: one per connected account whose costs are collected from Cost Explorer
 * (accounts without a billing export). This module is what the API needs (switch on, switch off,
 * start a collection) and stays free of the Cost Explorer SDK; the collection itself runs in the
 * billing-exports function (run.ts), started as the cost-explorer workflow.
 */

/** One source per account: switching collection off and on again continues the same periods. */
export const costExplorerSourceId = (accountId: string): string => `ce-${accountId}`;

/** The cost-explorer execution of a collection: not the ingestion's own id, which names its ingestion execution. */
export const costExplorerExecutionName = (ingestionId: string): string => `collect-${ingestionId}`;

/** Who the ingestion history names for scheduled collections. */
export const COST_EXPLORER_PRINCIPAL = 'system:cost-explorer';

export interface CostExplorerSourceDeps {
  store: BillingStore;
  accounts: AccountStore;
  costs: CostStore;
  /** The tenant-scoped table client and table, for the deletes BillingStore and CostStore lack. */
  doc: DynamoDBDocumentClient;
  tableName: string;
}

/**
 * Which other source of the tenant already delivers this linked account's charges, if any: a
 * bucket source reading an export in that account (its export covers the account even before the
 * first delivery), or any source whose stored periods name the account (each period's metadata
 * lists the linked accounts it holds).
 */
export async function sourceCoveringAccount(deps: CostExplorerSourceDeps, tenantId: string, accountId: string): Promise<BillingSourceRecord | null> {
  const own = costExplorerSourceId(accountId);
  const sources = new Map<string, BillingSourceRecord>();
  let cursor: string | undefined;
  do {
    const page = await deps.store.listSources(tenantId, 500, cursor, 'cost-explorer-coverage');
    for (const source of page.items) if (source.id !== own) sources.set(source.id, source);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  for (const source of sources.values()) if (source.kind === 'bucket' && source.accountId === accountId) return source;
  const pointers = (await deps.costs.currentVersions(tenantId, '0000-01', '9999-12'))
    .filter((p) => p.sourceId !== own)
    // Newest first: an account an export covers now shows up in its latest months.
    .sort((a, b) => b.period.localeCompare(a.period));
  for (const pointer of pointers) {
    const meta = await deps.costs.readMeta(tenantId, pointer.sourceId, pointer.period, pointer.version);
    if (meta && Object.hasOwn(meta.accountNames, accountId)) {
      return sources.get(pointer.sourceId) ?? { id: pointer.sourceId, name: pointer.sourceId, kind: 'upload', bucket: null, prefix: null, defaultCurrency: null, lastDeliveredAt: null, createdAt: pointer.updatedAt };
    }
  }
  return null;
}

/**
 * Switches Cost Explorer collection on for a connected account: 400 if the account is not
 * connected, 409 if it is on already or if another source of the tenant already brings the
 * account's charges (collecting them again would count them twice).
 */
export async function enableCostExplorer(
  deps: CostExplorerSourceDeps,
  tenantId: string,
  input: { name: string; accountId: string; defaultCurrency: string | null },
  now = new Date(),
): Promise<BillingSourceRecord> {
  let account;
  try {
    account = await deps.accounts.get(tenantId, input.accountId);
  } catch (error) {
    if (!(error instanceof NotFound)) throw error;
    throw new Invalid('The account is not connected.', [{ field: 'body.accountId', message: 'connect this AWS account first (Govern > Accounts)' }]);
  }
  const id = costExplorerSourceId(account.id);
  try {
    await deps.store.getSource(tenantId, id);
    throw new Conflict(`Cost Explorer collection is already on for ${account.name} (${account.id}).`, 'COST_EXPLORER_ALREADY_ON');
  } catch (error) {
    if (!(error instanceof NotFound)) throw error;
  }
  const covering = await sourceCoveringAccount(deps, tenantId, account.id);
  if (covering) {
    throw new Conflict(
      `The charges of ${account.name} (${account.id}) already arrive from the billing source “${covering.name}”; collecting them from Cost Explorer too would count them twice.`,
      'ACCOUNT_ALREADY_BILLED',
      { sourceId: covering.id, accountId: account.id },
    );
  }
  const source: BillingSourceRecord = {
    id,
    name: input.name,
    kind: 'cost-explorer',
    bucket: null,
    prefix: null,
    defaultCurrency: input.defaultCurrency,
    accountId: account.id,
    lastScan: null,
    lastCollection: null,
    lastDeliveredAt: null,
    createdAt: now.toISOString(),
  };
  await deps.store.putSource(tenantId, source);
  return source;
}

/**
 * Removes a Cost Explorer source with the costs it collected (the periods' pointers first, so the
 * views stop counting them at once, then the stored versions): switching off, or disconnecting
 * the account. Another source can then bring the account's charges without counting them twice.
 */
export async function removeCostExplorerSource(deps: Pick<CostExplorerSourceDeps, 'store' | 'costs' | 'doc' | 'tableName'>, tenantId: string, sourceId: string): Promise<BillingSourceRecord> {
  const source = await deps.store.getSource(tenantId, sourceId);
  if (source.kind !== 'cost-explorer') {
    throw new Conflict('Only a Cost Explorer source can be removed; upload and export bucket sources keep their history.', 'NOT_A_COST_EXPLORER_SOURCE');
  }
  await deps.doc.send(new DeleteCommand({ TableName: deps.tableName, Key: keys.billingSource(tenantId, sourceId) }));
  for (const pointer of await deps.costs.currentVersions(tenantId, '0000-01', '9999-12')) {
    if (pointer.sourceId !== sourceId) continue;
    await deps.doc.send(new DeleteCommand({ TableName: deps.tableName, Key: keys.costPointer(tenantId, sourceId, pointer.period) }));
    await deps.costs.deleteVersion(tenantId, sourceId, pointer.period, pointer.version);
  }
  return source;
}

/** Removes the account's Cost Explorer source, if it has one (the account is being disconnected). */
export async function removeCostExplorerSourceOf(deps: Pick<CostExplorerSourceDeps, 'store' | 'costs' | 'doc' | 'tableName'>, tenantId: string, accountId: string): Promise<boolean> {
  try {
    await removeCostExplorerSource(deps, tenantId, costExplorerSourceId(accountId));
    return true;
  } catch (error) {
    if (error instanceof NotFound) return false;
    throw error;
  }
}

/**
 * Records one collection of a Cost Explorer source as a queued ingestion (visible in the ingestion
 * history at once; run.ts collects into it). `id` makes it idempotent: the daily schedule derives
 * it from the source and the day, so a retried schedule collects once. Returns null when that
 * ingestion was recorded before.
 */
export async function recordCostExplorerCollection(
  deps: { store: BillingStore },
  tenantId: string,
  sourceId: string,
  input: { trigger: 'manual' | 'schedule'; createdBy: string; id?: string },
  now = new Date(),
): Promise<IngestionRecord | null> {
  const source = await deps.store.getSource(tenantId, sourceId);
  if (source.kind !== 'cost-explorer' || !source.accountId) {
    throw new Conflict('Only a Cost Explorer source is collected; an export bucket source is scanned.', 'NOT_A_COST_EXPLORER_SOURCE');
  }
  const at = now.toISOString();
  const ingestion = queuedIngestion({ id: input.id, sourceId, uploadIds: [], createdAt: at, createdBy: input.createdBy });
  try {
    await deps.store.putIngestion(tenantId, ingestion);
  } catch (error) {
    if (!input.id || (error as Error).name !== 'ConditionalCheckFailedException') throw error;
    return null;
  }
  await deps.store.recordCollection(tenantId, sourceId, { at, trigger: input.trigger, ingestionId: ingestion.id });
  return ingestion;
}
