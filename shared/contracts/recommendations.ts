import { z } from 'zod';
import { MAX_YEAR } from '../costs/dates.js';
import { defineRoute } from '../http/route.js';
import { RESOURCE_TYPES } from '../inventory/model.js';
import { ACTION_TYPES, CATEGORIES, EFFORTS, PILLARS, PRICE_BASES, RECOMMENDATION_SOURCES, RECOMMENDATION_STATUSES, RISKS } from '../recommendations/model.js';
import { tryParseDecimal } from '../money.js';
import { entityId, isoDateTime, listOf, pageQuery } from './common.js';
import { TAG_KEY_MAX_LENGTH } from './filters.js';

/**
 * Optimization recommendations (shared/recommendations/) and the resources they are about.
 * Field names follow AWS Cost Optimization Hub where it has one (actionType, implementationEffort,
 * restartNeeded, rollbackPossible, estimatedMonthlySavings, estimatedSavingsPercentage). Money is an
 * exact decimal string with `currency` beside it; percentages are decimal strings with 2 digits.
 */

const money = z.string().describe('Exact decimal amount in `currency`');
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

// ---- Ids ----

/** `<rule id>_<resource key>`: one recommendation per (resource, rule), the same id across analyses. */
export const RECOMMENDATION_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*_[A-Za-z0-9_-]{27}$/;
export const recommendationId = z
  .string()
  .max(128)
  .regex(RECOMMENDATION_ID_PATTERN, 'must be a recommendation id: "<rule id>_<27-character resource key>"');

/**
 * A resource's API id: `<account>_<region>_<type>_<resource key>`, the resource key being the
 * inventory's hash of the provider's id (ARNs and ids like i-0abc hold characters a path should not).
 */
export const RESOURCE_REF_PATTERN = new RegExp(`^(\\d{12})_([a-z]{2}(?:-[a-z]+)+-\\d{1,2})_(${RESOURCE_TYPES.join('|')})_([A-Za-z0-9_-]{27})$`);
export const resourceRef = z
  .string()
  .max(128)
  .regex(RESOURCE_REF_PATTERN, 'must be a resource id as GET /v1/resources returns it: "<account>_<region>_<type>_<27-character key>"');

// Path ids take any entity id: one that is not a recommendation's or a resource's is simply not found (404).
export const recommendationParams = z.object({ id: entityId.describe('A recommendation id: "<rule id>_<27-character resource key>"') });
export const resourceParams = z.object({ id: entityId.describe('A resource id as GET /v1/resources returns it: "<account>_<region>_<type>_<27-character key>"') });

// ---- Recommendations ----

export const recommendationStatus = z.enum(RECOMMENDATION_STATUSES);
export const RECOMMENDATION_SORTS = ['-savings', 'savings', 'updated'] as const;

const decimalAtLeastZero = z
  .string()
  .max(32)
  .refine((s) => /^\d+(\.\d+)?$/.test(s) && tryParseDecimal(s) !== undefined, 'must be a decimal amount such as "25" or "12.50"');

export const recommendationQuery = pageQuery
  .extend({
    status: recommendationStatus.optional().describe('Only recommendations in this state (default: every state)'),
    category: z.enum(CATEGORIES).optional(),
    risk: z.enum(RISKS).optional(),
    account: z.string().regex(ACCOUNT, 'must be a 12-digit AWS account id').optional().describe('Only this account'),
    actionType: z.enum(ACTION_TYPES).optional(),
    source: z.enum(RECOMMENDATION_SOURCES).optional().describe('Our rules, or imported from Cost Optimization Hub / Compute Optimizer'),
    resource: resourceRef.optional().describe("Only this resource's recommendations"),
    minSavings: decimalAtLeastZero.optional().describe('Estimated monthly savings at least this much (USD)'),
    sort: z.enum(RECOMMENDATION_SORTS).default('-savings').describe('-savings: largest first (default); savings: smallest first; updated: most recently changed first'),
  })
  .strict();

