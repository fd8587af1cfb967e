import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { AnomalyStore } from '#shared/analysis/store.js';
import { DEFAULT_ASSISTANT_TIER } from '#shared/assistant/constants.js';
import { anomalyFacts, recommendationFacts } from '#shared/assistant/explain.js';
import { ExplanationStore } from '#shared/assistant/explanations.js';
import { ConversationStore } from '#shared/assistant/store.js';
import { assistantTools } from '#shared/assistant/tools.js';
import { BudgetStore } from '#shared/budgets/store.js';
import { config } from '#shared/config.js';
import { addDays } from '#shared/costs/dates.js';
import { CostQueries } from '#shared/costs/query.js';
import { CostStore } from '#shared/costs/store.js';
import { Directory } from '#shared/db/directory.js';
import { callerOf, type ApiRequest } from '#shared/http/api-request.js';
import { createApiHandler, tableStores } from '#shared/http/handler.js';
import { BillingCosts } from '#shared/recommendations/context.js';
import { HOURS_PER_MONTH } from '#shared/recommendations/model.js';
import { formatUsd, RecommendationStore } from '#shared/recommendations/store.js';
import { functionRuntime } from '#shared/runtime.js';
import { BedrockEngine } from './bedrock.js';
import { explainRouteImplementations, type ExplainDeps } from './explain.js';
import { LocalEngine } from './local.js';
import { assistantRouteImplementations, type AssistantRouteDeps } from './routes.js';

const runtime = await functionRuntime();
const { tables, tableName, cursorSecret } = runtime;
const modelId = config.assistantModelId();
// One client per container; none where Bedrock is not configured (the local engine answers).
const bedrock = modelId ? new BedrockRuntimeClient({ region: config.assistantBedrockRegion() }) : null;

/** Per request: every store reads through the caller's tenant-scoped client; the tools are bound to that tenant. */
const depsFor = (tenantId: string): AssistantRouteDeps => {
  const client = tables.forTenant(tenantId);
  const queries = new CostQueries(new CostStore(client, tableName), tenantId);
  return {
    conversations: new ConversationStore(client, tableName, cursorSecret),
    timezone: async () => (await new Directory(client, tableName, cursorSecret).getTenant(tenantId)).timezone,
    tier: DEFAULT_ASSISTANT_TIER,
    engine: (today) => {
      const tools = assistantTools({
        tenantId,
        today,
        queries,
        anomalies: new AnomalyStore(client, tableName, cursorSecret),
        budgets: new BudgetStore(client, tableName, cursorSecret),
        recommendations: new RecommendationStore(client, tableName, cursorSecret),
      });
      if (bedrock && modelId) return new BedrockEngine({ client: bedrock, modelId, tools });
      return new LocalEngine({
        tools,
        vocabulary: async () => {
          // The tenant's own service and account names over the last year, for matching "EC2" or "demo-prod".
          const window = { start: addDays(today, -365), end: addDays(today, 1), metric: 'billed' as const, filters: [], granularity: 'monthly' as const, top: 50 };
          const [services, accounts] = await Promise.all([queries.breakdown({ ...window, groupBy: 'service' }, today), queries.breakdown({ ...window, groupBy: 'account' }, today)]);
          return { services: services.rows.map((r) => r.key).filter(Boolean), accounts: accounts.rows.map((r) => ({ key: r.key, name: r.name })) };
        },
      });
    },
  };
};

/** The explain routes: the items' data read as their GET routes read it (detail and impact; anomaly detail). */
const explainDepsFor = (tenantId: string): ExplainDeps => {
  const client = tables.forTenant(tenantId);
  const recommendations = new RecommendationStore(client, tableName, cursorSecret);
  const anomalies = new AnomalyStore(client, tableName, cursorSecret);
  const billing = new BillingCosts(new CostStore(client, tableName), tenantId);
  return {
    explanations: new ExplanationStore(client, tableName),
    recommendationFacts: async (id) => {
      const rec = await recommendations.get(tenantId, id);
      // As GET /v1/recommendations/{id}/impact: the resource's billed cost over the last full month, per month.
      const month = await billing.lastFullMonth(new Date().toISOString().slice(0, 10));
      const billed = month?.resources.get(rec.finding.resourceId)?.billed;
      return recommendationFacts(rec, month && billed !== undefined ? formatUsd((billed * BigInt(HOURS_PER_MONTH)) / (24n * BigInt(month.days))) : null);
    },
    anomalyFacts: async (id) => anomalyFacts(await anomalies.get(tenantId, id)),
    bedrock: bedrock && modelId ? new BedrockEngine({ client: bedrock, modelId, tools: new Map() }) : null,
    usage: new ConversationStore(client, tableName, cursorSecret),
    tier: DEFAULT_ASSISTANT_TIER,
  };
};

export const handler = createApiHandler(
  'assistant',
  [
    ...assistantRouteImplementations((req: ApiRequest) => depsFor(callerOf(req).tenantId)),
    ...explainRouteImplementations((req: ApiRequest) => explainDepsFor(callerOf(req).tenantId)),
  ],
  tableStores(runtime),
);
