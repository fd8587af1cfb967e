import { STSClient } from '@aws-sdk/client-sts';
import { z } from 'zod';
import { AccountStore } from '#shared/accounts/store.js';
import { entityId } from '#shared/contracts/common.js';
import { logger } from '#shared/observability.js';
import { localRecommendationImportSource, type RecommendationImportSource } from '#shared/recommendations/imports.js';
import { functionRuntime } from '#shared/runtime.js';
import { analyzeTenant } from './analyze.js';
import { analyzeDeps } from './deps.js';
import { AwsRecommendationImportSource } from './imports-aws.js';

/**
 * The collection workflow's last step (state-machines/collection.asl.json, Analyze: a Map over the
 * run's distinct tenants in batches of 25): re-analyses the recommendations of one batch. Tenants
 * come from the execution (the plan's accounts), never from a request. One tenant failing is
 * recorded on its run item and logged, and does not stop the others; the task fails (and Step
 * Functions retries it, which is safe: an analysis is idempotent) only if every tenant failed.
 * Each connected account's Cost Optimization Hub and Compute Optimizer findings are imported here
 * (through the account's role; locally the recorded demo answer), deduplicated against ours.
 */
const runtime = await functionRuntime();
let importSource: RecommendationImportSource | undefined;
const imports = (): RecommendationImportSource => (importSource ??= localRecommendationImportSource() ?? new AwsRecommendationImportSource(new STSClient({})));

const task = z.object({ op: z.literal('analyze'), tenantIds: z.array(entityId).max(100) });
export type RecommendTask = z.input<typeof task>;

export async function handler(event: RecommendTask): Promise<{ tenants: number; failed: number; findings: number }> {
  const input = task.parse(event);
  const tenants = [...new Set(input.tenantIds)];
  let failed = 0;
  let findings = 0;
  for (const tenantId of tenants) {
    const log = logger.createChild({ persistentKeys: { op: input.op, tenantId } });
    const client = runtime.tables.forTenant(tenantId);
    const accounts = new AccountStore(client, runtime.tableName, runtime.cursorSecret);
    const deps = { ...analyzeDeps(client, runtime.tableName, runtime.cursorSecret, tenantId), imports: { source: imports(), accounts: (id: string) => accounts.all(id) } };
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