const resourceSummary = z.object({
  summary: z.string().describe('e.g. "m5.2xlarge", "gp2 500 GiB", "1024 MB x86_64"'),
  monthlyCost: money,
  config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).describe('The configuration values that differ'),
});

const realized = z
  .object({
    baselineDailyCost: money.describe("The resource's billed cost per day over the 30 days before it was applied"),
    baselineDays: z.number().int().describe('Days of billing the baseline averages (0: billing had no cost for the resource)'),
    afterDailyCost: money.nullable().describe('Billed cost per day since the day after it was applied; null until billing covers a day after'),
    afterDays: z.number().int(),
    realizedMonthlySavings: money.nullable().describe('(baseline - after) per day x 30.4375, beside the estimate; null until measurable'),
    measuredAt: isoDateTime.nullable(),
  })
  .describe('Savings confirmed from billing after the recommendation was applied');

const recommendationFields = {
  id: recommendationId,
  ruleId: z.string(),
  title: z.string().describe("The rule's title"),
  category: z.enum(CATEGORIES),
  status: recommendationStatus,
  source: z.enum(RECOMMENDATION_SOURCES).describe("cloudoptima: our rules; cost-optimization-hub / compute-optimizer: imported from the account's own AWS services"),
  alsoReportedBy: z
    .array(z.enum(RECOMMENDATION_SOURCES))
    .describe('Imported sources that report the same resource and action type: their finding was dropped as a duplicate of this one'),
  resourceId: z.string().describe("The provider's id: instance id, ARN, bucket name, or the account id for account-wide findings"),
  resourceRef: resourceRef.nullable().describe('The resource as GET /v1/resources/{id} knows it; null for account-wide findings'),
  resourceType: z.union([z.enum(RESOURCE_TYPES), z.literal('account')]),
  resourceName: z.string().nullable(),
  accountId: z.string(),
  region: z.string(),
  actionType: z.enum(ACTION_TYPES),
  reason: z.string().describe('The evidence, in one sentence'),
  currency: z.literal('USD'),
  currentMonthlyCost: money,
  estimatedMonthlySavings: money,
  estimatedAnnualSavings: money,
  estimatedSavingsPercentage: z.string().describe('Percent with 2 decimals ("37.50")'),
  risk: z.enum(RISKS),
  implementationEffort: z.enum(EFFORTS),
  restartNeeded: z.boolean(),
  rollbackPossible: z.boolean(),
  priceBasis: z.enum(PRICE_BASES).describe("billed-resource-cost: the resource's own cost from billing; effective-rate: list price x the tenant's discount; list-price"),
  owner: z.string().nullable().describe('Assigned owner, else the one inferred from the owner tag'),
  ownerSource: z.enum(['assigned', 'tag']).nullable(),
  dismissReason: z.string().nullable(),
  snoozedUntil: isoDateTime.nullable(),
  appliedAt: isoDateTime.nullable(),
  realizedMonthlySavings: money.nullable().describe('Confirmed from billing after it was applied; null until measurable'),
  firstSeenAt: isoDateTime,
  updatedAt: isoDateTime.describe('Last change: an analysis that changed its figures, or a status change'),
  analyzedAt: isoDateTime.describe('The last analysis that found it (or resolved it)'),
  statusChangedAt: isoDateTime.nullable(),
  statusChangedBy: z.string().nullable().describe('Who changed the status; null when an analysis did'),
};

export const recommendationSummary = z.object(recommendationFields).meta({ id: 'RecommendationSummary' });

export const recommendationDetail = z
  .object({
    ...recommendationFields,
    current: resourceSummary,
    recommended: resourceSummary,
    actions: z.array(z.string()).describe('The steps a remediation would take, in order'),
    priceSource: z.string(),
    inferredOwner: z.string().nullable(),
    realized: realized.nullable(),
  })
  .meta({ id: 'Recommendation' });

