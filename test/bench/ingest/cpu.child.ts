import { Worker } from 'node:worker_threads';

/**
 * Child process: how many cores the machine actually gives right now. The same native work
 * (SHA-256 over 256 MiB: no JIT, no GC, so only the CPU is measured) runs on one thread, then
 * on two threads at once; `parallel` is the two-thread throughput over the one-thread
 * throughput (2.0 = two full cores, 1.0 = one). On a shared VM the second core can come and go,
 * and every 2-thread figure of the run (DuckDB's default, worker splits) with it.
 */
const WORK = `
  const { parentPort } = require('node:worker_threads');
  const { createHash } = require('node:crypto');
  const block = Buffer.alloc(16 * 1024 * 1024, 7);
  const t0 = performance.now();
  const hash = createHash('sha256');
  for (let i = 0; i < 16; i++) hash.update(block);
  hash.digest();
  parentPort.postMessage(performance.now() - t0);
`;
const run = (threads: number) =>
  Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(WORK, { eval: true });
          w.once('message', resolve);
          w.once('error', reject);
        }),
    ),
  );
const one = (await run(1))[0]!;
const two = Math.max(...(await run(2)));
process.stdout.write(`${JSON.stringify({ records: 0, ms: one, peakRssMiB: 0, vmHwmMiB: null, info: { oneThreadMs: one, twoThreadsMs: two, parallel: (2 * one) / two } })}\n`);
