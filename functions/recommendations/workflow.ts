import { z } from 'zod';
import { entityId } from '#shared/contracts/common.js';
import { logger } from '#shared/observability.js';
import { functionRuntime } from '#shared/runtime.js';
import { analyzeTenant } from './analyze.js';
import { analyzeDeps } from './deps.js';

/**
 * The collection workflow's last step (state-machines/collection.asl.json, Analyze: a Map over the
 * run's distinct tenants in batches of 25): re-analyses the recommendations of one batch. Tenants
 * come from the execution (the plan's accounts), never from a request. One tenant failing is
 * recorded on its run item and logged, and does not stop the others; the task fails (and Step
 * Functions retries it, which is safe: an analysis is idempotent) only if every tenant failed.
 */
const runtime = await functionRuntime();

const task = z.object({ op: z.literal('analyze'), tenantIds: z.array(entityId).max(100) });
export type RecommendTask = z.input<typeof task>;

export async function handler(event: RecommendTask): Promise<{ tenants: number; failed: number; findings: number }> {
  const input = task.parse(event);
  const tenants = [...new Set(input.tenantIds)];
  let failed = 0;
  let findings = 0;
  for (const tenantId of tenants) {
    const log = logger.createChild({ persistentKeys: { op: input.op, tenantId } });
    const deps = analyzeDeps(runtime.tables.forTenant(tenantId), runtime.tableName, runtime.cursorSecret, tenantId);
    try {
      const run = await analyzeTenant(deps, tenantId, new Date());
      findings += run.findings;
      log.info('recommendations analysed', { ...run });
    } catch (error) {
      failed++;
      log.error('recommendation analysis failed', { error });
      const previous = await deps.recommendations.lastRun(tenantId).catch(() => null);
      await deps.recommendations
        .recordRun(tenantId, { ...(previous ?? { at: new Date().toISOString(), findings: 0, opened: 0, updated: 0, resolved: 0, reopened: 0 }), error: (error as Error).message.slice(0, 500) })
        .catch((e: unknown) => log.error('could not record the failure', { error: e }));
    }
  }
  if (tenants.length && failed === tenants.length) throw new Error(`the recommendation analysis failed for every tenant (${failed})`);
  return { tenants: tenants.length, failed, findings };
}
