import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Renders ec2-ondemand-us-east-1.csv (the copied source data, see README.md) into
 * ec2-ondemand-us-east-1.ts, a module the Lambda bundles carry (a file read from disk beside the
 * code would not be in them). `tsx shared/recommendations/prices/data/build-ec2-table.ts` after
 * changing the CSV; a unit test fails when the two differ.
 */
export const CSV_FILE = new URL('./ec2-ondemand-us-east-1.csv', import.meta.url);
export const MODULE_FILE = new URL('./ec2-ondemand-us-east-1.ts', import.meta.url);

/** `instance_type price` lines, us-east-1 only (the region column is the same on every row). */
export function renderEc2Table(csv: string): string {
  const [header, ...rows] = csv.split(/\r?\n/).filter(Boolean);
  if (header !== 'region,instance_type,on_demand_usd_per_hour') throw new Error('ec2-ondemand-us-east-1.csv: unexpected header');
  const lines = rows.map((row) => {
    const [region, type, price] = row.split(',');
    if (region !== 'us-east-1' || !type || !price || !/^\d+\.\d+$/.test(price)) throw new Error(`ec2-ondemand-us-east-1.csv: bad row ${row}`);
    return `${type} ${price}`;
  });
  return [
    '// Generated from ec2-ondemand-us-east-1.csv by build-ec2-table.ts: do not edit. Source and licence: README.md, LICENSE-ec2-ondemand (Apache-2.0).',
    '/** EC2 on-demand hourly USD, us-east-1, Linux, shared tenancy: one `instance_type price` per line. */',
    `export const EC2_ONDEMAND_US_EAST_1 = \`${lines.join('\n')}\`;`,
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(MODULE_FILE, renderEc2Table(readFileSync(CSV_FILE, 'utf8')));
  console.log(`wrote ${fileURLToPath(MODULE_FILE)}`);
}
