import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleFunctions } from '../../bin/bundle.js';
import { BUNDLE_DIR, FUNCTION_ENTRIES } from '../../shared/functions.js';

/**
 * Cold start, per function: the bundle's size and the time to import it (module init, including
 * top-level await) in a fresh Node process, the median of several runs. Targets: < 1 MiB, < 150 ms.
 * Run: npm run bench:coldstart
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TARGET_BYTES = 1024 * 1024;
const TARGET_MS = 150;

// What the function reads at init; the values only need to be well-formed (nothing is called).
const ENV = {
  TABLE_NAME: 'bench',
  USER_POOL_ID: 'us-east-1_bench0000',
  USER_POOL_CLIENT_ID: 'benchclient',
  CURSOR_SECRET: 'bench-secret',
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

const PROBE = `const t0 = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t0));`;

function initMs(file: string): number {
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE, pathToFileURL(file).href], {
    cwd: ROOT,
    env: { ...process.env, ...ENV },
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`${file}: ${out.stderr}`);
  return Number(out.stdout);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

await bundleFunctions(ROOT);
const rows = Object.keys(FUNCTION_ENTRIES)
  .sort()
  .map((name) => {
    const file = join(ROOT, BUNDLE_DIR, name, 'index.mjs');
    const bytes = statSync(file).size;
    const ms = median(Array.from({ length: RUNS }, () => initMs(file)));
    return { name, bytes, ms, ok: bytes < TARGET_BYTES && ms < TARGET_MS };
  });

console.log(`function      size KiB   init ms (median of ${RUNS})   within target (<1024 KiB, <${TARGET_MS} ms)`);
for (const r of rows) {
  console.log(`${r.name.padEnd(12)} ${(r.bytes / 1024).toFixed(1).padStart(9)}   ${r.ms.toFixed(1).padStart(8)}                   ${r.ok ? 'yes' : 'NO'}`);
}
console.log(`machine: ${process.platform} ${process.arch}, Node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
if (rows.some((r) => !r.ok)) process.exitCode = 1;
