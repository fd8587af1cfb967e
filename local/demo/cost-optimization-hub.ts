/**
 * The recorded demo accounts' Cost Optimization Hub: a local RecommendationImportSource
 * (shared/recommendations/imports.ts) that answers ListRecommendations the way the Hub would, in
 * its own record shape, for the same resources the recorded inventory (local/demo/inventory.ts)
 * and the demo billing data hold, then maps them with the code AWS's answer goes through
 * (importsFromHub). What it was recorded with:
 *
 * - findings ours also make (same resource and action type), which the analysis must deduplicate:
 *   Compute Optimizer's idle finding on staging-loadgen (ours: ec2-idle) and its gp2 -> gp3
 *   upgrade of staging-db-tools-root (ours: ebs-gp2-to-gp3);
 * - findings ours do not make, which show up with their source: a Reserved Instance purchase for
 *   prod-payments-db (Cost Optimization Hub, from Cost Explorer's RI recommendations) and Compute
 *   Optimizer's memory rightsizing of the checkout-api Lambda function;
 * - one the analysis cannot import (an Auto Scaling group: a resource type CloudOptima does not
 *   model), which becomes a warning on the run;
 * - demo-data has not enrolled in Cost Optimization Hub: it answers AccessDeniedException, so its
 *   import is enabled:false with a warning, never a failure.
 */
import type { Recommendation } from '@aws-sdk/client-cost-optimization-hub';
import { AccountAccessError, type AccountTarget } from '#shared/inventory/provider.js';
import { importsFromHub, notEnrolled, type ImportedFindings, type RecommendationImportSource } from '#shared/recommendations/imports.js';
import { demoResources, type DemoResource } from './billing.js';
import { isRecordedAccount } from './cost-explorer.js';
import { DEMO_ACCOUNTS } from './dimensions.js';
import { demoRoleArn } from './inventory.js';

const DAY_MS = 86_400_000;

/** Accounts that have not enrolled in Cost Optimization Hub. */
export const NOT_ENROLLED: ReadonlySet<string> = new Set([DEMO_ACCOUNTS.data.id]);

type Recorded = Omit<Recommendation, 'accountId' | 'region' | 'lastRefreshTimestamp'> & { resource?: string };

/** The recorded records, by the demo resource (name) they are about; figures as the Hub reported them (USD). */
const RECORDED: readonly Recorded[] = [
  {
    recommendationId: 'demo-coh-idle-staging-loadgen',
    resource: 'staging-loadgen',
    currentResourceType: 'Ec2Instance',
    recommendedResourceType: 'Ec2Instance',
    actionType: 'Stop',
    currentResourceSummary: 'r5.2xlarge, idle',
    recommendedResourceSummary: 'Stopped',
    estimatedMonthlyCost: 367.92,
    estimatedMonthlySavings: 367.92,
    estimatedSavingsPercentage: 100,
    implementationEffort: 'VeryLow',
    restartNeeded: true,
    rollbackPossible: true,
    recommendationLookbackPeriodInDays: 14,
    source: 'ComputeOptimizer',
  },
  {
    recommendationId: 'demo-coh-gp3-staging-db-tools-root',
    resource: 'staging-db-tools-root',
    currentResourceType: 'EbsVolume',
    recommendedResourceType: 'EbsVolume',
    actionType: 'Upgrade',
    currentResourceSummary: 'gp2 50 GiB',
    recommendedResourceSummary: 'gp3 50 GiB, 3000 IOPS, 125 MiB/s',
    estimatedMonthlyCost: 5,
    estimatedMonthlySavings: 1,
    estimatedSavingsPercentage: 20,
    implementationEffort: 'VeryLow',
    restartNeeded: false,
    rollbackPossible: true,
    recommendationLookbackPeriodInDays: 14,
    source: 'ComputeOptimizer',
  },
  {
    recommendationId: 'demo-coh-ri-prod-payments-db',
    resource: 'prod-payments-db',
    currentResourceType: 'RdsReservedInstances',
    recommendedResourceType: 'RdsReservedInstances',
    actionType: 'PurchaseReservedInstances',
    currentResourceSummary: 'db.r6g.xlarge MySQL Multi-AZ, on demand',
    recommendedResourceSummary: '1 x db.r6g.xlarge MySQL Multi-AZ Reserved Instance, 1 year, No Upfront',
    estimatedMonthlyCost: 693.5,
    estimatedMonthlySavings: 249.66,
    estimatedSavingsPercentage: 36,
    implementationEffort: 'VeryLow',
    restartNeeded: false,
    rollbackPossible: false,
    recommendationLookbackPeriodInDays: 30,
    source: 'CostExplorer',
  },
  {
    recommendationId: 'demo-coh-lambda-checkout-api',
    resource: 'checkout-api',
    currentResourceType: 'LambdaFunction',
    recommendedResourceType: 'LambdaFunction',
    actionType: 'Rightsize',
    currentResourceSummary: '1024 MB',
    recommendedResourceSummary: '768 MB',
    estimatedMonthlyCost: 38.4,
    estimatedMonthlySavings: 9.6,
    estimatedSavingsPercentage: 25,
    implementationEffort: 'VeryLow',
    restartNeeded: false,
    rollbackPossible: true,
    recommendationLookbackPeriodInDays: 14,
    source: 'ComputeOptimizer',
  },
  {
    recommendationId: 'demo-coh-asg-prod-web-asg',
    resource: 'prod-web-asg-1',
    currentResourceType: 'Ec2AutoScalingGroup',
    recommendedResourceType: 'Ec2AutoScalingGroup',
    actionType: 'Rightsize',
    currentResourceSummary: '3 x m5.xlarge',
    recommendedResourceSummary: '3 x m5.large',
    estimatedMonthlyCost: 420.48,
    estimatedMonthlySavings: 210.24,
    estimatedSavingsPercentage: 50,
    implementationEffort: 'Medium',
    restartNeeded: true,
    rollbackPossible: true,
    recommendationLookbackPeriodInDays: 14,
    source: 'ComputeOptimizer',
  },
];

