import '#shared/polyfills.js';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CognitoIdentityProviderClient, DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult, Context } from 'aws-lambda';
import { ROUTES } from '#shared/contracts/routes.js';
import { password as passwordPolicy } from '#shared/contracts/common.js';
import { DOMAINS, type Domain } from '#shared/http/route.js';
import { createUserPool, ensureGroups, startCognitoLocal, type UserPoolIds } from './cognito.js';
import { ensureTable, localClient, startDynamoDbLocal } from './dynamodb.js';
import { CONSOLE_DIST } from './console-build.js';
import { createGateway } from './gateway.js';
import { freePort } from './ports.js';
import { runStateMachine } from './stepfunctions.js';
import { LocalWorkflowStarter } from './workflows.js';
import { LocalObjectStore } from '#shared/storage/local-object-store.js';
import { useWorkflowStarter } from '#shared/workflows.js';
import { useLocalOrganizationSource } from '#shared/accounts/organization.js';
import { useLocalInventoryProvider } from '#shared/inventory/provider.js';
import { useLocalExportBuckets } from '#shared/billing/export-bucket.js';
import { objectStore } from '#shared/runtime.js';

/**
 * The whole platform on one machine: DynamoDB Local, cognito-local, the local API gateway with the
 * real authorizer and domain handlers, the console, and the demo tenant. The handlers read the same
 * environment variables CDK sets in AWS; only the endpoints point at the emulators.
 */
export interface PlatformOptions {
  port: number;
  host?: string;
  /** Where state persists between runs; null keeps everything in a throw-away folder. */
  dataDir: string | null;
  fresh?: boolean;
  authorizerCacheTtlSeconds?: number;
  /** Seed "Demo Corp" with one user per role, using this password; null skips seeding. */
  demoPassword: string | null;
  /** The demo's billing data runs to this day (default: yesterday, UTC); null seeds no billing data. */
  demoBillingEndDate?: string | null;
  /** The built console to serve (default web/dist; `ensureConsoleBuilt` builds it). */
  consoleDir?: string;
  log?: (line: string) => void;
}

export interface Platform {
  url: string;
  /** Resolves when the emulators are up and every route answers. */
  booted: Promise<void>;
  /** Resolves when the demo tenant exists (or at once when seeding is off). */
  seeded: Promise<string | null>;
  /** Runs of the local Step Functions (ingestions): `settled()` waits for all of them. */
  workflows: LocalWorkflowStarter;
  state: LocalState;
  stop(): Promise<void>;
}

