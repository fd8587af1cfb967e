/**
 * Recommendations imported from the account's own AWS services: Cost Optimization Hub, and Compute
 * Optimizer through it (the Hub aggregates Compute Optimizer's findings and names them by its
 * `source` field, so one API serves both). The port is what the analysis asks for each connected
 * account; in AWS functions/recommendations/imports-aws.ts implements it with the Cost Optimization
 * Hub client, locally the recorded demo accounts answer (local/demo/cost-optimization-hub.ts). The
 * mapping of the Hub's records to our Finding is here, shared by both, so the recorded answer goes
 * through exactly the code AWS's answer does.
 */
import type { Recommendation as HubRecommendation } from '@aws-sdk/client-cost-optimization-hub';
import type { ResourceType } from '../inventory/model.js';
import type { AccountTarget } from '../inventory/provider.js';
import { cents, fixed2, percentOf, quantity, usd } from './calc.js';
import { ACTION_TYPES, EFFORTS, type ActionType, type Category, type Effort, type Finding, type RecommendationSource, type Risk } from './model.js';

export type ImportedSource = Exclude<RecommendationSource, 'cloudoptima'>;
export const IMPORTED_SOURCES: readonly ImportedSource[] = ['cost-optimization-hub', 'compute-optimizer'];

/** One source's answer for one account. */
export interface ImportedFindings {
  source: ImportedSource;
  findings: Finding[];
  /** false when the account has not enrolled (or the role may not read it): no findings, a warning, never a failure. */
  enabled: boolean;
  warning?: string;
}

export interface RecommendationImportSource {
  findings(target: AccountTarget): Promise<ImportedFindings[]>;
}

let local: RecommendationImportSource | undefined;

/** The local platform registers the recorded demo answer here; in AWS nothing does. */
export function useLocalRecommendationImportSource(source: RecommendationImportSource): void {
  local = source;
}

export function localRecommendationImportSource(): RecommendationImportSource | undefined {
  return local;
}

// ---- Cost Optimization Hub records -> Finding ----

const SOURCE_LABEL: Record<ImportedSource, string> = { 'cost-optimization-hub': 'Cost Optimization Hub', 'compute-optimizer': 'Compute Optimizer' };
const RULE_PREFIX: Record<ImportedSource, string> = { 'cost-optimization-hub': 'coh', 'compute-optimizer': 'compute-optimizer' };

/** The Hub's currentResourceType: ours where it maps, 'account' for commitments (they are bought for the account). */
const HUB_RESOURCE_TYPES: Readonly<Record<string, { type: ResourceType | 'account'; category: Category; label: string }>> = {
  Ec2Instance: { type: 'ec2-instance', category: 'compute', label: 'EC2 instance' },
  EbsVolume: { type: 'ebs-volume', category: 'storage', label: 'EBS volume' },
  LambdaFunction: { type: 'lambda-function', category: 'serverless', label: 'Lambda function' },
  RdsDbInstance: { type: 'rds-instance', category: 'database', label: 'RDS instance' },
  RdsDbInstanceStorage: { type: 'rds-instance', category: 'database', label: 'RDS instance storage' },
  ComputeSavingsPlans: { type: 'account', category: 'commitments', label: 'Compute Savings Plans' },
  Ec2InstanceSavingsPlans: { type: 'account', category: 'commitments', label: 'EC2 Instance Savings Plans' },
  SageMakerSavingsPlans: { type: 'account', category: 'commitments', label: 'SageMaker Savings Plans' },
  Ec2ReservedInstances: { type: 'account', category: 'commitments', label: 'EC2 Reserved Instances' },
  RdsReservedInstances: { type: 'account', category: 'commitments', label: 'RDS Reserved Instances' },
  ElastiCacheReservedInstances: { type: 'account', category: 'commitments', label: 'ElastiCache Reserved Instances' },
  OpenSearchReservedInstances: { type: 'account', category: 'commitments', label: 'OpenSearch Reserved Instances' },
  RedshiftReservedInstances: { type: 'account', category: 'commitments', label: 'Redshift Reserved Instances' },
  MemoryDbReservedInstances: { type: 'account', category: 'commitments', label: 'MemoryDB Reserved Instances' },
  DynamoDbReservedCapacity: { type: 'account', category: 'commitments', label: 'DynamoDB reserved capacity' },
};

const kebab = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
const words = (s: string): string => kebab(s).replace(/-/g, ' ');

/** `<coh|compute-optimizer>-<resource type>-<action type>`, kebab-case: one recommendation per (resource, source, type, action). */
export const importedRuleId = (source: ImportedSource, hubResourceType: string, actionType: ActionType): string => `${RULE_PREFIX[source]}-${kebab(hubResourceType)}-${kebab(actionType)}`;

