import * as z from 'zod/mini';
import { CostStore } from '#shared/costs/store.js';
import { ENTITY_ID_MESSAGE, ENTITY_ID_PATTERN } from '#shared/ids.js';
import { logger } from '#shared/observability.js';
import { functionRuntime, objectStore } from '#shared/runtime.js';
import { BillingStore } from '../store.js';
import { config } from '#shared/config.js';
import { DEFAULT_UNIT_BYTES, DEFAULT_UNIT_ROWS } from './plan.js';
import { aggregateUnit, aggregateWhole, cleanup, commit, fail, prepare, type StepDeps } from './steps.js';

/**
 * The ingestion workflow's one Lambda: each Task state names its step in `op`. The tenant comes
 * from the execution input, which only the billing API writes (from the authorizer's decision);
 * every table and object access below is scoped to it.
 */
const runtime = await functionRuntime();

// zod/mini: the same checks at a fraction of the bundle (this function has no API, so no full zod).
const entityId = z.string().check(z.regex(ENTITY_ID_PATTERN, ENTITY_ID_MESSAGE));
const task = z.discriminatedUnion('op', [
  z.object({ op: z.literal('prepare'), tenantId: entityId, ingestionId: entityId }),
  z.object({ op: z.literal('aggregate'), tenantId: entityId, ingestionId: entityId, unit: z.int().check(z.gte(0)) }),
  z.object({ op: z.literal('aggregate-whole'), tenantId: entityId, ingestionId: entityId, uploadId: entityId }),
  z.object({ op: z.literal('commit'), tenantId: entityId, ingestionId: entityId }),
  z.object({
    op: z.literal('cleanup'),
    tenantId: entityId,
    ingestionId: entityId,
    superseded: z.array(z.object({ period: z.string(), version: z.string() })),
  }),
  z.object({ op: z.literal('fail'), tenantId: entityId, ingestionId: entityId, error: z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) }) }),
]);
/** How large a work unit may be: the defaults, or smaller ones set by the environment (tests). */
const limits = { unitBytes: config.ingestUnitBytes() ?? DEFAULT_UNIT_BYTES, unitRows: config.ingestUnitRows() ?? DEFAULT_UNIT_ROWS };
export type IngestTask = z.input<typeof task>;

function depsFor(tenantId: string): StepDeps {
  const doc = runtime.tables.forTenant(tenantId);
  return { billing: new BillingStore(doc, runtime.tableName, runtime.cursorSecret), costs: new CostStore(doc, runtime.tableName), objects: objectStore() };
}

export async function handler(event: IngestTask): Promise<unknown> {
  const input = task.parse(event);
  const deps = depsFor(input.tenantId);
  const log = logger.createChild({ persistentKeys: { tenantId: input.tenantId, ingestionId: input.ingestionId, op: input.op } });
  log.info('ingestion step');
  switch (input.op) {
    case 'prepare':
      return prepare(deps, input.tenantId, input.ingestionId, { limits });
    case 'aggregate':
      return aggregateUnit(deps, input.tenantId, input.ingestionId, input.unit);
    case 'aggregate-whole':
      return aggregateWhole(deps, input.tenantId, input.ingestionId, input.uploadId);
    case 'commit':
      return commit(deps, input.tenantId, input.ingestionId);
    case 'cleanup':
      await cleanup(deps, input.tenantId, input.ingestionId, input.superseded);
      return { cleaned: true };
    case 'fail':
      await fail(deps, input.tenantId, input.ingestionId, input.error);
      return { recorded: true };
  }
}