export const recommendationImpact = z
  .object({
    id: recommendationId,
    actionType: z.enum(ACTION_TYPES),
    currency: z.literal('USD'),
    current: resourceSummary.describe('The configuration now and its monthly cost'),
    recommended: resourceSummary.describe('The configuration after the actions and its monthly cost'),
    estimatedMonthlySavings: money,
    estimatedAnnualSavings: money,
    estimatedSavingsPercentage: z.string(),
    actions: z.array(z.string()),
    restartNeeded: z.boolean(),
    rollbackPossible: z.boolean(),
    risk: z.enum(RISKS),
    implementationEffort: z.enum(EFFORTS),
    priceBasis: z.enum(PRICE_BASES),
    priceSource: z.string(),
    source: z.enum(RECOMMENDATION_SOURCES),
    billedMonthlyCost: money.nullable().describe("The resource's own billed cost over the last 30 days, scaled to a month; null when billing has no cost for it"),
    realized: realized.nullable(),
  })
  .meta({ id: 'RecommendationImpact' });

const savingsGroup = { count: z.number().int(), monthlySavings: money, annualSavings: money };

export const recommendationTotals = z
  .object({
    currency: z.literal('USD'),
    open: z
      .object({
        ...savingsGroup,
        deduplicatedMonthlySavings: money.describe(
          "What acting on all of them could save: per resource the largest of its open recommendations (stop, rightsize, migrate... are alternatives, so their sum would count a resource's cost twice), account-wide ones (commitments) added as they are",
        ),
        deduplicatedAnnualSavings: money,
      })
      .describe('Open recommendations and their estimated savings; monthlySavings is the plain sum, deduplicatedMonthlySavings what can really be saved'),
    byCategory: z.array(z.object({ category: z.enum(CATEGORIES), ...savingsGroup })).describe('Open ones, by category, largest savings first'),
    byActionType: z.array(z.object({ actionType: z.enum(ACTION_TYPES), ...savingsGroup })).describe('Open ones, by action type, largest savings first'),
    bySource: z
      .array(z.object({ source: z.enum(RECOMMENDATION_SOURCES), ...savingsGroup }))
      .describe('Open ones, by source (our rules, or imported from Cost Optimization Hub / Compute Optimizer), largest savings first'),
    byStatus: z.array(z.object({ status: recommendationStatus, count: z.number().int() })),
    realized: z
      .object({
        applied: z.number().int().describe('Applied recommendations'),
        estimatedMonthlySavings: money.describe('What the applied ones were estimated to save'),
        measured: z.number().int().describe('Applied ones with savings confirmed from billing'),
        realizedMonthlySavings: money.describe('The confirmed savings of the measured ones'),
      })
      .describe('Savings of applied recommendations, confirmed from later billing data'),
    analyzedAt: isoDateTime.nullable().describe('The last analysis of this tenant'),
  })
  .meta({ id: 'RecommendationTotals' });

export const ruleCatalogEntry = z
  .object({
    id: z.string(),
    title: z.string(),
    category: z.enum(CATEGORIES),
    pillar: z.enum(PILLARS),
    resourceType: z.union([z.enum(RESOURCE_TYPES), z.literal('account')]),
    actionType: z.enum(ACTION_TYPES),
    risk: z.enum(RISKS),
    implementationEffort: z.enum(EFFORTS),
    restartNeeded: z.boolean(),
    rollbackPossible: z.boolean(),
    description: z.string(),
    savingsMethod: z.string().describe('How the savings are computed'),
    enabled: z.boolean().describe("False when the tenant's settings disable it"),
  })
  .meta({ id: 'RecommendationRule' });

// ---- Lifecycle ----

export const dismissRequest = z.strictObject({
  reason: z.string().trim().min(1, 'give a reason').max(1000).describe('Why it does not apply (kept with the recommendation)'),
});

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A future day or instant: `yyyy-mm-dd` (midnight UTC) or an ISO 8601 date-time with offset. */
export const snoozeRequest = z.strictObject({
  until: z
    .string()
    .max(40)
    .refine((s) => (DATE_ONLY.test(s) || z.iso.datetime({ offset: true }).safeParse(s).success) && !Number.isNaN(Date.parse(s)), 'must be a date yyyy-mm-dd or an ISO 8601 date-time')
    .refine((s) => Number.isNaN(Date.parse(s)) || Date.parse(s) > Date.now(), 'must be in the future')
    .refine((s) => Number.isNaN(Date.parse(s)) || new Date(s).getUTCFullYear() <= MAX_YEAR, `must be before ${MAX_YEAR + 1}`)
    .transform((s) => new Date(DATE_ONLY.test(s) ? `${s}T00:00:00Z` : s).toISOString())
    .describe('It reopens on its own at this time'),
});

