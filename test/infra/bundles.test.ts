import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUNDLE_DIR, FUNCTION_ENTRIES } from '../../shared/functions.js';

/**
 * Every function's bundle (built once by this project's globalSetup) stays under 1 MiB: the
 * cold-start target of issue 5. Size is deterministic, so it is tested here; init time is
 * measured by npm run bench:coldstart.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('function bundles', () => {
  it.each(Object.keys(FUNCTION_ENTRIES))('%s is under 1 MiB', (name) => {
    const { size } = statSync(join(ROOT, BUNDLE_DIR, name, 'index.mjs'));
    expect(size).toBeLessThan(1024 * 1024);
  });
});
