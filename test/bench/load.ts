import { cpus } from 'node:os';
import autocannon, { type Client } from 'autocannon';
import { startPlatform } from '../../local/platform.js';

/**
 * A bounded load test on loopback against the local platform: 50 concurrent clients for 30 s on
 * the main read routes, then a mix with writes. Reports p50/p95/p99 and errors; any error or
 * non-2xx answer fails the run. LOAD_SECONDS and LOAD_CONNECTIONS override the defaults.
 * Run: npm run bench:load
 */
const SECONDS = Number(process.env.LOAD_SECONDS ?? 30);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 50);
const PASSWORD = 'Demo-Passw0rd!';

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const platform = await startPlatform({ port: 0, dataDir: null, demoPassword: PASSWORD, authorizerCacheTtlSeconds: 60, log: () => undefined });
await platform.booted;
await platform.seeded;

const login = await fetch(`${platform.url}/v1/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email: 'admin@demo.example', password: PASSWORD }),
});
const { idToken } = (await login.json()) as { idToken: string };
const auth = { authorization: `Bearer ${idToken}`, 'content-type': 'application/json' };

type Request = { method: 'GET' | 'POST' | 'PATCH'; path: string; body?: string };
const READS: Request[] = [
  { method: 'GET', path: '/v1/me' },
  { method: 'GET', path: '/v1/users?limit=50' },
  { method: 'GET', path: '/v1/tenant' },
  { method: 'GET', path: '/v1/audit?limit=50' },
  { method: 'GET', path: '/v1/api-keys?limit=50' },
];
const WRITES: Request[] = [
  { method: 'PATCH', path: '/v1/tenant', body: JSON.stringify({ timezone: 'Europe/Berlin' }) },
  { method: 'POST', path: '/v1/api-keys', body: JSON.stringify({ name: 'load test', role: 'viewer' }) },
];

async function run(name: string, requests: Request[]) {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const result = await autocannon({
    url: platform.url,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: requests.map((r) => ({ ...r, headers: auth })),
    setupClient: (client: Client) => {
      client.on('response', (statusCode: number, _bytes: number, responseTime: number) => {
        latencies.push(responseTime);
        statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
      });
    },
  });
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  const non2xx = [...statuses].filter(([s]) => s < 200 || s >= 300).reduce((n, [, c]) => n + c, 0);
  const errors = result.errors + result.timeouts + non2xx;
  console.log(
    `${name.padEnd(22)} ${String(latencies.length).padStart(7)} req  ${(latencies.length / SECONDS).toFixed(0).padStart(6)} req/s  ` +
      `p50 ${at(50).toFixed(1)} ms  p95 ${at(95).toFixed(1)} ms  p99 ${at(99).toFixed(1)} ms  errors ${errors}` +
      (non2xx ? `  statuses ${JSON.stringify(Object.fromEntries(statuses))}` : ''),
  );
  return errors;
}

console.log(`load: ${CONNECTIONS} connections, ${SECONDS} s each, loopback; ${cpus().length} cores, ${cpus()[0]?.model}, Node ${process.version}`);
const failures = (await run('reads', READS)) + (await run('reads + writes (2:5)', [...READS, ...WRITES]));
await platform.stop();
if (failures > 0) {
  console.error(`${failures} errors or non-2xx answers`);
  process.exitCode = 1;
}
