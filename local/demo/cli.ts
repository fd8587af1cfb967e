/**
 * Writes the demo FOCUS billing export to a file.
 *
 *   npx tsx local/demo/cli.ts --out demo.csv [--rows N] [--end 2026-10-31] [--months 15]
 *                             [--seed N] [--gzip | --parquet] [--no-anomalies] [--summary summary.json]
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_END_DATE, DEFAULT_MONTHS, DEFAULT_SEED, writeDemoBillingCsv } from './billing.js';
import { writeDemoBillingParquet } from './parquet.js';

const USAGE = `usage: npx tsx local/demo/cli.ts --out FILE [--rows N] [--end YYYY-MM-DD] [--months N] [--seed N] [--gzip | --parquet] [--no-anomalies] [--summary FILE]`;

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isInteger(n)) throw new Error(`--${name} must be an integer, got ${value}`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string', short: 'o' },
      rows: { type: 'string' },
      end: { type: 'string', default: DEFAULT_END_DATE },
      months: { type: 'string' },
      seed: { type: 'string' },
      gzip: { type: 'boolean', default: false },
      parquet: { type: 'boolean', default: false },
      'no-anomalies': { type: 'boolean', default: false },
      summary: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help || !values.out) {
    console.log(USAGE);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const started = process.hrtime.bigint();
  if (values.gzip && values.parquet) throw new Error('choose one of --gzip and --parquet');
  const options = {
    endDate: values.end!,
    months: integer('months', values.months) ?? DEFAULT_MONTHS,
    seed: integer('seed', values.seed) ?? DEFAULT_SEED,
    rowsTarget: integer('rows', values.rows),
    includeAnomalies: !values['no-anomalies'],
  };
  const written = values.parquet
    ? { ...(await writeDemoBillingParquet(values.out, options)), fleetSize: '-' }
    : await writeDemoBillingCsv(values.out, { ...options, gzip: values.gzip });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { summary } = written;
  if (values.summary) await writeFile(values.summary, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(
    [
      `${written.path}: ${summary.rowCount.toLocaleString('en-US')} rows, ${(written.bytes / 1048576).toFixed(1)} MiB${values.gzip ? ' (gzip)' : values.parquet ? ' (Parquet)' : ''}`,
      `  ${summary.startDate} .. ${summary.endDate} (${summary.months} months), seed ${summary.seed}, batch fleet ${written.fleetSize}`,
      `  BilledCost ${summary.total.billed} USD, EffectiveCost ${summary.total.effective} USD, ListCost ${summary.total.list} USD`,
      `  ${seconds.toFixed(2)} s, ${Math.round(summary.rowCount / seconds).toLocaleString('en-US')} rows/s`,
    ].join('\n'),
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exitCode = 1;
});
