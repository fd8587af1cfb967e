import type { AnyRoute } from '../http/route.js';
import { accountRoutes } from './accounts.js';
import { analysisRoutes } from './analysis.js';
import { apiKeyRoutes } from './apikeys.js';
import { assistantRoutes } from './assistant.js';
import { auditRoutes } from './audit.js';
import { billingRoutes } from './billing.js';
import { budgetRoutes } from './budgets.js';
import { alertRoutes } from './alerts.js';
import { costRoutes } from './costs.js';
import { inventoryRoutes } from './inventory.js';
import { organizationRoutes } from './organization.js';
import { authRoutes } from './auth.js';
import { platformRoutes } from './platform.js';
import { recommendationRoutes } from './recommendations.js';
import { tenantRoutes } from './tenants.js';
import { userRoutes } from './users.js';

/**
 * The route table: every route of the API, in one list. It drives the local gateway, the CDK API,
 * the OpenAPI document and the proof harness; a route that is not here does not exist.
 */
export const ROUTES: readonly AnyRoute[] = [
  ...Object.values(platformRoutes),
  ...Object.values(authRoutes),
  ...Object.values(tenantRoutes),
  ...Object.values(userRoutes),
  ...Object.values(apiKeyRoutes),
  ...Object.values(auditRoutes),
  ...Object.values(billingRoutes),
  ...Object.values(costRoutes),
  ...Object.values(analysisRoutes),
  ...Object.values(budgetRoutes),
  ...Object.values(alertRoutes),
  ...Object.values(accountRoutes),
  ...Object.values(inventoryRoutes),
  ...Object.values(recommendationRoutes),
  ...Object.values(organizationRoutes),
  ...Object.values(assistantRoutes),
];

export { accountRoutes, assistantRoutes, inventoryRoutes, organizationRoutes, recommendationRoutes };
export { alertRoutes, analysisRoutes, apiKeyRoutes, auditRoutes, authRoutes, billingRoutes, budgetRoutes, costRoutes, platformRoutes, tenantRoutes, userRoutes };
