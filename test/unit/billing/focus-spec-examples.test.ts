/**
 * The FOCUS specification's own example datasets (copied with attribution into
 * test/fixtures/billing/focus-spec, CC BY 4.0). Each parses; its source totals equal the figures
 * below, which were added up by hand from the files (the addends are written next to each figure)
 * and cross-checked with Python's decimal module; and what the rows carry (what a later stage
 * stores) reconciles with the source totals to the cent.
 *
 * The examples are hand-made in spreadsheets and carry real-world quirks: no BillingCurrency or
 * ServiceName column (the commitment examples), `null` literals, blank lines, a byte-order mark and
 * CRLF, M/D/YY dates (the SaaS examples), "$10,000.00 " amounts and an hour 30 timestamp.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { openBillingFile, fileSource } from '#functions/billing/parse/index.js';
import { formatDecimal, parseDecimal, toCents, tryParseDecimal } from '#shared/money.js';
import { expectFileError, fixture, readFixture, storedTotals, totalsTable } from './helpers.js';

const SPEC = fixture('focus-spec');
const OPTIONS = { defaultCurrency: 'USD', slashDates: 'MDY' } as const;

type Expected = {
  format: string;
  rows: number;
  rejected?: { line: number; code: string; column: string; value: string }[];
  totals: { period: string | null; currency: string | null; rows: number; billed: string; effective: string; list: string }[];
  unsummable?: number;
  /** Source minus stored BilledCost: the cost of the rejected rows the source totals still count. */
  gap?: string;
};
const P = (period: string, rows: number, billed: string, effective: string, list: string) => ({ period, currency: 'USD', rows, billed, effective, list });

