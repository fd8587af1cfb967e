import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ec2OnDemandTable } from '#shared/recommendations/prices/bundled.js';
import { CSV_FILE, MODULE_FILE, renderEc2Table } from '#shared/recommendations/prices/data/build-ec2-table.js';

describe('the bundled EC2 price table', () => {
  it('is the module rendered from the copied CSV (run build-ec2-table.ts after changing the CSV)', () => {
    expect(readFileSync(MODULE_FILE, 'utf8')).toBe(renderEc2Table(readFileSync(CSV_FILE, 'utf8')));
  });

  it('holds every row of the CSV, as published', () => {
    const rows = readFileSync(CSV_FILE, 'utf8').trim().split(/\r?\n/).slice(1).map((r) => r.split(','));
    const table = ec2OnDemandTable();
    expect(table.size).toBe(rows.length);
    for (const [, type, price] of rows) expect(table.get(type!), type).toBe(price);
    expect(table.get('m5.large')).toBe('0.096000');
  });
});
