import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CostAggregator } from '../../../functions/billing/ingest/aggregate.js';
import { fileSource, openBillingFile } from '../../../functions/billing/parse/index.js';
import { BUNDLE_OUT, bundleChildren } from './children.js';
import { fastAggregate } from './fast.js';
import { benchFile } from './files.js';
import { LeanAggregator } from './lean-aggregate.js';
import { splitAggregate } from './split.js';

/**
 * Checks that the prototypes give exactly the production partial: LeanAggregator against
 * CostAggregator on the same rows, the projecting tokenizer's path, and the 2-worker split (whose
 * merged partial is compared after putting rollup rows in one order, as merging reorders them).
 * Run: npx tsx test/bench/ingest/verify-lean.ts   (BENCH_INGEST_SIZES, default 100000)
 */
const SIZES = (process.env.BENCH_INGEST_SIZES ?? '100000').split(',').map(Number);
const sorted = (p: ReturnType<CostAggregator['toPartial']>) => {
  const periods = Object.fromEntries(
    Object.entries(p.periods).map(([k, v]) => [
      k,
      { ...v, rollups: Object.fromEntries(Object.entries(v.rollups).map(([kind, rows]) => [kind, rows.map((r) => JSON.stringify(r)).sort()])) },
    ]),
  );
  const sourceTotals = p.sourceTotals.map((t) => JSON.stringify(t)).sort();
  return JSON.stringify({ ...p, files: null, sourceTotals, periods });
};
// Worker threads do not inherit tsx's loader: they run the bundled worker.
await bundleChildren(['split.worker.ts']);
const workerUrl = pathToFileURL(join(BUNDLE_OUT, 'split.worker.mjs'));
for (const size of SIZES) {
  const file = await benchFile(size, console.log);
  const name = basename(file.path);
  const cost = new CostAggregator();
  const lean = new LeanAggregator();
  const parsed = await openBillingFile(await fileSource(file.path), { fileName: name });
  for await (const batch of parsed.batches) {
    for (const record of batch) {
      if (record.kind === 'cost') {
        cost.add(record);
        lean.add(record);
      } else {
        cost.reject(name, record);
        lean.reject(name, record);
      }
    }
  }
  const meta = { fileName: name, format: parsed.format, container: parsed.container };
  cost.finishFile(meta, parsed.totals());
  lean.finishFile(meta, parsed.totals());
  const expected = JSON.stringify(cost.toPartial());
  const leanOut = JSON.stringify(lean.toPartial());
  console.log(`${size}: LeanAggregator ${leanOut === expected ? 'IDENTICAL' : 'DIFFERS'} (${(expected.length / 1e6).toFixed(1)} MB of partial JSON)`);
  const fast = JSON.stringify(await fastAggregate((await fileSource(file.path)).stream(), name));
  console.log(`${size}: projecting tokenizer path ${fast === expected ? 'IDENTICAL' : 'DIFFERS'}`);
  const fastLean = JSON.stringify(await fastAggregate((await fileSource(file.path)).stream(), name, 'aggregate', () => new LeanAggregator()));
  console.log(`${size}: projecting tokenizer + LeanAggregator ${fastLean === expected ? 'IDENTICAL' : 'DIFFERS'}`);
  const canonical = sorted(JSON.parse(expected));
  for (const [tokenizer, aggregator] of [['csv-parse', 'cost'], ['fast', 'lean']] as const) {
    const split = await splitAggregate(file.path, 2, tokenizer, workerUrl, aggregator);
    console.log(`${size}: 2-worker split (${tokenizer}, ${aggregator}) ${sorted(split.partial) === canonical ? 'IDENTICAL after ordering rows' : 'DIFFERS'}`);
  }
}