const EXPECTED: Record<string, Expected> = {
  // Billed 0.50 + 0.00 + 2.25; Effective 0.00 + 0.50 + 2.25; List 1.00 + 3.00 + 2.25
  'commitment_discount_flexibility/one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource.csv': {
    format: 'focus-1.1', rows: 3, totals: [P('2023-01-01', 3, '2.75', '2.75', '6.25')] },
  // Billed 2.00 + 0.00 + 0.00; Effective 0.00 + 1.00 + 1.00; List 4.00 + 2.00 + 2.00
  'commitment_discount_flexibility/one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources.csv': {
    format: 'focus-1.1', rows: 3, totals: [P('2023-01-01', 3, '2.00', '2.00', '8.00')] },
  // Billed 1.50 + 0.00; Effective 0.00 + 1.50; List 3.00 + 3.00
  'commitment_discount_flexibility/one_hundred_percent_utilization_without_commitment_discount_flexibility.csv': {
    format: 'focus-1.1', rows: 2, totals: [P('2023-01-01', 2, '1.50', '1.50', '6.00')] },
  // Billed 1.50 + 0.00 + 2.00; Effective 0.00 + 1.50 + 2.00; List 3.00 + 3.00 + 2.00
  'commitment_discount_flexibility/zero_percent_utilization_without_commitment_discount_flexibility.csv': {
    format: 'focus-1.1', rows: 3, totals: [P('2023-01-01', 3, '3.50', '3.50', '8.00')] },
  // No ListCost column: list totals are 0 and rows carry listCost null.
  'commitment_discount_scenarios/commitment_discount_purchase_scenario_1.csv': {
    format: 'focus-1.1', rows: 1, totals: [P('2023-01-01', 1, '8760.00', '0.00', '0.00')] },
  // Billed 1.00 x 3. The third row ends at "2023-02-01T30:00:00Z" (hour 30): rejected, but its cost
  // is in the source totals, so stored (2.00) != source (3.00) and reconciliation catches it.
  'commitment_discount_scenarios/commitment_discount_purchase_scenario_2.csv': {
    format: 'focus-1.1', rows: 2, totals: [P('2023-01-01', 3, '3.00', '0.00', '0.00')],
    rejected: [{ line: 4, code: 'INVALID_DATE', column: 'ChargePeriodEnd', value: '2023-02-01T30:00:00Z' }], gap: '1.00' },
  // Billed 4380.00 + 0.50 x 3; the fourth row has the same hour-30 end.
  'commitment_discount_scenarios/commitment_discount_purchase_scenario_3.csv': {
    format: 'focus-1.1', rows: 3, totals: [P('2023-01-01', 4, '4381.50', '0.00', '0.00')],
    rejected: [{ line: 5, code: 'INVALID_DATE', column: 'ChargePeriodEnd', value: '2023-02-01T30:00:00Z' }], gap: '0.50' },
  'commitment_discount_scenarios/commitment_discount_usage_scenario_1.csv': {
    format: 'focus-1.1', rows: 1, totals: [P('2023-01-01', 1, '0.00', '1.00', '0.00')] },
  'commitment_discount_scenarios/commitment_discount_usage_scenario_2.csv': {
    format: 'focus-1.1', rows: 1, totals: [P('2023-01-01', 1, '0.00', '1.00', '0.00')] },
  // Effective 0.75 + 0.25
  'commitment_discount_scenarios/commitment_discount_usage_scenario_3.csv': {
    format: 'focus-1.1', rows: 2, totals: [P('2023-01-01', 2, '0.00', '1.00', '0.00')] },
  // Billed 0.00 + 0.50; Effective 1.00 + 0.50
  'commitment_discount_scenarios/commitment_discount_usage_scenario_4.csv': {
    format: 'focus-1.1', rows: 2, totals: [P('2023-01-01', 2, '0.50', '1.50', '0.00')] },
  // Spreadsheet currency formatting ("$10,000.00 "): not a number, the row is rejected and its
  // cost cannot be summed, so the file has no totals and unsummableRecords says why.
  'saas_examples/simple_agreements/simple_saas_agreements_a1.csv': {
    format: 'focus-1.1', rows: 0, totals: [], unsummable: 1,
    rejected: [{ line: 2, code: 'NON_NUMERIC', column: 'BilledCost', value: '$10,000.00 ' }] },
  'saas_examples/simple_agreements/simple_saas_agreements_a2.csv': {
    format: 'focus-1.1', rows: 0, totals: [], unsummable: 1,
    rejected: [{ line: 2, code: 'NON_NUMERIC', column: 'BilledCost', value: '$50,000.00 ' }] },
  'saas_examples/simple_agreements/simple_saas_agreements_a3.csv': {
    format: 'focus-1.1', rows: 0, totals: [], unsummable: 1,
    rejected: [{ line: 2, code: 'NON_NUMERIC', column: 'BilledCost', value: '$1,000.00 ' }] },
  'saas_examples/simple_agreements/simple_saas_agreements_b.csv': {
    format: 'focus-1.1', rows: 0, totals: [], unsummable: 1,
    rejected: [{ line: 2, code: 'NON_NUMERIC', column: 'BilledCost', value: '$50,000.00 ' }] },
  'saas_examples/simple_agreements/simple_saas_agreements_c.csv': {
    format: 'focus-1.1', rows: 0, totals: [], unsummable: 3,
    rejected: [
      { line: 2, code: 'NON_NUMERIC', column: 'BilledCost', value: '$10,100.00 ' },
      { line: 3, code: 'NON_NUMERIC', column: 'BilledCost', value: '$13,000.00 ' },
      { line: 4, code: 'NON_NUMERIC', column: 'BilledCost', value: '$12,700.00 ' },
    ] },
  // One row per period; List 60, 150, 75, 972
  'saas_examples/spend_agreements/saas_spend_agreements_a1.csv': {
    format: 'focus-1.1', rows: 4,
    totals: [P('2025-04-01', 1, '48.00', '48.00', '60.00'), P('2025-05-01', 1, '120.00', '120.00', '150.00'),
      P('2025-06-01', 1, '60.00', '60.00', '75.00'), P('2026-03-01', 1, '972.00', '972.00', '972.00')] },
  // April: 48 + 12 (List 60 + 12); then 120, 60, eight months of 60, and 480 at the end
  'saas_examples/spend_agreements/saas_spend_agreements_a2.csv': {
    format: 'focus-1.1', rows: 13,
    totals: [P('2025-04-01', 2, '60.00', '60.00', '72.00'), P('2025-05-01', 1, '120.00', '120.00', '150.00'),
      P('2025-06-01', 1, '60.00', '60.00', '75.00'),
      ...['07', '08', '09', '10', '11', '12'].map((m) => P(`2025-${m}-01`, 1, '60.00', '60.00', '60.00')),
      P('2026-01-01', 1, '60.00', '60.00', '60.00'), P('2026-02-01', 1, '60.00', '60.00', '60.00'),
      P('2026-03-01', 1, '480.00', '480.00', '480.00')] },
  // April: upfront 1200 (effective 0) + usage 0 (effective 48); List 1200 + 60
  'saas_examples/spend_agreements/saas_spend_agreements_b1.csv': {
    format: 'focus-1.1', rows: 5,
    totals: [P('2025-04-01', 2, '1200.00', '48.00', '1260.00'), P('2025-05-01', 1, '0.00', '120.00', '150.00'),
      P('2025-06-01', 1, '0.00', '60.00', '75.00'), P('2026-03-01', 1, '0.00', '972.00', '972.00')] },
  // April: 1200 + 0 + 0 (effective 0 + 48 + 12; list 1200 + 60 + 12)
  'saas_examples/spend_agreements/saas_spend_agreements_b2.csv': {
    format: 'focus-1.1', rows: 14,
    totals: [P('2025-04-01', 3, '1200.00', '60.00', '1272.00'), P('2025-05-01', 1, '0.00', '120.00', '150.00'),
      P('2025-06-01', 1, '0.00', '60.00', '75.00'),
      ...['07', '08', '09', '10', '11', '12'].map((m) => P(`2025-${m}-01`, 1, '0.00', '60.00', '60.00')),
      P('2026-01-01', 1, '0.00', '60.00', '60.00'), P('2026-02-01', 1, '0.00', '60.00', '60.00'),
      P('2026-03-01', 1, '0.00', '480.00', '480.00')] },
  'saas_examples/virtual_currency_pricing_model_a1.csv': {
    format: 'focus-1.2', rows: 1, totals: [P('2025-04-01', 1, '200000.00', '0.00', '200000.00')] },
  // Effective 490 + 20 + 720
  'saas_examples/virtual_currency_pricing_model_a2.csv': {
    format: 'focus-1.2', rows: 3, totals: [P('2025-04-01', 3, '0.00', '1230.00', '1230.00')] },
  // EffectiveCost is written "0.00 " (trailing space)
  'saas_examples/virtual_currency_pricing_model_b1.csv': {
    format: 'focus-1.2', rows: 1, totals: [P('2025-04-01', 1, '100000.00', '0.00', '200000.00')] },
  // Effective 245 + 10 + 360; List 490 + 20 + 720
  'saas_examples/virtual_currency_pricing_model_b2.csv': {
    format: 'focus-1.2', rows: 3, totals: [P('2025-04-01', 3, '0.00', '615.00', '1230.00')] },
  // Effective 245 + 10 + 240
  'saas_examples/virtual_currency_pricing_model_b3.csv': {
    format: 'focus-1.2', rows: 3, totals: [P('2025-04-01', 3, '0.00', '495.00', '1230.00')] },
  // Billed 3000 + 50000
  'saas_examples/virtual_currency_pricing_model_c.csv': {
    format: 'focus-1.2', rows: 2, totals: [P('2025-10-01', 2, '53000.00', '0.00', '53000.00')] },
};

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? listFiles(p) : p.endsWith('.csv') ? [p] : [];
  });
}

