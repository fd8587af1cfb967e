import { z } from 'zod';
import { RESOURCE_TYPES } from '../inventory/model.js';
import { defineRoute } from '../http/route.js';
import { isoDateTime, listOf, pageQuery } from './common.js';

/** Collected resources, normalized across providers (shared/inventory/model.ts). */

const metricSummary = z.object({
  metric: z.string().describe('Namespace, metric and statistic, e.g. "AWS/EC2 CPUUtilization Average"'),
  unit: z.string(),
  average: z.number().nullable().describe('Mean of the daily values'),
  maximum: z.number().nullable().describe('Highest daily value'),
  days: z.number().int().describe('Days with a datapoint'),
  daily: z.array(z.number().nullable()).describe('One value per day over the last 30 days, oldest first'),
});

const configValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]);

export const inventoryResource = z
  .object({
    resourceId: z.string(),
    type: z.enum(RESOURCE_TYPES),
    accountId: z.string(),
    region: z.string(),
    name: z.string().nullable(),
    state: z.string().nullable(),
    size: z.string().nullable().describe('Instance type, volume type, DB class, memory size...'),
    createdAt: isoDateTime.nullable(),
    tags: z.record(z.string(), z.string()),
    config: z.record(z.string(), configValue),
    metrics: z.record(z.string(), metricSummary).describe('Utilization over the last 30 days, by short name (cpu, connections, invocations...)'),
    collectedAt: isoDateTime,
    runId: z.string(),
  })
  .meta({ id: 'InventoryResource' });

export const inventoryQuery = pageQuery
  .extend({
    type: z.enum(RESOURCE_TYPES).optional().describe('Only resources of this type'),
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id').optional().describe('Only this account'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'must be a region such as us-east-1').optional().describe('Only this region'),
  })
  .strict();

export const inventoryRoutes = {
  list: defineRoute({
    operationId: 'listInventory',
    method: 'GET',
    path: '/v1/inventory',
    domain: 'accounts',
    tag: 'Inventory',
    summary: 'Collected resources of the connected accounts, with 30 days of utilization; filter by type, account and region',
    access: { permission: 'accounts:read' },
    query: inventoryQuery,
    response: listOf(inventoryResource),
    status: 200,
  }),
};
