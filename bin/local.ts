import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureConsoleBuilt } from '#local/console-build.js';
import { startPlatform } from '#local/platform.js';
import { DEMO_USERS } from '#local/seed.js';

/**
 * `npm start`: the whole platform locally, no AWS account. PORT (default 3000) and HOST choose
 * where it listens; `npm start -- --fresh` throws away the state kept in .cloudoptima/.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
// The functions' structured logs at INFO would bury the start-up progress; POWERTOOLS_LOG_LEVEL=INFO shows them.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
const fresh = process.argv.includes('--fresh');
const port = Number(process.env.PORT ?? 3000);
const demoPassword = process.env.DEMO_PASSWORD ?? 'Demo-Passw0rd!';
const startedAt = Date.now();

const platform = await startPlatform({
  port,
  host: process.env.HOST ?? '127.0.0.1',
  dataDir: join(root, '.cloudoptima', 'data'),
  fresh,
  demoPassword,
  authorizerCacheTtlSeconds: Number(process.env.AUTHORIZER_CACHE_TTL_SECONDS ?? 60),
});
console.log(`[local] CloudOptima is answering on ${platform.url} (GET ${platform.url}/health) after ${Date.now() - startedAt} ms`);
// The console builds beside the emulators' start-up (skipped when web/dist is current).
const consoleBuilt = ensureConsoleBuilt({ log: (line) => console.log(line) });

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n[local] ${signal}: stopping DynamoDB Local, cognito-local and the gateway...`);
  await platform.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

try {
  await Promise.all([platform.booted, consoleBuilt]);
  await platform.seeded;
  console.log(
    [
      '',
      `  Console   ${platform.url}/`,
      `  API       ${platform.url}/v1  (OpenAPI: ${platform.url}/v1/openapi.json)`,
      `  Sign in   ${DEMO_USERS.map((u) => `${u.email} (${u.role})`).join('\n            ')}`,
      `  Password  ${demoPassword}`,
      `  Ready in  ${Date.now() - startedAt} ms; Ctrl-C stops everything.`,
      '',
    ].join('\n'),
  );
} catch (error) {
  console.error('[local] start failed:', error);
  await platform.stop();
  process.exit(1);
}