interface LocalState extends Partial<UserPoolIds> {
  cursorSecret: string;
  demoBillingIngestionId?: string;
  /** Signs the local object store's upload URLs. */
  objectsSecret?: string;
  demoTenantId?: string;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const TABLE_NAME = 'cloudoptima-local';

type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Each domain's Lambda entry, as CDK bundles it (a record keyed by Domain: a new domain must be added here). */
const HANDLER_MODULES: Record<Domain, () => Promise<{ handler: ProxyHandler }>> = {
  platform: () => import('../functions/platform/handler.js'),
  auth: () => import('../functions/auth/handler.js'),
  tenants: () => import('../functions/tenants/handler.js'),
  users: () => import('../functions/users/handler.js'),
  apikeys: () => import('../functions/apikeys/handler.js'),
  audit: () => import('../functions/audit/handler.js'),
  billing: () => import('../functions/billing/handler.js'),
  costs: () => import('../functions/costs/handler.js'),
  analysis: () => import('../functions/analysis/handler.js'),
  budgets: () => import('../functions/budgets/handler.js'),
  alerts: () => import('../functions/alerts/handler.js'),
  accounts: () => import('../functions/accounts/handler.js'),
  recommendations: () => import('../functions/recommendations/handler.js'),
  assistant: () => import('../functions/assistant/handler.js'),
};

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const log = options.log ?? ((line: string) => console.log(line));
  const host = options.host ?? '127.0.0.1';
  const ephemeral = options.dataDir === null;
  const dataDir = resolve(options.dataDir ?? join(ROOT, '.cloudoptima', 'tmp', `run-${process.pid}-${Date.now()}`));
  if (options.fresh && existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const statePath = join(dataDir, 'local.json');
  const state: LocalState = existsSync(statePath)
    ? (JSON.parse(readFileSync(statePath, 'utf8')) as LocalState)
    : { cursorSecret: randomBytes(32).toString('base64url') };
  state.objectsSecret ??= randomBytes(32).toString('base64url');
  const saveState = () => writeFileSync(statePath, JSON.stringify(state, null, 2));
  saveState();

  const [dynamoPort, cognitoPort] = [await freePort(), await freePort()];
  const dynamoEndpoint = `http://127.0.0.1:${dynamoPort}`;
  Object.assign(process.env, {
    CLOUDOPTIMA_LOCAL: 'true',
    // The emulators run on this machine's Node 20; Lambda runs nodejs22.x, where the SDK has nothing to warn about.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TABLE_NAME,
    CURSOR_SECRET: state.cursorSecret,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: `http://127.0.0.1:${cognitoPort}`,
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO',
  });

  // Health answers first: the platform domain needs only the table name and endpoint.
  const handlers = {} as Record<Domain, ProxyHandler>;
  const loaded = new Map<Domain, Promise<ProxyHandler>>();
  const load = (domain: Domain) => {
    if (!loaded.has(domain)) {
      loaded.set(domain, HANDLER_MODULES[domain]().then((m) => m.handler));
    }
    return loaded.get(domain)!;
  };
  let markBooted!: () => void;
  let failBoot!: (e: unknown) => void;
  const booted = new Promise<void>((ok, fail) => ((markBooted = ok), (failBoot = fail)));
  booted.catch(() => undefined);
  for (const domain of DOMAINS) {
    handlers[domain] = async (event, context) => {
      if (domain !== 'platform') await booted;
      return (await load(domain))(event, context);
    };
  }
  const authorizer = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    await booted;
    const { handler } = (await import('../functions/authorizer/handler.js')) as { handler: (e: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult> };
    return handler(event);
  };

  const objectsDir = join(dataDir, 'objects');
  const workflows = new LocalWorkflowStarter(
    {
      'cloudoptima-ingest': async (input) => (await import('../functions/billing/ingest/handler.js')).handler(input as never),
      'cloudoptima-analyze': async (input) => (await import('../functions/analysis/workflow.js')).handler(input as never),
      'cloudoptima-collect': async (input) => (await import('../functions/collect/workflow.js')).handler(input as never),
      'cloudoptima-collect-ec2': async (input) => (await import('../functions/collect/ec2.js')).handler(input as never),
      'cloudoptima-collect-services': async (input) => (await import('../functions/collect/services.js')).handler(input as never),
      'cloudoptima-recommend': async (input) => (await import('../functions/recommendations/workflow.js')).handler(input as never),
      'cloudoptima-billing-exports': async (input) => (await import('../functions/billing/exports-handler.js')).handler(input as never),
    },
    log,
  );
  useWorkflowStarter(workflows);
  // AWS has no local counterpart for the customer accounts: the recorded demo accounts answer.
  const { RecordedDemoAccounts } = await import('./demo/inventory.js');
  useLocalInventoryProvider(new RecordedDemoAccounts(options.demoBillingEndDate ?? undefined));
  // Their Cost Optimization Hub (and Compute Optimizer through it), imported by the analysis (local/demo/cost-optimization-hub.ts).
  const { RecordedCostOptimizationHub } = await import('./demo/cost-optimization-hub.js');
  (await import('#shared/recommendations/imports.js')).useLocalRecommendationImportSource(new RecordedCostOptimizationHub(options.demoBillingEndDate ?? undefined));
  // Cost Explorer: the recorded accounts answer GetCostAndUsage; Demo Sandbox has charges (local/demo/cost-explorer.ts).
  const { localCostExplorerClients } = await import('./demo/cost-explorer.js');
  (await import('#functions/billing/collect/aws.js')).useLocalCostExplorer(localCostExplorerClients());
  const { RecordedDemoOrganization } = await import('./demo/organization.js');
  useLocalOrganizationSource(new RecordedDemoOrganization());
  // Customers' export buckets: a folder per bucket; a file put there delivers its S3 event (local/export-buckets.ts).
  const exportBucketsDir = join(dataDir, 'export-buckets');
  const { LocalExportBuckets } = await import('./export-buckets.js');
  const exportBuckets = new LocalExportBuckets(exportBucketsDir, objectStore);
  exportBuckets.onObjectCreated(async ({ accountId, bucket, key }) => {
    await booted;
    const { handler } = await import('../functions/billing/exports-handler.js');
    return handler({ source: 'aws.s3', 'detail-type': 'Object Created', account: accountId, detail: { bucket: { name: bucket }, object: { key } } });
  });
  useLocalExportBuckets(exportBuckets);
  process.env.LOCAL_EXPORT_BUCKETS_DIR = exportBucketsDir;
  const gateway = createGateway({
    routes: ROUTES,
    handlers,
    authorizer,
    authorizerCacheTtlSeconds: options.authorizerCacheTtlSeconds ?? 60,
    consoleDir: options.consoleDir ?? CONSOLE_DIST,
    // Verifies and stores presigned uploads; presigning itself happens in the handlers' own store.
    objects: new LocalObjectStore(objectsDir, '', state.objectsSecret),
  });
  const { server } = gateway;
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port, host, () => ok());
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, { LOCAL_OBJECTS_DIR: objectsDir, LOCAL_OBJECTS_URL: url, LOCAL_OBJECTS_SECRET: state.objectsSecret, CONSOLE_URL: url });

  const stoppers: Array<() => Promise<void>> = [];
  exportBuckets.watch((error) => log(`export bucket event failed: ${(error as Error).message}`));
  stoppers.push(async () => exportBuckets.close());
  const boot = async () => {
    const started = Date.now();
    const [dynamo, cognitoLocal] = await Promise.all([
      startDynamoDbLocal(dynamoPort, ephemeral ? null : join(dataDir, 'dynamodb')),
      startCognitoLocal(join(dataDir, 'cognito'), cognitoPort),
    ]);
    stoppers.push(() => dynamo.stop(), () => cognitoLocal.stop());
    const dynamoClient = localClient(dynamo.endpoint);
    await ensureTable(dynamoClient, TABLE_NAME);
    dynamoClient.destroy();

    const cognitoClient = new CognitoIdentityProviderClient({ endpoint: cognitoLocal.endpoint });
    const poolExists = state.userPoolId
      ? await cognitoClient.send(new DescribeUserPoolCommand({ UserPoolId: state.userPoolId })).then(() => true, () => false)
      : false;
    if (poolExists) await ensureGroups(cognitoClient, state.userPoolId!);
    else Object.assign(state, await createUserPool(cognitoClient), { demoTenantId: undefined });
    cognitoClient.destroy();
    saveState();
    Object.assign(process.env, {
      USER_POOL_ID: state.userPoolId,
      USER_POOL_CLIENT_ID: state.userPoolClientId,
      TOKEN_ISSUER: cognitoLocal.issuer(state.userPoolId!),
      TOKEN_JWKS_URI: cognitoLocal.jwksUri(state.userPoolId!),
    });
    // Load every handler now, so a missing implementation fails the start, not a later request.
    await Promise.all([...DOMAINS.map(load), import('../functions/authorizer/handler.js')]);
    await smokeWorkflow();
    log(`[local] emulators up and handlers loaded in ${Date.now() - started} ms`);
  };
  boot().then(markBooted, failBoot);

  const seeded = booted.then(async () => {
    if (options.demoPassword === null) return null;
    const { seedDemoTenant, seedDemoBilling, yesterday, DEMO_ORGANIZATION } = await import('./seed.js');
    const progress = (step: string) => log(`[seed] ${step}`);
    if (!state.demoTenantId || !(await demoTenantExists(state.demoTenantId))) {
      const checked = passwordPolicy.safeParse(options.demoPassword);
      if (!checked.success) throw new Error(`DEMO_PASSWORD does not meet the password policy: ${checked.error.issues[0]?.message}`);
      log(`[seed] seeding ${DEMO_ORGANIZATION}...`);
      state.demoTenantId = await seedDemoTenant(options.demoPassword, progress);
      state.demoBillingIngestionId = undefined;
      saveState();
    }
    const endDate = options.demoBillingEndDate === undefined ? yesterday() : options.demoBillingEndDate;
    if (endDate && !state.demoBillingIngestionId) {
      const started = Date.now();
      state.demoBillingIngestionId = await seedDemoBilling(state.demoTenantId, endDate, progress);
      saveState();
      log(`[seed] billing data ingested and reconciled in ${Date.now() - started} ms`);
    } else if (state.demoBillingIngestionId) {
      // No daily schedule runs locally: each start analyses the demo's stored data once.
      await workflows.start('analysis', `analysis-start-${Date.now()}`, { tenantId: state.demoTenantId, trigger: 'manual' });
    }
    if (state.demoBillingIngestionId) {
      // The analysis the ingestion started (anomalies) finishes before the demo counts as ready.
      const started = Date.now();
      await workflows.settled();
      log(`[seed] analysis (anomaly detection) done in ${Date.now() - started} ms`);
    }
    // The demo's AWS accounts: connected once, collected on every start, in the background (the
    // collection workflow takes longer than the seed should).
    const { connectDemoAccounts } = await import('./seed.js');
    await connectDemoAccounts(state.demoTenantId, progress, { costExplorer: endDate === yesterday() });
    void workflows.start('collection', `collection-start-${Date.now()}`, { trigger: 'manual', tenantId: state.demoTenantId });
    log(`[seed] ${DEMO_ORGANIZATION} is ready (collecting its AWS accounts' inventory in the background)`);
    return state.demoTenantId;
  });
  seeded.catch(() => undefined);

  return {
    url,
    booted,
    seeded,
    workflows,
    state,
    stop: async () => {
      // Requests in flight finish before the emulators behind them go away.
      await gateway.close();
      await Promise.allSettled(stoppers.map((stop) => stop()));
      if (ephemeral) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function demoTenantExists(tenantId: string): Promise<boolean> {
  const { Directory } = await import('#shared/db/directory.js');
  const { functionRuntime } = await import('#shared/runtime.js');
  const { tables, tableName, cursorSecret } = await functionRuntime();
  return new Directory(tables.forTenant(tenantId), tableName, cursorSecret)
    .getTenant(tenantId)
    .then(() => true, () => false);
}

/** Runs state-machines/smoke.asl.json with the real smoke Lambda: proves the local Step Functions wiring. */
async function smokeWorkflow(): Promise<void> {
  const { handler } = await import('../functions/smoke/handler.js');
  const result = await runStateMachine({
    definitionFile: 'state-machines/smoke.asl.json',
    tasks: { 'cloudoptima-smoke-step': (input) => handler(input as Parameters<typeof handler>[0]) },
    substitutions: { SmokeStepFunctionArn: 'cloudoptima-smoke-step' },
    retryIntervalOverrides: 0,
    input: { items: [1, 2, 3] },
  });
  if (result.status !== 'SUCCEEDED') throw new Error(`smoke workflow ${result.status}: ${result.error} ${result.cause}`);
}