export const updateRecommendationRequest = z.strictObject({
  owner: z.string().trim().min(1, 'give an owner, or null to clear it').max(128).nullable().describe('A person or team; null goes back to the owner tag'),
});

// ---- Settings ----

const settingsShape = {
  ec2IdleCpuPercent: z.number().min(0).max(100).describe('EC2 idle: max of daily average CPU below this %'),
  ec2LowCpuPercent: z.number().min(0).max(100).describe('EC2 rightsizing: max of daily average CPU below this %'),
  idleNetworkBytesPerDay: z.number().int().min(0).max(1e13),
  snapshotMaxAgeDays: z.number().int().min(1).max(3650),
  rdsIdleMaxConnections: z.number().int().min(0).max(100_000),
  rdsLowCpuPercent: z.number().min(0).max(100),
  lambdaMemoryUsedPercent: z.number().min(1).max(100),
  loadBalancerIdleRequestsPerDay: z.number().int().min(0).max(1e9),
  natIdleBytesPerDay: z.number().int().min(0).max(1e14),
  s3LifecycleMinGiB: z.number().min(0).max(1e8),
  ownerTag: z.string().trim().min(1).max(TAG_KEY_MAX_LENGTH).describe("Tag whose value names a resource's owner"),
  disabledRules: z.array(z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a rule id').max(64)).max(200).describe('Rule ids switched off for this tenant'),
};

const settingsValues = z.object(settingsShape);

export const recommendationSettings = z
  .object({
    ...settingsShape,
    defaults: settingsValues,
    lastAnalysis: z
      .object({
        at: isoDateTime,
        findings: z.number().int(),
        opened: z.number().int(),
        updated: z.number().int(),
        resolved: z.number().int(),
        reopened: z.number().int(),
        imported: z.number().int().describe('Imported findings kept (Cost Optimization Hub, Compute Optimizer) after deduplication; the daily collection imports, a settings change does not'),
        duplicates: z.number().int().describe('Imported findings dropped as duplicates of ours (same resource and action type)'),
        warnings: z
          .array(z.object({ accountId: z.string(), source: z.enum(RECOMMENDATION_SOURCES).nullable(), code: z.string(), message: z.string() }))
          .describe('Accounts whose import did not answer (not enrolled, role refused, failed): the analysis went on without them'),
      })
      .nullable()
      .describe('The last analysis of this tenant (a settings change re-analyses at once)'),
  })
  .meta({ id: 'RecommendationSettings' });

export const updateRecommendationSettingsRequest = z
  .strictObject(Object.fromEntries(Object.entries(settingsShape).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof settingsShape]: z.ZodOptional<(typeof settingsShape)[K]> })
  .refine((b) => Object.keys(b).length > 0, { message: `give at least one of ${Object.keys(settingsShape).join(', ')}` });

// ---- Resources ----

export const resourceQuery = pageQuery
  .extend({
    type: z.enum(RESOURCE_TYPES).optional().describe('Only resources of this type'),
    account: z.string().regex(ACCOUNT, 'must be a 12-digit AWS account id').optional().describe('Only this account'),
    region: z.string().regex(REGION, 'must be a region such as us-east-1').optional().describe('Only this region'),
    q: z.string().trim().min(1).max(128).optional().describe('Case-insensitive search in the id, the name and the tags (keys and values)'),
  })
  .strict();

const metricSummary = z.object({
  metric: z.string(),
  unit: z.string(),
  average: z.number().nullable(),
  maximum: z.number().nullable(),
  days: z.number().int(),
  daily: z.array(z.number().nullable()),
});

