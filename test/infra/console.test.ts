import { readdirSync, readFileSync } from 'node:fs';
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
    // A class name recharts sets on every chart's root element, so it survives minification. The
    // marker must be found in some chunk (the lazily loaded chart pages), else this test proves nothing.
    const MARKER = 'recharts-wrapper';
    const initial = new Set(initialScripts(html()).map((src) => src.replace(/^\//, '')));
    const chunks = readdirSync(join(CONSOLE_DIST, 'assets'))
      .filter((name) => name.endsWith('.js'))
      .map((name) => `assets/${name}`);
    const withCharts = chunks.filter((chunk) => readFileSync(join(CONSOLE_DIST, chunk), 'utf8').includes(MARKER));
    expect(withCharts.length).toBeGreaterThan(0);
    expect(withCharts.filter((chunk) => initial.has(chunk))).toEqual([]);
  });

  it('has no inline script or style, so the CSP needs no hashes or unsafe-inline', () => {
    const csp = consoleCsp(html(), ['https://api.example.com']);
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
  });
});
