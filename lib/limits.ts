/**
 * Request limits for the whole API. Per-tier quotas and rates (usage plans) arrive with the tier
 * table in issue 11; until then these bound every caller alike.
 */
export const API_LIMITS = {
  /** Stage throttling (API Gateway's token bucket): steady requests per second across all callers. */
  stageRatePerSecond: 100,
  /** Requests the bucket absorbs above the steady rate. */
  stageBurst: 200,
  /** AWS WAF rate-based rule: requests one IP may send in any 5-minute window before it is blocked. */
  perIpPer5Minutes: 3000,
} as const;
