import { describe, expect, it } from 'vitest';
import { CostExplorerCollectionError, recordCollectionFailure, runCostExplorerCollection, type CollectDeps } from '#functions/billing/collect/run.js';
import { bytesSource, openBillingFile } from '#functions/billing/parse/index.js';
import type { BillingSourceRecord, IngestionRecord, UploadRecord } from '#functions/billing/store.js';
import { DEMO_SANDBOX, LocalCostExplorer, localCostExplorerClients, sandboxCharges } from '#local/demo/cost-explorer.js';
import { NotFound } from '#shared/errors.js';

/**
 * One collection (run.ts) with in-memory stores and the local Cost Explorer: the FOCUS file it hands
 * to the ingestion parses, with the real parser, to exactly what Cost Explorer recorded; refusals
 * are typed and recorded on the ingestion.
 */
const TENANT = 'tenant_1';
const NOW = new Date('2026-12-03T06:00:00Z');
const roleArn = `arn:aws:iam::${DEMO_SANDBOX.id}:role/cloudoptima/CloudOptimaReadOnly`;

function harness(options: { clientFor?: CollectDeps['clientFor']; account?: boolean } = {}) {
  const source: BillingSourceRecord = { id: `ce-${DEMO_SANDBOX.id}`, name: 'sandbox', kind: 'cost-explorer', bucket: null, prefix: null, defaultCurrency: null, accountId: DEMO_SANDBOX.id, lastDeliveredAt: null, createdAt: NOW.toISOString() };
  const ingestion: IngestionRecord = {
    id: '01JCOLLECT00000000000000000',
    sourceId: source.id,
    uploadIds: [],
    status: 'queued',
    files: [],
    rowsRead: 0,
    rowsRejected: 0,
    rejections: [],
    sourceTotals: [],
    storedTotals: [],
    periods: [],
    error: null,
    createdAt: NOW.toISOString(),
    createdBy: 'user_1',
    startedAt: null,
    finishedAt: null,
  };
  const objects = new Map<string, string>();
  const uploads: UploadRecord[] = [];
  const started: Array<[string, string, unknown]> = [];
  const deps = {
    billing: {
      getIngestion: async () => ({ ...ingestion }),
      getSource: async () => source,
      putUpload: async (_t: string, upload: UploadRecord) => void uploads.push(upload),
      updateIngestion: async (_t: string, _id: string, patch: Partial<IngestionRecord>) => void Object.assign(ingestion, patch),
    },
    costs: { currentVersions: async () => [] },
    accounts: {
      get: async (_t: string, id: string) => {
        if (options.account === false) throw new NotFound('Account not found.');
        return { id, name: DEMO_SANDBOX.name, roleArn, externalId: 'cloudoptima-x' };
      },
    },
    objects: { write: async (key: string, body: string) => void objects.set(key, body) },
    workflows: { start: async (workflow: string, name: string, input: unknown) => void started.push([workflow, name, input]) },
    clientFor: options.clientFor ?? (() => new LocalCostExplorer(DEMO_SANDBOX.id, () => NOW)),
  } as unknown as CollectDeps;
  return { deps, ingestion, objects, uploads, started };
}

