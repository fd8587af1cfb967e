import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { ChildResult } from './child-report.js';

/**
 * Every measurement runs in a fresh Node process, so its peak RSS is its own. The child entries
 * (`*.child.ts`, and the workers they start) are bundled with esbuild first, as the Lambda
 * functions are (bin/bundle.ts): the child runs plain JavaScript, with no TypeScript loader
 * thread in its memory or its time. DuckDB's native package stays external, so the bundles sit
 * under node_modules/.cache where Node resolves it.
 */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));
export const BUNDLE_OUT = join(ROOT, 'node_modules', '.cache', 'cloudoptima-bench-ingest');

/** The production range worker (parallel.ts looks for range.worker.mjs beside the bundle that starts it). */
export const RANGE_WORKER = '../../../functions/billing/ingest/range.worker.ts';

export async function bundleChildren(entries: string[]): Promise<void> {
  mkdirSync(BUNDLE_OUT, { recursive: true });
  await build({
    absWorkingDir: ROOT,
    // Named outputs: every bundle lands flat in BUNDLE_OUT, wherever its entry lives.
    entryPoints: entries.map((e) => ({ in: join(HERE, e), out: basename(e, '.ts') })),
    outdir: BUNDLE_OUT,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    mainFields: ['module', 'main'],
    external: ['@duckdb/*'],
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}

/** Runs a bundled child (`name` as in test/bench/ingest/, e.g. `ours.child.ts`) and returns its report. */
export function runChild(name: string, args: string[]): Promise<ChildResult> {
  const file = join(BUNDLE_OUT, `${basename(name, '.ts')}.mjs`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) {
        reject(new Error(`${name} ${args.join(' ')} exited ${code}: ${err.trim() || out.trim()}`));
        return;
      }
      resolve(JSON.parse(last) as ChildResult);
    });
  });
}
