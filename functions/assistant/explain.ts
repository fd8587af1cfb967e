import type { AssistantTier } from '#shared/assistant/constants.js';
import { localTextOf, type ExplanationFacts } from '#shared/assistant/explain.js';
import type { ExplanationStore, StoredExplanation } from '#shared/assistant/explanations.js';
import { checkGrounding } from '#shared/assistant/grounding.js';
import type { ConversationStore } from '#shared/assistant/store.js';
import { assistantRoutes } from '#shared/contracts/assistant.js';
import { callerOf, implement, type ApiRequest, type Implementation } from '#shared/http/api-request.js';
import type { BedrockEngine } from './bedrock.js';

/** Most output tokens an explanation may use (3-5 sentences). */
export const EXPLANATION_MAX_TOKENS = 400;

/** What the explain routes need per request, all scoped to the caller's tenant. */
export interface ExplainDeps {
  explanations: ExplanationStore;
  /** The item's data, read by the same stores as its GET route (404 for an id not in the tenant). */
  recommendationFacts: (id: string) => Promise<ExplanationFacts>;
  anomalyFacts: (id: string) => Promise<ExplanationFacts>;
  /** Null where Bedrock is not configured: the local engine explains. */
  bedrock: Pick<BedrockEngine, 'explain'> | null;
  /** The assistant's monthly quota and token usage. */
  usage: Pick<ConversationStore, 'reserveQuestion' | 'releaseQuestion' | 'recordTokens'>;
  tier: AssistantTier;
}

/**
 * Explains one item: the cached explanation when the item has not changed since (same facts, same
 * engine), else a new one. Quota: a Bedrock explanation counts as one question of the month (and its
 * tokens are recorded); a cached one and a local one count nothing.
 */
export async function explainItem(deps: ExplainDeps, tenantId: string, facts: ExplanationFacts, now: Date) {
  const engine = deps.bedrock ? 'bedrock' : 'local';
  const cached = await deps.explanations.get(tenantId, facts.kind, facts.id, engine, facts.version);
  if (cached) return viewOf(cached, true);

  let generated: StoredExplanation;
  const at = now.toISOString();
  if (deps.bedrock) {
    const month = at.slice(0, 7);
    await deps.usage.reserveQuestion(tenantId, month, deps.tier.questionsPerMonth, at);
    let out: Awaited<ReturnType<BedrockEngine['explain']>>;
    try {
      out = await deps.bedrock.explain({ kind: facts.kind, id: facts.id, data: facts.data, maxTokens: Math.min(EXPLANATION_MAX_TOKENS, deps.tier.tokensPerAnswer) });
    } catch (error) {
      await deps.usage.releaseQuestion(tenantId, month);
      throw error;
    }
    await deps.usage.recordTokens(tenantId, month, out.usage.inputTokens, out.usage.outputTokens);
    generated = { version: facts.version, text: out.text, engine, sources: facts.sources, ungrounded: out.ungrounded, generatedAt: at };
  } else {
    const text = localTextOf(facts);
    const { ungrounded } = checkGrounding(text, facts.data);
    generated = { version: facts.version, text, engine, sources: facts.sources, ungrounded: ungrounded.map((m) => m.raw), generatedAt: at };
  }
  await deps.explanations.put(tenantId, facts.kind, facts.id, generated);
  return viewOf(generated, false);
}

const viewOf = (e: StoredExplanation, cached: boolean) => ({ text: e.text, engine: e.engine, sources: e.sources, ungrounded: e.ungrounded, cached, generatedAt: e.generatedAt });

export function explainRouteImplementations(depsOf: (req: ApiRequest) => ExplainDeps, now: () => Date = () => new Date()): Implementation[] {
  return [
    implement(assistantRoutes.explainRecommendation, async (req) => {
      const deps = depsOf(req);
      return explainItem(deps, callerOf(req).tenantId, await deps.recommendationFacts(req.params.id), now());
    }),
    implement(assistantRoutes.explainAnomaly, async (req) => {
      const deps = depsOf(req);
      return explainItem(deps, callerOf(req).tenantId, await deps.anomalyFacts(req.params.id), now());
    }),
  ];
}
