import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CostStore } from '#shared/costs/store.js';
import { InventoryStore } from '#shared/inventory/store.js';
import { BillingCosts } from '#shared/recommendations/context.js';
import { analyze, RULE_CATALOG } from '#shared/recommendations/engine.js';
import { importedRuleOf } from '#shared/recommendations/imports.js';
import type { RuleLookup } from '#shared/recommendations/lifecycle.js';
import type { PriceBook } from '#shared/recommendations/model.js';
import { BundledPriceBook } from '#shared/recommendations/prices/bundled.js';
import { RecommendationStore } from '#shared/recommendations/store.js';
import type { AnalyzeDeps } from './analyze.js';

/**
 * The analysis's dependencies for one tenant, shared by the workflow task and the API (a settings
 * change re-analyses at once). Prices: the bundled table, locally and in AWS for now (the Price
 * List API adapter implements the same PriceBook).
 */
let prices: PriceBook | undefined;

const RULES_BY_ID = new Map(RULE_CATALOG.map((r) => [r.id, r]));

/** Catalog title and category of a rule (or of an imported finding's); an unknown id (a rule since removed) keeps its id as title. */
export const ruleOf: RuleLookup = (ruleId) => {
  const rule = RULES_BY_ID.get(ruleId);
  return rule ? { title: rule.title, category: rule.category } : (importedRuleOf(ruleId) ?? { title: ruleId, category: 'compute' });
};

export function analyzeDeps(client: DynamoDBDocumentClient, tableName: string, cursorSecret: string, tenantId: string): AnalyzeDeps {
  prices ??= new BundledPriceBook();
  return {
    recommendations: new RecommendationStore(client, tableName, cursorSecret),
    inventory: new InventoryStore(client, tableName, cursorSecret),
    billing: new BillingCosts(new CostStore(client, tableName), tenantId),
    prices,
    analyze,
    ruleOf,
  };
}

export { RULE_CATALOG };
