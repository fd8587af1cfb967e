import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CONSOLE_DIST } from '../../local/console-build.js';
import { consoleCsp } from '../../shared/http/csp.js';

/** The console's budget: what a browser must load before the first page draws (the build is made once, in globalSetup). */
const INITIAL_JS_BUDGET_GZIP = 300 * 1024;

const html = () => readFileSync(join(CONSOLE_DIST, 'index.html'), 'utf8');
const initialScripts = (page: string) =>
  [...page.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="([^"]+\.js)"/g)].map((m) => m[1]!);

describe('the built console (web/dist)', () => {
  it(`loads under ${INITIAL_JS_BUDGET_GZIP / 1024} KB of gzipped JavaScript before the first page`, () => {
    const scripts = initialScripts(html());
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce((sum, src) => sum + gzipSync(readFileSync(join(CONSOLE_DIST, src))).length, 0);
    expect(gzipped).toBeLessThan(INITIAL_JS_BUDGET_GZIP);
  });

  it('keeps the chart library out of the initial load (pages that draw charts load it on demand)', () => {
    const initial = initialScripts(html())
      .map((src) => readFileSync(join(CONSOLE_DIST, src), 'utf8'))
      .join('\n');
    expect(initial).not.toMatch(/recharts/i);
  });

  it('has no inline script or style, so the CSP needs no hashes or unsafe-inline', () => {
    const csp = consoleCsp(html(), ['https://api.example.com']);
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
  });
});
