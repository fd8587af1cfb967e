import type { Role } from '#shared/auth/permissions.js';
import { cognito } from '#shared/aws/clients.js';
import { config } from '#shared/config.js';
import { Directory } from '#shared/db/directory.js';
import { TenantRegistry } from '#shared/db/registry.js';
import { SessionRevocations } from '#shared/db/sessions.js';
import { CognitoIdentityProvider } from '#shared/identity/cognito.js';
import { functionRuntime } from '#shared/runtime.js';
import type { AuthDeps } from '#functions/auth/service.js';
import { completeNewPassword, logIn, signUp } from '#functions/auth/service.js';
import { inviteUser } from '#functions/users/service.js';

/** The demo organization and its people, one per role. */
export const DEMO_ORGANIZATION = 'Demo Corp';
export const DEMO_USERS: ReadonlyArray<{ email: string; role: Role; name: string }> = [
  { email: 'admin@demo.example', role: 'admin', name: 'Ada Admin' },
  { email: 'finops@demo.example', role: 'finops_manager', name: 'Fin Ops' },
  { email: 'engineer@demo.example', role: 'engineer', name: 'Eng Ineer' },
  { email: 'analyst@demo.example', role: 'analyst', name: 'Ana Lyst' },
  { email: 'viewer@demo.example', role: 'viewer', name: 'Vi Ewer' },
];

/**
 * Seeds the demo tenant through the same domain services the API runs (sign-up, invite, first
 * sign-in), so the demo is made the way a customer's tenant is. Returns the tenant id.
 */
export async function seedDemoTenant(password: string, progress: (step: string) => void): Promise<string> {
  const { tables, tableName, cursorSecret } = await functionRuntime();
  const identity = new CognitoIdentityProvider(cognito(), {
    userPoolId: config.userPoolId(),
    clientId: config.userPoolClientId(),
    sendInvitations: false,
  });
  const deps: AuthDeps = {
    identity,
    registry: new TenantRegistry(tables.base, tableName),
    directoryFor: (tenantId) => new Directory(tables.forTenant(tenantId), tableName, cursorSecret),
    sessionsFor: (tenantId) => new SessionRevocations(tables.forTenant(tenantId), tableName),
  };

  const [admin, ...others] = DEMO_USERS;
  progress(`creating ${DEMO_ORGANIZATION} with ${admin!.email}`);
  const { tenant, user } = await signUp(deps, { email: admin!.email, password, organizationName: DEMO_ORGANIZATION });
  const directory = deps.directoryFor(tenant.id);
  await directory.updateUser(tenant.id, user, { name: admin!.name });
  const adminContext = {
    tenantId: tenant.id,
    principalId: user.id,
    principalType: 'user' as const,
    role: 'admin' as const,
    email: user.email,
    sessionId: null,
    sessionExpiresAt: null,
  };
  for (const person of others) {
    progress(`inviting ${person.email} (${person.role})`);
    const { temporaryPassword } = await inviteUser({ identity, directory }, adminContext, person);
    const first = await logIn(deps, person.email, temporaryPassword!);
    if (!('challenge' in first)) throw new Error(`${person.email}: expected the new-password challenge`);
    await completeNewPassword(deps, { email: person.email, session: first.session, newPassword: password });
  }
  return tenant.id;
}

/**
 * Seeds the demo tenant's billing data the way a customer's arrives: a FOCUS 1.2 export (gzip)
 * in the object store as an upload to a billing source, then the real ingestion workflow.
 * Returns the ingestion id once it has succeeded.
 */