describe('FOCUS specification example datasets', () => {
  const files = listFiles(SPEC).map((p) => relative(SPEC, p)).sort();

  it('are all copied and all covered here', () => {
    expect(files).toHaveLength(26);
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const name of Object.keys(EXPECTED).sort()) {
    const expected = EXPECTED[name]!;
    it(`${name}: parses, totals as added by hand, stored rows reconcile`, async () => {
      const { file, rows, rejections, totals } = await readFixture(join(SPEC, name), OPTIONS);
      expect(file.format).toBe(expected.format);
      expect(file.container).toBe('csv');
      expect(rows).toHaveLength(expected.rows);
      expect(rejections.map((r) => ({ line: r.line, code: r.code, column: r.column, value: r.value }))).toEqual(expected.rejected ?? []);
      expect(totalsTable(totals)).toEqual(expected.totals);
      expect(totals.unsummableRecords).toBe(expected.unsummable ?? 0);
      expect(totals.recordsRead).toBe(totals.rowsEmitted + totals.rowsRejected);

      // Reconciliation as the ingestion will do it: stored (the rows) vs source, per period, to the cent.
      const stored = storedTotals(rows);
      const sourceBilled = totals.periods.reduce((sum, p) => sum + p.billedCost, 0n);
      const storedBilled = rows.reduce((sum, r) => sum + r.billedCost, 0n);
      expect(toCents(sourceBilled - storedBilled)).toBe(toCents(parseDecimal(expected.gap ?? '0')));
      if (rejections.length === 0) expect(stored).toEqual(expected.totals);
      else expect(stored.reduce((n, t) => n + t.rows, 0)).toBe(expected.rows);
    });
  }

  it('cross-check: an independent csv-parse pass over the raw BilledCost cells gives the same per-file sums', async () => {
    for (const name of Object.keys(EXPECTED)) {
      const records: Record<string, string>[] = parse(readFileSync(join(SPEC, name)), { columns: true, bom: true, skip_empty_lines: true });
      let billed = 0n;
      let summable = 0;
      for (const r of records) {
        const v = tryParseDecimal((r.BilledCost ?? '').trim());
        if (v !== undefined) {
          billed += v;
          summable++;
        }
      }
      const expectedBilled = EXPECTED[name]!.totals.reduce((s, t) => s + parseDecimal(t.billed), 0n);
      expect(formatDecimal(billed), name).toBe(formatDecimal(expectedBilled));
      expect(summable, name).toBe(EXPECTED[name]!.totals.reduce((s, t) => s + t.rows, 0));
    }
  });

  it('maps the commitment examples: defaults named in notes, null literals, nulls for absent columns', async () => {
    const { file, rows } = await readFixture(
      join(SPEC, 'commitment_discount_flexibility/zero_percent_utilization_without_commitment_discount_flexibility.csv'),
      OPTIONS,
    );
    expect(file.notes).toEqual(['BillingCurrency: absent; every row is USD (defaultCurrency)', 'ServiceName: absent; serviceName is null']);
    expect(rows.map((r) => [r.line, r.chargeCategory, r.resourceId, r.usageType, r.consumedQuantity, r.consumedUnit])).toEqual([
      [2, 'Purchase', '<my-commitment-discount-id>', 'VM_LARGE', null, null], // "null" literals
      [4, 'Usage', '<my-large-vm-id>', 'VM_LARGE', parseDecimal('1.00'), 'Hour'], // after a blank line
      [6, 'Usage', '<my-medium-vm-id>', 'VM_MEDIUM', parseDecimal('1.00'), 'Hour'],
    ]);
    for (const r of rows) {
      expect(r.currency).toBe('USD');
      expect(r.serviceName).toBeNull();
      expect(r.provider).toBeNull();
      expect(r.tags).toEqual({});
      expect(r.chargeDate).toBe('2023-01-01');
    }
  });

  it('without defaultCurrency the commitment examples are refused: they have no BillingCurrency column', async () => {
    const err = await expectFileError(
      openBillingFile(await fileSource(join(SPEC, 'commitment_discount_scenarios/commitment_discount_usage_scenario_1.csv')), { fileName: 'usage_1.csv' }),
      'MISSING_CURRENCY',
    );
    expect(err.message).toBe('no currency column (BillingCurrency) in usage_1.csv and no defaultCurrency given: the amounts have no currency');
    expect(err.details.columns).toEqual(['BillingCurrency']);
  });

  it('without slashDates the M/D/YY SaaS examples are rejected row by row, with a hint', async () => {
    const { rows, rejections, totals } = await readFixture(join(SPEC, 'saas_examples/virtual_currency_pricing_model_a2.csv'));
    expect(rows).toHaveLength(0);
    expect(rejections.map((r) => [r.line, r.code, r.column, r.value])).toEqual([
      [2, 'INVALID_DATE', 'BillingPeriodStart', '4/1/25'],
      [3, 'INVALID_DATE', 'BillingPeriodStart', '4/1/25'],
      [4, 'INVALID_DATE', 'BillingPeriodStart', '4/1/25'],
    ]);
    expect(rejections[0]!.message).toBe(
      'line 2: BillingPeriodStart is not a valid ISO 8601 date/time: "4/1/25" (set slashDates for M/D/Y or D/M/Y dates)',
    );
    // Costs are still summed, under an unknown period.
    expect(totalsTable(totals)).toEqual([{ period: null, currency: 'USD', rows: 3, billed: '0.00', effective: '1230.00', list: '1230.00' }]);
  });

  it('maps the SaaS examples: BOM and CRLF handled, dates read M/D/YY, provider and SKU mapped', async () => {
    const { file, rows } = await readFixture(join(SPEC, 'saas_examples/virtual_currency_pricing_model_c.csv'), OPTIONS);
    expect(file.columns[0]).toBe('BilledCost'); // BOM removed
    expect(rows[0]).toMatchObject({
      line: 2,
      billingPeriodStart: '2025-10-01',
      chargePeriodStart: '2025-04-01T00:00:00.000Z',
      chargePeriodEnd: '2025-10-01T00:00:00.000Z',
      chargeDate: '2025-04-01',
      provider: 'ACMECORP',
      billingAccountId: '12345',
      billingAccountName: 'AwesomeCorpDemo',
      serviceName: 'ACMECORP SERVICE',
      chargeCategory: 'Purchase',
      chargeClass: null,
      usageType: '45678',
      resourceId: 'adefy',
      currency: 'USD',
      billedCost: parseDecimal('3000'),
      effectiveCost: 0n,
      listCost: parseDecimal('3000'),
    });
  });
});
