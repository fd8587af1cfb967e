import { ulid } from 'ulid';
import { billingRoutes } from '#shared/contracts/billing.js';
import { CostStore } from '#shared/costs/store.js';
import { queryFingerprint } from '#shared/db/cursor.js';
import { callerOf, implement } from '#shared/http/api-request.js';
import { createApiHandler, tableStores } from '#shared/http/handler.js';
import { functionRuntime, objectStore } from '#shared/runtime.js';
import { tenantObjectKey } from '#shared/storage/object-store.js';
import { workflowStarter } from '#shared/workflows.js';
import { AccountStore } from '#shared/accounts/store.js';
import { Invalid, NotFound } from '#shared/errors.js';
import { costExplorerExecutionName, enableCostExplorer, recordCostExplorerCollection, removeCostExplorerSource, type CostExplorerSourceDeps } from './collect/sources.js';
import { scanExportSource } from './exports.js';
import { exportDeps } from './exports-deps.js';
import { startIngestion } from './service.js';
import { BillingStore, type BillingSourceRecord } from './store.js';

const runtime = await functionRuntime();
const { tables, tableName, cursorSecret } = runtime;
const storeFor = (tenantId: string) => new BillingStore(tables.forTenant(tenantId), tableName, cursorSecret);
const costExplorerDeps = (tenantId: string): CostExplorerSourceDeps => {
  const doc = tables.forTenant(tenantId);
  return { store: storeFor(tenantId), accounts: new AccountStore(doc, tableName, cursorSecret), costs: new CostStore(doc, tableName), doc, tableName };
};
/** Uploads must start within this long; large exports upload in minutes. */
const UPLOAD_URL_SECONDS = 15 * 60;

/** A source with the freshness of each billing period it delivered (from the period pointers). */
async function withPeriods(tenantId: string, sources: BillingSourceRecord[]) {
  const pointers = sources.length ? await new CostStore(tables.forTenant(tenantId), tableName).currentVersions(tenantId, '0000-01', '9999-12') : [];
  return sources.map((source) => ({
    ...source,
    accountId: source.accountId ?? null,
    lastScan: source.lastScan ?? null,
    lastCollection: source.lastCollection ?? null,
    periods: pointers
      .filter((p) => p.sourceId === source.id)
      .map((p) => ({ period: p.period, status: p.status, updatedAt: p.updatedAt, ingestionId: p.version })),
  }));
}

export const handler = createApiHandler(
  'billing',
  [
    implement(billingRoutes.createSource, async (req) => {
      const { tenantId } = callerOf(req);
      if (req.body.kind === 'cost-explorer') {
        const source = await enableCostExplorer(costExplorerDeps(tenantId), tenantId, { name: req.body.name, accountId: req.body.accountId!, defaultCurrency: req.body.defaultCurrency ?? null });
        return { ...source, accountId: source.accountId ?? null, lastScan: null, lastCollection: null, periods: [] };
      }
      const accountId = req.body.kind === 'bucket' ? (req.body.accountId ?? null) : null;
      if (accountId) {
        try {
          await new AccountStore(tables.forTenant(tenantId), tableName, cursorSecret).get(tenantId, accountId);
        } catch (error) {
          if (!(error instanceof NotFound)) throw error;
          throw new Invalid('The account is not connected.', [{ field: 'body.accountId', message: 'connect this AWS account first (Govern > Accounts)' }]);
        }
      }
      const source: BillingSourceRecord = {
        id: ulid(),
        name: req.body.name,
        kind: req.body.kind,
        bucket: req.body.bucket ?? null,
        prefix: req.body.prefix ?? null,
        defaultCurrency: req.body.defaultCurrency ?? null,
        accountId,
        lastScan: null,
        lastDeliveredAt: null,
        createdAt: new Date().toISOString(),
      };
      await storeFor(tenantId).putSource(tenantId, source);
      return { ...source, lastCollection: null, periods: [] };
    }),
    implement(billingRoutes.collectSource, async (req) => {
      const caller = callerOf(req);
      const ingestion = (await recordCostExplorerCollection({ store: storeFor(caller.tenantId) }, caller.tenantId, req.params.id, { trigger: 'manual', createdBy: caller.principalId }))!;
      // The collection runs in the cost-explorer workflow: this function stays free of the Cost Explorer SDK.
      await workflowStarter().start('costexplorer', costExplorerExecutionName(ingestion.id), { trigger: 'manual', tenantId: caller.tenantId, ingestionId: ingestion.id });
      return ingestion;
    }),
    implement(billingRoutes.deleteSource, async (req) => {
      const { tenantId } = callerOf(req);
      await removeCostExplorerSource(costExplorerDeps(tenantId), tenantId, req.params.id);
      return null;
    }),
    implement(billingRoutes.listSources, async (req) => {
      const { tenantId } = callerOf(req);
      const page = await storeFor(tenantId).listSources(tenantId, req.query.limit, req.query.cursor, queryFingerprint('listBillingSources', {}));
      return { items: await withPeriods(tenantId, page.items), nextCursor: page.nextCursor };
    }),
    implement(billingRoutes.getSource, async (req) => {
      const { tenantId } = callerOf(req);
      const [source] = await withPeriods(tenantId, [await storeFor(tenantId).getSource(tenantId, req.params.id)]);
      return source!;
    }),
    implement(billingRoutes.scanSource, async (req) => {
      const { tenantId } = callerOf(req);
      return scanExportSource(exportDeps(runtime, tenantId), tenantId, req.params.id, 'manual');
    }),
    implement(billingRoutes.createUpload, async (req) => {
      const caller = callerOf(req);
      const store = storeFor(caller.tenantId);
      await store.getSource(caller.tenantId, req.body.sourceId);
      const id = ulid();
      const upload = {
        id,
        sourceId: req.body.sourceId,
        fileName: req.body.fileName,
        contentType: req.body.contentType,
        objectKey: tenantObjectKey(caller.tenantId, 'uploads', id, req.body.fileName),
        createdAt: new Date().toISOString(),
        createdBy: caller.principalId,
      };
      await store.putUpload(caller.tenantId, upload);
      const target = await objectStore().presignPut(upload.objectKey, { expiresInSeconds: UPLOAD_URL_SECONDS, contentType: upload.contentType });
      return { upload: { id, sourceId: upload.sourceId, fileName: upload.fileName, contentType: upload.contentType, createdAt: upload.createdAt }, target };
    }),
    implement(billingRoutes.createIngestion, async (req) => {
      const caller = callerOf(req);
      return startIngestion({ store: storeFor(caller.tenantId), objects: objectStore(), workflows: workflowStarter() }, caller.tenantId, {
        ...req.body,
        createdBy: caller.principalId,
      });
    }),
    implement(billingRoutes.listIngestions, async (req) => {
      const { tenantId } = callerOf(req);
      return storeFor(tenantId).listIngestions(tenantId, req.query.limit, req.query.cursor, queryFingerprint('listBillingIngestions', {}));
    }),
    implement(billingRoutes.getIngestion, async (req) => {
      const { tenantId } = callerOf(req);
      return storeFor(tenantId).getIngestion(tenantId, req.params.id);
    }),
  ],
  tableStores(runtime),
);
