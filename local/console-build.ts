import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds the console (web/ → web/dist) with Vite, unless web/dist already holds a build of exactly
 * these sources: `npm start`, the e2e tests, the infra tests and `npm run synth` all call this, and
 * only the first after a change pays for the build (about 1-2 s).
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** CLOUDOPTIMA_CONSOLE_DIST builds and serves elsewhere (say, two checkouts' test runs side by side). */
export const CONSOLE_DIST = process.env.CLOUDOPTIMA_CONSOLE_DIST ?? join(ROOT, 'web', 'dist');
const STAMP = join(CONSOLE_DIST, '.build-hash');
/** What the console is made of: its own sources and the shared code its contracts import (all of shared/, to be safe). */
const INPUTS = ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'web/tsconfig.json', 'shared', 'package-lock.json'];

function files(path: string): string[] {
  const full = join(ROOT, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [full];
  return readdirSync(full, { withFileTypes: true })
    .flatMap((entry) => files(relative(ROOT, join(full, entry.name))))
    .sort();
}

export function consoleSourceHash(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(files)) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

export async function ensureConsoleBuilt(options: { force?: boolean; log?: (line: string) => void } = {}): Promise<{ built: boolean; ms: number }> {
  const started = Date.now();
  const hash = consoleSourceHash();
  const current = existsSync(STAMP) && existsSync(join(CONSOLE_DIST, 'index.html')) ? readFileSync(STAMP, 'utf8') : null;
  if (!options.force && current === hash) return { built: false, ms: Date.now() - started };
  options.log?.('[console] building web/ with Vite...');
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'web', 'vite.config.ts'), logLevel: 'warn', build: { outDir: CONSOLE_DIST } });
  writeFileSync(STAMP, hash);
  const ms = Date.now() - started;
  options.log?.(`[console] built in ${ms} ms`);
  return { built: true, ms };
}