const resourceFields = {
  id: resourceRef,
  resourceId: z.string().describe("The provider's id: instance id, volume id, ARN, bucket name..."),
  type: z.enum(RESOURCE_TYPES),
  accountId: z.string(),
  region: z.string(),
  name: z.string().nullable(),
  state: z.string().nullable(),
  size: z.string().nullable(),
  createdAt: isoDateTime.nullable(),
  tags: z.record(z.string(), z.string()),
  collectedAt: isoDateTime,
  openRecommendations: z.number().int().describe('Open recommendations about it'),
  estimatedMonthlySavings: money.describe('Their estimated monthly savings (USD)'),
};

export const resourceSummaryView = z.object(resourceFields).meta({ id: 'ResourceSummary' });

export const resourceDetail = z
  .object({
    ...resourceFields,
    config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())])),
    utilization: z.record(z.string(), metricSummary).describe('30 days of CloudWatch utilization, by short name (cpu, connections...)'),
    cost: z
      .object({
        currency: z.literal('USD'),
        period: z.string().describe('yyyy-mm: the last full month with billing data'),
        days: z.number().int().describe('Days in that month'),
        billedCost: money,
        effectiveCost: money.describe('Amortized, after discounts'),
        listCost: money.describe('At public on-demand prices'),
        monthly: z
          .array(z.object({ period: z.string(), billedCost: money, effectiveCost: money }))
          .describe('Its cost in each of the last months with billing data, oldest first (resource rollups are monthly)'),
      })
      .nullable()
      .describe('Its own cost from billing (the export names it by its id); null when billing does not name it'),
    recommendations: z.array(recommendationSummary).describe('Every recommendation about it, any state'),
  })
  .meta({ id: 'Resource' });

// ---- Routes ----

const tag = 'Recommendations';

