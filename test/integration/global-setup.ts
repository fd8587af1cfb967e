import type { TestProject } from 'vitest/node';
import { startPlatform } from '../../local/platform.js';

/**
 * Starts the real local platform once for every integration file (one JVM for DynamoDB Local,
 * cognito-local, the gateway with the real authorizer): tests drive it over HTTP only.
 */
export const AUTHORIZER_CACHE_TTL_SECONDS = 2;
export const DEMO_PASSWORD = 'Demo-Passw0rd!';
export const DEMO_BILLING_END_DATE = '2026-10-31';
/** Small work units, so a test file of a few dozen KiB is split as a large export is in AWS (the demo's gzip never is). */
export const INGEST_UNIT_BYTES = 16 * 1024;
export const INGEST_UNIT_ROWS = 25;

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    cognitoEndpoint: string;
    userPoolId: string;
    authorizerCacheTtlSeconds: number;
    demoPassword: string;
    demoBillingEndDate: string;
    ingestUnitBytes: number;
    ingestUnitRows: number;
  }
}

export default async function setup(project: TestProject) {
  // The handlers' structured logs would drown the test report; failures still print their own details.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  Object.assign(process.env, { INGEST_UNIT_BYTES: String(INGEST_UNIT_BYTES), INGEST_UNIT_ROWS: String(INGEST_UNIT_ROWS) });
  const platform = await startPlatform({
    port: 0,
    dataDir: null,
    demoPassword: DEMO_PASSWORD,
    // A fixed end date: the tests compute the demo's expected totals from the same generator input.
    demoBillingEndDate: DEMO_BILLING_END_DATE,
    authorizerCacheTtlSeconds: AUTHORIZER_CACHE_TTL_SECONDS,
    log: () => undefined,
  });
  await platform.booted;
  await platform.seeded;
  project.provide('baseUrl', platform.url);
  project.provide('cognitoEndpoint', process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER!);
  project.provide('userPoolId', platform.state.userPoolId!);
  project.provide('authorizerCacheTtlSeconds', AUTHORIZER_CACHE_TTL_SECONDS);
  project.provide('demoPassword', DEMO_PASSWORD);
  project.provide('demoBillingEndDate', DEMO_BILLING_END_DATE);
  project.provide('ingestUnitBytes', INGEST_UNIT_BYTES);
  project.provide('ingestUnitRows', INGEST_UNIT_ROWS);
  return async () => platform.stop();
}
