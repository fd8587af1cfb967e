/**
 * Same options, same bytes; the seed changes the noise but not the resources; the CSV parses back
 * to exactly the rows the row API gives; the gzip file holds the same text.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { computeDemoSummary, type DemoBillingOptions, demoBillingCsv, demoResources, generateDemoBilling, writeDemoBillingCsv } from '#local/demo/billing.js';
import { COL, parseCsv } from './helpers.js';

const SMALL: DemoBillingOptions = { endDate: '2026-10-31', months: 2 };

function sha256(options: DemoBillingOptions): { hash: string; text: string } {
  const hash = createHash('sha256');
  let text = '';
  for (const chunk of demoBillingCsv(options).chunks) {
    hash.update(chunk);
    text += chunk;
  }
  return { hash: hash.digest('hex'), text };
}

const dir = mkdtempSync(join(tmpdir(), 'demo-billing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('demo billing determinism', () => {
  it('gives byte-identical CSV for the same options, and a different one for another seed', () => {
    const a = sha256(SMALL);
    const b = sha256({ ...SMALL });
    expect(b.hash).toBe(a.hash);
    const other = sha256({ ...SMALL, seed: 7 });
    expect(other.hash).not.toBe(a.hash);
    // Only the noise moves: same rows, same resources.
    expect(other.text.split('\n').length).toBe(a.text.split('\n').length);
  });

  it('keeps resource ids independent of the seed and the window', () => {
    const ids = (options: Parameters<typeof demoResources>[0]) => demoResources(options).map((r) => r.id);
    expect(ids({ endDate: '2026-10-31' })).toEqual(ids({ endDate: '2025-03-31', months: 4 }));
  });

  it('gives the same numbers for a day whatever the window (noise is keyed by date, not position)', () => {
    const day = '2026-10-14';
    const rowsOn = (options: DemoBillingOptions) =>
      [...generateDemoBilling(options).rows].filter((r) => r[COL.ChargePeriodStart] === `${day}T00:00:00Z` && r[COL.ChargeCategory] === 'Usage');
    const short = rowsOn(SMALL).map((r) => r.join(','));
    const long = rowsOn({ endDate: '2026-10-31', months: 6 }).map((r) => r.join(','));
    expect(short.length).toBeGreaterThan(100);
    expect(long).toEqual(short);
  });

  it('parses back (csv-parse) to exactly the rows of the row API', async () => {
    const rows = [...generateDemoBilling(SMALL).rows];
    const parsed: string[][] = [];
    for await (const record of parseCsv(demoBillingCsv(SMALL).chunks)) parsed.push(record);
    expect(parsed[0]).toEqual([...generateDemoBilling(SMALL).header]);
    expect(parsed.slice(1)).toEqual(rows);
    // Quoted JSON survives the round trip.
    const tagged = rows.find((r) => r[COL.Tags] !== '')!;
    expect(JSON.parse(tagged[COL.Tags]!)).toHaveProperty('team');
  });

  it('fills the summary when the rows are consumed, equal to computeDemoSummary', () => {
    const billing = generateDemoBilling(SMALL);
    expect(billing.summary.complete).toBe(false);
    let n = 0;
    for (const _ of billing.rows) n++;
    expect(billing.summary.complete).toBe(true);
    expect(billing.summary.rowCount).toBe(n);
    expect(billing.summary).toEqual(computeDemoSummary(SMALL));
  });

  it('writes the same text to a plain and a gzip file', async () => {
    const { hash } = sha256(SMALL);
    const plain = await writeDemoBillingCsv(join(dir, 'demo.csv'), SMALL);
    const gz = await writeDemoBillingCsv(join(dir, 'demo.csv.gz'), { ...SMALL, gzip: true });
    expect(createHash('sha256').update(readFileSync(join(dir, 'demo.csv'))).digest('hex')).toBe(hash);
    expect(createHash('sha256').update(gunzipSync(readFileSync(join(dir, 'demo.csv.gz')))).digest('hex')).toBe(hash);
    expect(gz.bytes).toBeLessThan(plain.bytes / 5);
    expect(gz.summary).toEqual(plain.summary);
  });

  it('requires an end date and validates the options', () => {
    expect(() => generateDemoBilling({} as DemoBillingOptions)).toThrow(/endDate/);
    expect(() => generateDemoBilling({ endDate: '2026-02-30' })).toThrow(/calendar date/);
    expect(() => generateDemoBilling({ endDate: '2026-10-31', months: 0 })).toThrow(/months/);
    expect(() => generateDemoBilling({ endDate: '2026-10-31', seed: 1.5 })).toThrow(/seed/);
  });
});