const IMPORTED_RULES = new Map<string, { title: string; category: Category }>();
for (const source of IMPORTED_SOURCES) {
  for (const [hubType, t] of Object.entries(HUB_RESOURCE_TYPES)) {
    for (const action of ACTION_TYPES) {
      const verb = words(action);
      IMPORTED_RULES.set(importedRuleId(source, hubType, action), { title: `${SOURCE_LABEL[source]}: ${verb[0]!.toUpperCase()}${verb.slice(1)} (${t.label})`, category: t.category });
    }
  }
}

/** Title and category of an imported finding's rule id, or null when it is not one. */
export const importedRuleOf = (ruleId: string): { title: string; category: Category } | null => IMPORTED_RULES.get(ruleId) ?? null;

/** What the Hub's answer for one account held besides the findings we import. */
export interface HubMapping {
  findings: Finding[];
  /** Records left out: resource types we do not model (Auto Scaling groups, ECS services...), actions we do not have (ScaleIn), other currencies, no savings. */
  skipped: Array<{ recommendationId: string; reason: string }>;
}

/** A number of the Hub's (a JSON double) as an exact decimal, 6 places; null when absent or not a finite non-negative number. */
const exact = (n: number | undefined): bigint | null => (typeof n === 'number' && Number.isFinite(n) && n >= 0 ? quantity(n, 6) : null);

/** The Lambda function's ARN without a version or alias (`:function:name:qualifier`): how the inventory names it. */
const unqualifiedFunctionArn = (arn: string): string => arn.replace(/^(arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+):.+$/, '$1');

function resourceIdOf(rec: HubRecommendation, type: ResourceType | 'account', accountId: string): string | null {
  if (type === 'account') return accountId;
  if (type === 'lambda-function') return rec.resourceArn ? unqualifiedFunctionArn(rec.resourceArn) : null;
  // The inventory names RDS instances by ARN; EC2 instances and EBS volumes by id.
  if (type === 'rds-instance') return rec.resourceArn ?? null;
  return rec.resourceId ?? (rec.resourceArn ? rec.resourceArn.split('/').pop()! : null);
}

/** No risk field in the Hub: a commitment or a change that cannot be rolled back is not a low-risk one. */
function riskOf(actionType: ActionType, category: Category, restartNeeded: boolean, rollbackPossible: boolean): Risk {
  if (actionType === 'Delete' && !rollbackPossible) return 'high';
  if (category === 'commitments' || restartNeeded || !rollbackPossible) return 'medium';
  return 'low';
}

/**
 * The Hub's records for one account as Findings, each under the source the Hub names
 * (ComputeOptimizer -> 'compute-optimizer', else 'cost-optimization-hub'), its figures taken as the
 * Hub gives them (rounded to cents).
 */
export function findingsFromHub(records: readonly HubRecommendation[], accountId: string): HubMapping {
  const findings: Finding[] = [];
  const skipped: HubMapping['skipped'] = [];
  for (const rec of records) {
    const id = rec.recommendationId ?? '(no id)';
    const skip = (reason: string) => skipped.push({ recommendationId: id, reason });
    if (rec.accountId && rec.accountId !== accountId) {
      skip(`it belongs to account ${rec.accountId}`);
      continue;
    }
    const hubType = rec.currentResourceType ?? '';
    const mapped = HUB_RESOURCE_TYPES[hubType];
    if (!mapped) {
      skip(`resource type ${hubType || '(none)'} is not one CloudOptima models`);
      continue;
    }
    const actionType = ACTION_TYPES.find((a) => a === rec.actionType);
    if (!actionType) {
      skip(`action type ${rec.actionType ?? '(none)'} is not one CloudOptima has`);
      continue;
    }
    if ((rec.currencyCode ?? 'USD') !== 'USD') {
      skip(`its estimate is in ${rec.currencyCode}, not USD`);
      continue;
    }
    const resourceId = resourceIdOf(rec, mapped.type, accountId);
    if (!resourceId) {
      skip('it names no resource');
      continue;
    }
    const savings = exact(rec.estimatedMonthlySavings);
    if (savings === null || cents(savings) <= 0n) {
      skip('it estimates no savings');
      continue;
    }
    const monthlySavings = cents(savings);
    const costNow = exact(rec.estimatedMonthlyCost);
    const current = costNow !== null && cents(costNow) >= monthlySavings ? cents(costNow) : monthlySavings;
    const percentage = exact(rec.estimatedSavingsPercentage);
    const source: ImportedSource = rec.source === 'ComputeOptimizer' ? 'compute-optimizer' : 'cost-optimization-hub';
    const restartNeeded = rec.restartNeeded ?? false;
    const rollbackPossible = rec.rollbackPossible ?? false;
    const effort: Effort = EFFORTS.find((e) => e === rec.implementationEffort) ?? 'Medium';
    const currentSummary = rec.currentResourceSummary ?? hubType;
    const recommendedSummary = rec.recommendedResourceSummary ?? rec.recommendedResourceType ?? actionType;
    const refreshed = rec.lastRefreshTimestamp ? new Date(rec.lastRefreshTimestamp).toISOString().slice(0, 10) : null;
    const lookback = rec.recommendationLookbackPeriodInDays;
    const via = source === 'compute-optimizer' ? 'AWS Compute Optimizer (through Cost Optimization Hub)' : 'AWS Cost Optimization Hub';
    findings.push({
      ruleId: importedRuleId(source, hubType, actionType),
      resourceId,
      resourceType: mapped.type,
      accountId,
      region: rec.region || 'global',
      resourceName: rec.tags?.find((t) => t.key === 'Name')?.value ?? null,
      actionType,
      reason:
        `${via} recommends: ${words(actionType)}, ${currentSummary} -> ${recommendedSummary}` +
        `${lookback ? `, from the last ${lookback} days` : ''}${refreshed ? ` (refreshed ${refreshed})` : ''}. Its estimate, not ours.`,
      current: { summary: currentSummary, monthlyCost: usd(current), config: { resourceType: hubType } },
      recommended: { summary: recommendedSummary, monthlyCost: usd(current - monthlySavings), config: { resourceType: rec.recommendedResourceType ?? hubType } },
      estimatedMonthlySavings: usd(monthlySavings),
      estimatedAnnualSavings: usd(monthlySavings * 12n),
      estimatedSavingsPercentage: percentage !== null ? fixed2(percentage) : percentOf(monthlySavings, current),
      currency: 'USD',
      priceBasis: 'list-price',
      priceSource: `${via} estimate${refreshed ? `, refreshed ${refreshed}` : ''}`,
      actions: [`${words(actionType)[0]!.toUpperCase()}${words(actionType).slice(1)}: ${currentSummary} -> ${recommendedSummary}`, `Review it in the AWS console (Cost Optimization Hub, recommendation ${id})`],
      risk: riskOf(actionType, mapped.category, restartNeeded, rollbackPossible),
      effort,
      restartNeeded,
      rollbackPossible,
      source,
      inferredOwner: null,
    });
  }
  return { findings, skipped };
}