export const recommendationRoutes = {
  list: defineRoute({
    operationId: 'listRecommendations',
    method: 'GET',
    path: '/v1/recommendations',
    domain: 'recommendations',
    tag,
    summary: 'Optimization recommendations, largest savings first; filter by status, category, risk, account, action type, source, resource and minimum savings',
    access: { permission: 'recommendations:read' },
    query: recommendationQuery,
    response: listOf(recommendationSummary),
    status: 200,
  }),
  summary: defineRoute({
    operationId: 'getRecommendationTotals',
    method: 'GET',
    path: '/v1/recommendations/summary',
    domain: 'recommendations',
    tag,
    summary: 'Open recommendations and their savings by category and action type, counts by state, and the realized savings of applied ones',
    access: { permission: 'recommendations:read' },
    response: recommendationTotals,
    status: 200,
  }),
  rules: defineRoute({
    operationId: 'listRecommendationRules',
    method: 'GET',
    path: '/v1/recommendations/rules',
    domain: 'recommendations',
    tag,
    summary: 'The rule catalog: what each rule finds, its risk and effort, and how its savings are computed',
    access: { permission: 'recommendations:read' },
    response: listOf(ruleCatalogEntry),
    status: 200,
  }),
  getSettings: defineRoute({
    operationId: 'getRecommendationSettings',
    method: 'GET',
    path: '/v1/recommendations/settings',
    domain: 'recommendations',
    tag,
    summary: "The tenant's rule thresholds, owner tag and disabled rules, with the defaults",
    access: { permission: 'recommendations:read' },
    response: recommendationSettings,
    status: 200,
  }),
  updateSettings: defineRoute({
    operationId: 'updateRecommendationSettings',
    method: 'PATCH',
    path: '/v1/recommendations/settings',
    domain: 'recommendations',
    tag,
    summary: 'Tune the thresholds, the owner tag or the disabled rules; the tenant is re-analysed at once',
    access: { permission: 'recommendations:write' },
    body: updateRecommendationSettingsRequest,
    example: { ec2LowCpuPercent: 25, snapshotMaxAgeDays: 120 },
    response: recommendationSettings,
    status: 200,
  }),
  get: defineRoute({
    operationId: 'getRecommendation',
    method: 'GET',
    path: '/v1/recommendations/{id}',
    domain: 'recommendations',
    tag,
    summary: 'One recommendation with its configurations, actions, price source and realized savings',
    access: { permission: 'recommendations:read' },
    params: recommendationParams,
    response: recommendationDetail,
    status: 200,
  }),
  impact: defineRoute({
    operationId: 'getRecommendationImpact',
    method: 'GET',
    path: '/v1/recommendations/{id}/impact',
    domain: 'recommendations',
    tag,
    summary: 'Impact preview: the configuration and monthly cost before and after, the actions, and where the prices came from',
    access: { permission: 'recommendations:read' },
    params: recommendationParams,
    response: recommendationImpact,
    status: 200,
  }),
  update: defineRoute({
    operationId: 'updateRecommendation',
    method: 'PATCH',
    path: '/v1/recommendations/{id}',
    domain: 'recommendations',
    tag,
    summary: 'Assign an owner (a person or team); null goes back to the owner inferred from the tag',
    access: { permission: 'recommendations:write' },
    params: recommendationParams,
    body: updateRecommendationRequest,
    example: { owner: 'platform-team' },
    response: recommendationDetail,
    status: 200,
  }),
  dismiss: defineRoute({
    operationId: 'dismissRecommendation',
    method: 'POST',
    path: '/v1/recommendations/{id}/dismiss',
    domain: 'recommendations',
    tag,
    summary: 'Dismiss with a reason: later analyses keep its figures current but never reopen it',
    access: { permission: 'recommendations:write' },
    params: recommendationParams,
    body: dismissRequest,
    example: { reason: 'Kept idle on purpose: disaster-recovery standby' },
    response: recommendationDetail,
    status: 200,
  }),
  snooze: defineRoute({
    operationId: 'snoozeRecommendation',
    method: 'POST',
    path: '/v1/recommendations/{id}/snooze',
    domain: 'recommendations',
    tag,
    summary: 'Snooze until a future date; it reopens on its own then',
    access: { permission: 'recommendations:write' },
    params: recommendationParams,
    body: snoozeRequest,
    example: { until: '2099-01-01' },
    response: recommendationDetail,
    status: 200,
  }),
  reopen: defineRoute({
    operationId: 'reopenRecommendation',
    method: 'POST',
    path: '/v1/recommendations/{id}/reopen',
    domain: 'recommendations',
    tag,
    summary: 'Reopen a snoozed, dismissed or applied recommendation (a resolved one reopens when its condition returns)',
    access: { permission: 'recommendations:write' },
    params: recommendationParams,
    response: recommendationDetail,
    status: 200,
  }),
  apply: defineRoute({
    operationId: 'applyRecommendation',
    method: 'POST',
    path: '/v1/recommendations/{id}/apply',
    domain: 'recommendations',
    tag,
    summary: "Mark as applied: records the resource's billed cost per day over the 30 days before, so later billing confirms the savings",
    access: { permission: 'recommendations:write' },
    params: recommendationParams,
    response: recommendationDetail,
    status: 200,
  }),
  listResources: defineRoute({
    operationId: 'listResources',
    method: 'GET',
    path: '/v1/resources',
    domain: 'recommendations',
    tag: 'Resources',
    summary: 'Collected resources with their open recommendations; filter by type, account and region, search the id, name and tags',
    access: { permission: 'accounts:read' },
    query: resourceQuery,
    response: listOf(resourceSummaryView),
    status: 200,
  }),
  getResource: defineRoute({
    operationId: 'getResource',
    method: 'GET',
    path: '/v1/resources/{id}',
    domain: 'recommendations',
    tag: 'Resources',
    summary: 'One resource: its configuration, 30 days of utilization, its cost from billing and its recommendations',
    access: { permission: 'accounts:read' },
    params: resourceParams,
    response: resourceDetail,
    status: 200,
  }),
};

export type RecommendationSummaryView = z.infer<typeof recommendationSummary>;
export type RecommendationDetailView = z.infer<typeof recommendationDetail>;
export type RecommendationTotalsView = z.infer<typeof recommendationTotals>;