/** The Hub's record of a demo resource: ids, ARN, region and tags as AWS would name them. */
function record(r: Recorded, resource: DemoResource, refreshed: Date): Recommendation {
  const { resource: _name, ...rest } = r;
  const region = resource.regionId ?? 'us-east-1';
  const common = { ...rest, accountId: resource.accountId, region, lastRefreshTimestamp: refreshed, currencyCode: 'USD', tags: resource.name ? [{ key: 'Name', value: resource.name }] : [] };
  switch (r.currentResourceType) {
    case 'Ec2Instance':
      return { ...common, resourceId: resource.id, resourceArn: `arn:aws:ec2:${region}:${resource.accountId}:instance/${resource.id}` };
    case 'EbsVolume':
      return { ...common, resourceId: resource.id, resourceArn: `arn:aws:ec2:${region}:${resource.accountId}:volume/${resource.id}` };
    case 'LambdaFunction':
      return { ...common, resourceId: resource.name, resourceArn: `${resource.id}:$LATEST` };
    case 'Ec2AutoScalingGroup':
      return { ...common, resourceId: 'prod-web-asg', resourceArn: `arn:aws:autoscaling:${region}:${resource.accountId}:autoScalingGroup:00000000-demo:autoScalingGroupName/prod-web-asg` };
    default:
      // Reserved Instances are bought for the account: the Hub names the recommendation, not a resource.
      return { ...common, resourceId: r.recommendationId, resourceArn: undefined, tags: [] };
  }
}

export class RecordedCostOptimizationHub implements RecommendationImportSource {
  private readonly records: Recommendation[];

  /** `endDate`: the last day of the demo billing data (the seed's: yesterday); the Hub refreshed the day after. */
  constructor(endDate = new Date(Date.now() - DAY_MS).toISOString().slice(0, 10)) {
    const byName = new Map(demoResources({ endDate }).filter((r) => r.deletedAt === null).map((r) => [r.name, r]));
    const refreshed = new Date(Date.parse(`${endDate}T00:00:00Z`) + DAY_MS + 4 * 3_600_000);
    this.records = RECORDED.map((r) => {
      const resource = byName.get(r.resource!);
      if (!resource) throw new Error(`the recorded Cost Optimization Hub names ${r.resource}, which the demo catalog does not hold`);
      return record(r, resource, refreshed);
    });
  }

  async findings(target: AccountTarget): Promise<ImportedFindings[]> {
    if (!isRecordedAccount(target.accountId) || target.roleArn !== demoRoleArn(target.accountId)) {
      throw new AccountAccessError('ASSUME_ROLE_FAILED', `AssumeRole on ${target.roleArn} failed: AccessDenied (local: only the recorded demo accounts' roles answer)`);
    }
    if (NOT_ENROLLED.has(target.accountId)) {
      return notEnrolled('AccessDeniedException: the account is not enrolled in Cost Optimization Hub (recorded demo account)');
    }
    // ListRecommendations with filter.accountIds = [the account], every page.
    return importsFromHub(
      this.records.filter((r) => r.accountId === target.accountId),
      target.accountId,
    );
  }
}