/** The port's answer from one account's Hub records: one entry per imported source. */
export function importsFromHub(records: readonly HubRecommendation[], accountId: string): ImportedFindings[] {
  const { findings, skipped } = findingsFromHub(records, accountId);
  const warning = skipped.length
    ? `${skipped.length} Cost Optimization Hub recommendation${skipped.length === 1 ? ' was' : 's were'} not imported: ${[...new Set(skipped.map((s) => s.reason))].slice(0, 3).join('; ')}`
    : undefined;
  return IMPORTED_SOURCES.map((source) => ({
    source,
    findings: findings.filter((f) => f.source === source),
    enabled: true,
    ...(source === 'cost-optimization-hub' && warning ? { warning } : {}),
  }));
}

/** The answer for an account that has not enrolled (or whose role may not read the Hub): no findings, a warning. */
export function notEnrolled(message: string): ImportedFindings[] {
  return IMPORTED_SOURCES.map((source) =>
    source === 'cost-optimization-hub'
      ? { source, findings: [], enabled: false, warning: `Cost Optimization Hub did not answer for this account (${message.slice(0, 300)}); enroll it in Cost Optimization Hub to import its and Compute Optimizer's recommendations.` }
      : { source, findings: [], enabled: false },
  );
}

// ---- Deduplication against ours ----

const dedupKey = (f: Finding): string => `${f.accountId}\u0000${f.resourceId}\u0000${f.actionType}`;

/**
 * Ours and the imported findings as one list: an imported finding about the same resource and
 * action type as one of ours is dropped (ours stays, and notes in `alsoReportedBy` that the source
 * agrees); the first imported one of a (resource, action type) wins over a later one.
 */
export function mergeImported(ours: readonly Finding[], imported: readonly Finding[]): { findings: Finding[]; duplicates: number } {
  const ourKeys = new Map<string, number>();
  const out: Finding[] = ours.map((f, i) => {
    ourKeys.set(dedupKey(f), i);
    return f;
  });
  const agreeing = new Map<number, Set<RecommendationSource>>();
  const taken = new Set<string>();
  let duplicates = 0;
  for (const f of imported) {
    const key = dedupKey(f);
    const mine = ourKeys.get(key);
    if (mine !== undefined) {
      duplicates++;
      (agreeing.get(mine) ?? agreeing.set(mine, new Set()).get(mine)!).add(f.source);
      continue;
    }
    if (taken.has(key)) {
      duplicates++;
      continue;
    }
    taken.add(key);
    out.push(f);
  }
  for (const [i, sources] of agreeing) out[i] = { ...out[i]!, alsoReportedBy: [...sources].sort() };
  return { findings: out, duplicates };
}