describe('one Cost Explorer collection', () => {
  it('hands the ingestion one FOCUS file that parses to exactly the recorded charges, and starts the ingestion workflow', async () => {
    const { deps, ingestion, objects, uploads, started } = harness();
    const outcome = await runCostExplorerCollection(deps, TENANT, ingestion.id, NOW);
    // December 3rd: November is not final yet, so it is collected again with the month to date.
    expect(outcome).toMatchObject({ window: { start: '2026-11-01', end: '2026-12-03' }, uploadId: `${ingestion.id}-1` });
    expect(uploads).toEqual([expect.objectContaining({ id: `${ingestion.id}-1`, sourceId: `ce-${DEMO_SANDBOX.id}`, contentType: 'text/csv', createdBy: 'user_1' })]);
    expect(ingestion.uploadIds).toEqual([`${ingestion.id}-1`]);
    expect(started).toEqual([['ingestion', ingestion.id, { tenantId: TENANT, ingestionId: ingestion.id }]]);

    const csv = objects.get(uploads[0]!.objectKey)!;
    const file = await openBillingFile(bytesSource(new TextEncoder().encode(csv)), { fileName: uploads[0]!.fileName });
    let rows = 0;
    for await (const batch of file.batches) for (const record of batch) {
      expect(record.kind).toBe('cost');
      rows++;
    }
    expect(file.format).toMatch(/^focus/);
    const expected = new Map<string, bigint>();
    for (let d = Date.parse('2026-11-01T00:00:00Z'); d < Date.parse('2026-12-03T00:00:00Z'); d += 86_400_000) {
      for (const c of sandboxCharges(new Date(d).toISOString().slice(0, 10))) expected.set(`${c.day.slice(0, 7)}-01`, (expected.get(`${c.day.slice(0, 7)}-01`) ?? 0n) + c.unblended * 100n);
    }
    const totals = file.totals();
    expect(totals.rowsRejected).toBe(0);
    expect(rows).toBe(outcome!.rows);
    expect(new Map(totals.periods.map((p) => [p.billingPeriodStart, p.billedCost]))).toEqual(expected);
    expect(new Map(totals.periods.map((p) => [p.billingPeriodStart, p.effectiveCost]))).toEqual(expected);

    // Handed over: a retried task does nothing more.
    expect(await runCostExplorerCollection(deps, TENANT, ingestion.id, NOW)).toBeNull();
    expect(started).toHaveLength(1);
  });

  it('refuses with a code: the role cannot be assumed, the account is gone, Cost Explorer says no', async () => {
    const denied = harness({ clientFor: localCostExplorerClients(() => NOW) });
    // The local provider lets in only the template's role in a recorded account: make it another account's.
    (denied.deps.accounts as unknown as { get: unknown }).get = async () => ({ id: '999999999999', name: 'x', roleArn: 'arn:aws:iam::999999999999:role/cloudoptima/CloudOptimaReadOnly', externalId: 'e' });
    await expect(runCostExplorerCollection(denied.deps, TENANT, denied.ingestion.id, NOW)).rejects.toMatchObject({ name: 'CostExplorerCollectionError', code: 'ACCOUNT_UNREACHABLE' });
    await expect(runCostExplorerCollection(harness({ account: false }).deps, TENANT, denied.ingestion.id, NOW)).rejects.toMatchObject({ code: 'ACCOUNT_NOT_CONNECTED' });
    const refused = harness({ clientFor: () => ({ send: async () => Promise.reject(Object.assign(new Error('User is not authorized to perform ce:GetCostAndUsage'), { name: 'AccessDeniedException' })) }) });
    await expect(runCostExplorerCollection(refused.deps, TENANT, refused.ingestion.id, NOW)).rejects.toMatchObject({ code: 'COST_EXPLORER_REFUSED' });
    const empty = harness({ clientFor: () => new LocalCostExplorer('318274650192', () => NOW) });
    await expect(runCostExplorerCollection(empty.deps, TENANT, empty.ingestion.id, NOW)).rejects.toMatchObject({ code: 'NO_CHARGES' });
    expect(empty.started).toEqual([]);
  });

  it('records a refusal on the ingestion with its own code, as Step Functions hands it over', async () => {
    const { deps, ingestion } = harness();
    const error = new CostExplorerCollectionError('ACCOUNT_UNREACHABLE', 'AssumeRole on arn failed: AccessDenied');
    await recordCollectionFailure(deps.billing, TENANT, ingestion.id, { Error: 'CostExplorerCollectionError', Cause: JSON.stringify({ errorType: error.name, errorMessage: error.message }) });
    expect(ingestion).toMatchObject({ status: 'failed', error: { code: 'ACCOUNT_UNREACHABLE', message: 'AssumeRole on arn failed: AccessDenied' }, finishedAt: expect.any(String) });

    const other = harness();
    await recordCollectionFailure(other.deps.billing, TENANT, other.ingestion.id, { Error: 'Lambda.Unknown', Cause: 'not json' });
    expect(other.ingestion.error).toEqual({ code: 'Lambda.Unknown', message: 'not json' });
  });
});
