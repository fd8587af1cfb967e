/**
 * Billing data collected from provider APIs (accounts without an export), produced as the same
 * normalized rows and source totals as the export parser. See README.md.
 */
export {
  chargeCategoryOfRecordType,
  collectCostExplorer,
  type CostExplorerApi,
  CostExplorerError,
  type BilledMetric,
  type CollectedCostRow,
  type CostExplorerCollection,
  type CostExplorerErrorCode,
  type CostExplorerOptions,
  type CostExplorerQuery,
  type CostExplorerSummary,
  type EffectiveMetric,
} from './cost-explorer.js';
export { CostExplorerCache, requestKey, type CostExplorerCacheOptions } from './cache.js';
export { regionFromUsageType, USAGE_TYPE_REGION_CODES } from './regions.js';
export { backoffDelay, DEFAULT_RETRY, isRetryable, type RetryOptions } from './retry.js';
