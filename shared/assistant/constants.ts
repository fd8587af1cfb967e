/**
 * The assistant's fixed limits. Tiers (issue 11) do not exist yet: every tenant is on the one
 * `standard` tier below; when the tier table lands, it replaces ASSISTANT_TIERS (one source).
 */
export const ASSISTANT_TOOL_NAMES = [
  'cost_overview',
  'cost_breakdown',
  'compare_periods',
  'top_resources',
  'anomalies',
  'forecast',
  'budgets',
  'recommendations_summary',
  'recommendations',
] as const;
export type AssistantToolName = (typeof ASSISTANT_TOOL_NAMES)[number];

/** The reads an explanation (POST /v1/recommendations/{id}/explain, /v1/anomalies/{id}/explain) is grounded on. */
export const EXPLANATION_SOURCES = ['recommendation', 'recommendation_impact', 'anomaly'] as const;
export type ExplanationSourceName = (typeof EXPLANATION_SOURCES)[number];

export const MAX_QUESTION_LENGTH = 2000;
export const MAX_TITLE_LENGTH = 120;

export interface AssistantTier {
  /** Questions a tenant may ask per calendar month (UTC). */
  questionsPerMonth: number;
  /** Input + output tokens one answer may use across its model calls. */
  tokensPerAnswer: number;
  /** Model -> tools -> model rounds one answer may take. */
  toolRounds: number;
}

export const ASSISTANT_TIERS = {
  standard: { questionsPerMonth: 100, tokensPerAnswer: 24_000, toolRounds: 5 },
} as const satisfies Record<string, AssistantTier>;

export const DEFAULT_ASSISTANT_TIER: AssistantTier = ASSISTANT_TIERS.standard;

/** Most output tokens asked for in one model call. */
export const MAX_OUTPUT_TOKENS = 1024;
/** The conversation history sent to the model: the last few question/answer pairs. */
export const HISTORY_TURNS = 4;
/** Messages kept and shown per conversation. */
export const MAX_MESSAGES_SHOWN = 100;
/** 429 code once the month's questions are used. */
export const QUOTA_EXCEEDED = 'ASSISTANT_QUOTA_EXCEEDED';
