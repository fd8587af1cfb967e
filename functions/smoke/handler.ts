/**
 * The smoke workflow's one Lambda (state-machines/smoke.asl.json): proves a Step Functions
 * definition runs end to end, in AWS and in the local runner, with a real task handler.
 */
export type SmokeStepEvent = { op: 'double'; value: number } | { op: 'sum'; values: number[] };

export async function handler(event: SmokeStepEvent): Promise<number> {
  if (event.op === 'double' && Number.isFinite(event.value)) return event.value * 2;
  if (event.op === 'sum' && Array.isArray(event.values)) return event.values.reduce((total, v) => total + v, 0);
  throw new Error(`unsupported smoke step ${JSON.stringify(event)}`);
}