export async function seedDemoBilling(tenantId: string, endDate: string, progress: (step: string) => void): Promise<string> {
  const { mkdir } = await import('node:fs/promises');
  const { dirname, join } = await import('node:path');
  const { ulid } = await import('ulid');
  const { writeDemoBillingCsv } = await import('./demo/billing.js');
  const { BillingStore } = await import('#functions/billing/store.js');
  const { tenantObjectKey } = await import('#shared/storage/object-store.js');
  const { workflowStarter } = await import('#shared/workflows.js');
  const { tables, tableName, cursorSecret } = await functionRuntime();
  const store = new BillingStore(tables.forTenant(tenantId), tableName, cursorSecret);
  const now = new Date().toISOString();
  const admin = await new Directory(tables.forTenant(tenantId), tableName, cursorSecret).listUsers(tenantId, 1, undefined, 'seed');

  const sourceId = ulid();
  await store.putSource(tenantId, { id: sourceId, name: 'Demo Corp FOCUS 1.2 export', kind: 'upload', bucket: null, prefix: null, defaultCurrency: null, lastDeliveredAt: null, createdAt: now });
  const uploadId = ulid();
  const fileName = `demo-corp-focus-1.2-to-${endDate}.csv.gz`;
  const objectKey = tenantObjectKey(tenantId, 'uploads', uploadId, fileName);
  progress(`generating 15 months of FOCUS billing data to ${endDate}`);
  const path = join(config.localObjects()!.dir, objectKey);
  await mkdir(dirname(path), { recursive: true });
  const written = await writeDemoBillingCsv(path, { endDate, gzip: true });
  await store.putUpload(tenantId, { id: uploadId, sourceId, fileName, objectKey, contentType: 'application/gzip', createdAt: now, createdBy: admin.items[0]?.id ?? 'seed' });

  progress(`ingesting ${written.rows.toLocaleString('en-US')} rows through the ingestion workflow`);
  const { startIngestion } = await import('#functions/billing/service.js');
  const { objectStore } = await import('#shared/runtime.js');
  const { id: ingestionId } = await startIngestion({ store, objects: objectStore(), workflows: workflowStarter() }, tenantId, {
    sourceId,
    uploadIds: [uploadId],
    createdBy: admin.items[0]?.id ?? 'seed',
  });
  for (;;) {
    const ingestion = await store.getIngestion(tenantId, ingestionId);
    if (ingestion.status === 'succeeded') {
      await seedDemoBudgets(tenantId, admin.items[0]?.id ?? 'seed', progress);
      return ingestionId;
    }
    if (ingestion.status === 'failed') throw new Error(`demo ingestion failed: ${ingestion.error?.code} ${ingestion.error?.message}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Two budgets sized from last month's real spend, so the dashboard has one of each kind: all spend
 * at 1.5 times last month (on track), and compute at half of last month's (at risk or exceeded).
 */
export async function seedDemoBudgets(tenantId: string, createdBy: string, progress: (step: string) => void): Promise<void> {
  const { BudgetStore } = await import('#shared/budgets/store.js');
  const { CostQueries } = await import('#shared/costs/query.js');
  const { CostStore } = await import('#shared/costs/store.js');
  const { addMonths, periodOf } = await import('#shared/costs/dates.js');
  const { formatDecimal, parseDecimal } = await import('#shared/money.js');
  const { tables, tableName, cursorSecret } = await functionRuntime();
  const client = tables.forTenant(tenantId);
  const queries = new CostQueries(new CostStore(client, tableName), tenantId);
  const today = new Date().toISOString().slice(0, 10);
  const lastMonth = addMonths(periodOf(today), -1);
  const range = { start: `${lastMonth}-01`, end: `${periodOf(today)}-01` };
  const compute = ['Amazon Elastic Compute Cloud'];
  const [all, ec2] = await Promise.all(
    [[], [{ dimension: 'service' as const, values: compute }]].map((filters) =>
      queries.breakdown({ ...range, metric: 'billed', currency: 'USD', filters, groupBy: 'chargeCategory', granularity: 'monthly', top: 50 }, today),
    ),
  );
  // Whole dollars: budgets are set in round figures.
  const scaled = (total: string, numerator: bigint, denominator: bigint) => formatDecimal(((parseDecimal(total) * numerator) / denominator / 10n ** 12n) * 10n ** 12n, { minFractionDigits: 0 });
  const store = new BudgetStore(client, tableName, cursorSecret);
  const now = new Date().toISOString();
  const thresholds = [{ percent: 80, on: 'actual' as const }, { percent: 100, on: 'actual' as const }, { percent: 100, on: 'forecasted' as const }];
  progress('creating two demo budgets');
  await store.create(tenantId, { name: 'Monthly cloud spend', amount: scaled(all!.total, 3n, 2n), currency: 'USD', period: 'monthly', metric: 'billed', filters: {}, thresholds }, createdBy, now);
  await store.create(tenantId, { name: 'EC2 compute', amount: scaled(ec2!.total, 1n, 2n), currency: 'USD', period: 'monthly', metric: 'billed', filters: { service: compute }, thresholds }, createdBy, now);
}

/** Yesterday (UTC): the demo's data runs up to it, so month-to-date views have something to show. */
export const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

/**
 * Connects Demo Corp's AWS accounts (the recorded demo accounts answer for them locally) the way a
 * customer does: the role the onboarding template creates in each, with the tenant's ExternalId.
 * Idempotent: accounts already connected are left as they are. Returns how many were added.
 */
export async function connectDemoAccounts(tenantId: string, progress: (step: string) => void, options: { costExplorer?: boolean } = {}): Promise<number> {
  const { AccountStore } = await import('#shared/accounts/store.js');
  const { DEMO_ACCOUNTS } = await import('./demo/dimensions.js');
  const { demoRoleArn } = await import('./demo/inventory.js');
  const { tables, tableName, cursorSecret } = await functionRuntime();
  const store = new AccountStore(tables.forTenant(tenantId), tableName, cursorSecret);
  const externalId = await store.externalId(tenantId);
  const admin = await new Directory(tables.forTenant(tenantId), tableName, cursorSecret).listUsers(tenantId, 1, undefined, 'seed');
  let added = 0;
  for (const account of Object.values(DEMO_ACCOUNTS)) {
    try {
      await store.create(tenantId, {
        id: account.id,
        name: account.name,
        roleArn: demoRoleArn(account.id),
        externalId,
        status: 'pending',
        lastTest: null,
        lastSync: null,
        connectedAt: new Date().toISOString(),
        connectedBy: admin.items[0]?.id ?? 'seed',
      });
      added++;
    } catch (error) {
      if ((error as Error).name !== 'Conflict') throw error;
    }
  }
  if (added) progress(`connected ${added} demo AWS accounts (recorded, local)`);
  if (options.costExplorer) await seedDemoCostExplorer(tenantId, externalId, admin.items[0]?.id ?? 'seed', progress);
  return added;
}

/**
 * Demo Sandbox: a recorded account without a billing export, connected with Cost Explorer
 * collection on (local/demo/cost-explorer.ts answers for it), then collected through the real
 * path (the cost-explorer workflow, then the ingestion workflow). No daily schedule runs locally, so
 * every start collects it once, replacing its month to date. Waits until its ingestion settles.
 * Its Cost Explorer answers are live (through yesterday), so only a live demo (data through
 * yesterday, the default) connects it: a demo pinned to an earlier end date (the integration tests')
 * keeps exactly the generator's data.
 */
export async function seedDemoCostExplorer(tenantId: string, externalId: string, createdBy: string, progress: (step: string) => void): Promise<void> {
  const { AccountStore } = await import('#shared/accounts/store.js');
  const { CostStore } = await import('#shared/costs/store.js');
  const { BillingStore } = await import('#functions/billing/store.js');
  const { enableCostExplorer, costExplorerExecutionName, costExplorerSourceId, recordCostExplorerCollection } = await import('#functions/billing/collect/sources.js');
  const { workflowStarter } = await import('#shared/workflows.js');
  const { DEMO_SANDBOX } = await import('./demo/cost-explorer.js');
  const { demoRoleArn } = await import('./demo/inventory.js');
  const { tables, tableName, cursorSecret } = await functionRuntime();
  const doc = tables.forTenant(tenantId);
  const accounts = new AccountStore(doc, tableName, cursorSecret);
  const store = new BillingStore(doc, tableName, cursorSecret);
  try {
    await accounts.create(tenantId, {
      id: DEMO_SANDBOX.id,
      name: DEMO_SANDBOX.name,
      roleArn: demoRoleArn(DEMO_SANDBOX.id),
      externalId,
      status: 'pending',
      lastTest: null,
      lastSync: null,
      connectedAt: new Date().toISOString(),
      connectedBy: createdBy,
    });
  } catch (error) {
    if ((error as Error).name !== 'Conflict') throw error;
  }
  try {
    await enableCostExplorer({ store, accounts, costs: new CostStore(doc, tableName), doc, tableName }, tenantId, {
      name: `Cost Explorer: ${DEMO_SANDBOX.name}`,
      accountId: DEMO_SANDBOX.id,
      defaultCurrency: null,
    });
    progress(`connected ${DEMO_SANDBOX.name} (${DEMO_SANDBOX.id}) with Cost Explorer collection on`);
  } catch (error) {
    if ((error as Error).name !== 'Conflict') throw error;
  }
  const ingestion = await recordCostExplorerCollection({ store }, tenantId, costExplorerSourceId(DEMO_SANDBOX.id), { trigger: 'manual', createdBy });
  if (!ingestion) return;
  await workflowStarter().start('costexplorer', costExplorerExecutionName(ingestion.id), { trigger: 'manual', tenantId, ingestionId: ingestion.id });
  for (let waited = 0; waited < 60_000; waited += 100) {
    const { status, error } = await store.getIngestion(tenantId, ingestion.id);
    if (status === 'succeeded') return progress(`collected ${DEMO_SANDBOX.name}'s month to date from Cost Explorer (local)`);
    if (status === 'failed') return progress(`Cost Explorer collection of ${DEMO_SANDBOX.name} failed: ${error?.code} ${error?.message}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  progress(`Cost Explorer collection of ${DEMO_SANDBOX.name} is still running (ingestion ${ingestion.id})`);
}
