import { startPlatform } from '../../local/platform.js';
import { DEMO_BILLING_END_DATE, DEMO_PASSWORD } from './constants.js';

/**
 * The local platform for the browser tests, in its own process: a platform sets process-wide
 * settings (user pool, endpoints) for its handlers, so it cannot share a process with the
 * integration tests' platform. Prints `READY <url>` once the demo tenant is seeded.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
const platform = await startPlatform({
  port: 0,
  dataDir: null,
  demoPassword: DEMO_PASSWORD,
  demoBillingEndDate: DEMO_BILLING_END_DATE,
  authorizerCacheTtlSeconds: 2,
  log: () => undefined,
});
const stop = () => void platform.stop().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
try {
  await platform.booted;
  await platform.seeded;
  console.log(`READY ${platform.url}`);
} catch (error) {
  console.error('[e2e platform] start failed', error);
  await platform.stop();
  process.exit(1);
}
