// Type-checked only where DuckDB is installed (see test/bench/ingest.ts): it is excluded in tsconfig.json.
import { DuckDBDecimalValue, DuckDBInstance } from '@duckdb/node-api';
import { report } from './child-report.js';

/**
 * Child process: DuckDB reads the same CSV and groups it like our cube (charge day in UTC,
 * SubAccountId, ServiceName, RegionId, ChargeCategory, x_UsageType, BillingCurrency), summing
 * BilledCost, EffectiveCost and ListCost as exact DECIMAL(38,12) (our money is exact at 1e-12
 * too). The grouped cells are read back into JS, as our partial is built in JS.
 * argv: <file> [threads]   (no threads: DuckDB's default, one per core)
 */
const [path, threads] = process.argv.slice(2) as [string, string | undefined];
const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
const MONEY = 'DECIMAL(38,12)';
const SQL = `
  SELECT CAST(ChargePeriodStart AS DATE) AS day, SubAccountId, ServiceName, RegionId, ChargeCategory, x_UsageType, BillingCurrency,
         sum(BilledCost) AS billed, sum(EffectiveCost) AS effective, sum(ListCost) AS list, count(*) AS records
  FROM read_csv(${quote(path)}, header = true, types = {
    'ChargePeriodStart': 'TIMESTAMPTZ', 'SubAccountId': 'VARCHAR', 'ServiceName': 'VARCHAR', 'RegionId': 'VARCHAR',
    'ChargeCategory': 'VARCHAR', 'x_UsageType': 'VARCHAR', 'BillingCurrency': 'VARCHAR',
    'BilledCost': '${MONEY}', 'EffectiveCost': '${MONEY}', 'ListCost': '${MONEY}'})
  GROUP BY ALL`;

const t0 = performance.now();
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run(`SET TimeZone = 'UTC'`);
if (threads) await connection.run(`SET threads = ${Number(threads)}`);
const result = await connection.runAndReadAll(SQL);
let records = 0n;
let billed = 0n;
const cubeCells = result.currentRowCount;
const columns = result.getColumns();
const billedColumn = columns[7]!;
const countColumn = columns[10]!;
for (let i = 0; i < cubeCells; i++) {
  billed += (billedColumn[i] as DuckDBDecimalValue).value;
  records += countColumn[i] as bigint;
}
const ms = performance.now() - t0;
const setting = await connection.runAndReadAll(`SELECT current_setting('threads')`);
report({ records: Number(records), ms, cubeCells, billedTotal: billed.toString(), info: { threads: Number(setting.getRows()[0]![0]) } });
connection.closeSync();
instance.closeSync();
