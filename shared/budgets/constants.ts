/**
 * The budget vocabulary the API contract shares with the domain code: no logic here, so the console
 * (which imports the contracts) bundles none of it.
 */
export const BUDGET_PERIODS = ['monthly', 'quarterly', 'annual'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

export const BUDGET_STATUSES = ['on_track', 'at_risk', 'exceeded'] as const;
export type BudgetStatusName = (typeof BUDGET_STATUSES)[number];

/** A threshold watches spend so far (actual) or the forecast for the whole period (forecasted). */
export const THRESHOLD_BASES = ['actual', 'forecasted'] as const;
export type ThresholdBase = (typeof THRESHOLD_BASES)[number];

export const MAX_THRESHOLDS = 10;
export const MAX_HISTORY_PERIODS = 24;
