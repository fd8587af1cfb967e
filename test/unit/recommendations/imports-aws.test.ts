import { CostOptimizationHubClient, ListRecommendationsCommand, type Recommendation } from '@aws-sdk/client-cost-optimization-hub';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsRecommendationImportSource } from '#functions/recommendations/imports-aws.js';
import { AccountAccessError, type AccountTarget } from '#shared/inventory/provider.js';

/** The Cost Optimization Hub adapter, every call stubbed with aws-sdk-client-mock. */
const sts = mockClient(STSClient);
const hub = mockClient(CostOptimizationHubClient);

const target: AccountTarget = {
  accountId: '318274650192',
  roleArn: 'arn:aws:iam::318274650192:role/cloudoptima/CloudOptimaReadOnly',
  externalId: 'cloudoptima-abcdefghijklmnop',
  tenantId: 'tenant_1',
};
const sleeps: number[] = [];
const options = { sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.5, retry: { baseDelayMs: 100 } };
const error = (name: string, message: string, status: number) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
const source = () => new AwsRecommendationImportSource(new STSClient({}), options);

const ec2Rightsize: Recommendation = {
  recommendationId: 'rec-1',
  accountId: target.accountId,
  region: 'us-east-1',
  resourceId: 'i-0abc',
  resourceArn: 'arn:aws:ec2:us-east-1:318274650192:instance/i-0abc',
  currentResourceType: 'Ec2Instance',
  recommendedResourceType: 'Ec2Instance',
  actionType: 'Rightsize',
  currentResourceSummary: 'm5.2xlarge',
  recommendedResourceSummary: 'm5.xlarge',
  estimatedMonthlyCost: 280.32,
  estimatedMonthlySavings: 140.16,
  estimatedSavingsPercentage: 50,
  currencyCode: 'USD',
  implementationEffort: 'Medium',
  restartNeeded: true,
  rollbackPossible: true,
  lastRefreshTimestamp: new Date('2026-11-01T04:00:00Z'),
  recommendationLookbackPeriodInDays: 14,
  source: 'ComputeOptimizer',
  tags: [{ key: 'Name', value: 'web-1' }],
};
const rdsReserved: Recommendation = {
  recommendationId: 'rec-2',
  accountId: target.accountId,
  region: 'us-east-1',
  resourceId: 'rec-2',
  currentResourceType: 'RdsReservedInstances',
  actionType: 'PurchaseReservedInstances',
  currentResourceSummary: 'db.r6g.xlarge on demand',
  recommendedResourceSummary: '1 x db.r6g.xlarge RI, 1 year',
  estimatedMonthlyCost: 693.5,
  estimatedMonthlySavings: 249.66,
  estimatedSavingsPercentage: 36,
  currencyCode: 'USD',
  implementationEffort: 'VeryLow',
  restartNeeded: false,
  rollbackPossible: false,
  source: 'CostExplorer',
};
const lambdaRightsize: Recommendation = {
  recommendationId: 'rec-3',
  accountId: target.accountId,
  region: 'eu-west-1',
  resourceId: 'checkout',
  resourceArn: 'arn:aws:lambda:eu-west-1:318274650192:function:checkout:$LATEST',
  currentResourceType: 'LambdaFunction',
  actionType: 'Rightsize',
  currentResourceSummary: '1024 MB',
  recommendedResourceSummary: '768 MB',
  estimatedMonthlyCost: 38.4,
  estimatedMonthlySavings: 9.6,
  estimatedSavingsPercentage: 25,
  currencyCode: 'USD',
  implementationEffort: 'VeryLow',
  restartNeeded: false,
  rollbackPossible: true,
  source: 'ComputeOptimizer',
};
const ecsService: Recommendation = { ...lambdaRightsize, recommendationId: 'rec-4', currentResourceType: 'EcsService', resourceArn: 'arn:aws:ecs:eu-west-1:318274650192:service/c/s' };

beforeEach(() => {
  sts.reset();
  hub.reset();
  sleeps.length = 0;
  sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + 900_000) } });
});

describe('AwsRecommendationImportSource', () => {
  it('reads every page of ListRecommendations for the account only, in us-east-1, through the assumed role', async () => {
    hub
      .on(ListRecommendationsCommand, { nextToken: undefined })
      .resolves({ items: [ec2Rightsize], nextToken: 'p2' })
      .on(ListRecommendationsCommand, { nextToken: 'p2' })
      .resolves({ items: [rdsReserved, lambdaRightsize], nextToken: undefined });
    const answer = await source().findings(target);
    const calls = hub.commandCalls(ListRecommendationsCommand);
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.args[0].input.filter).toEqual({ accountIds: [target.accountId] });
      expect(call.args[0].input.includeAllRecommendations).toBe(true);
    }
    expect(await hub.send.thisValues[0]!.config.region()).toBe('us-east-1');
    const assume = sts.commandCalls(AssumeRoleCommand);
    expect(assume).toHaveLength(1);
    expect(assume[0]!.args[0].input).toMatchObject({ RoleArn: target.roleArn, ExternalId: target.externalId });

    expect(answer.map((a) => [a.source, a.enabled, a.findings.length, a.warning])).toEqual([
      ['cost-optimization-hub', true, 1, undefined],
      ['compute-optimizer', true, 2, undefined],
    ]);
  });

  it("maps the Hub's fields straight onto the Finding, the Hub's source naming Compute Optimizer's", async () => {
    hub.on(ListRecommendationsCommand).resolves({ items: [ec2Rightsize, rdsReserved, lambdaRightsize] });
    const [coh, co] = await source().findings(target);
    const ec2 = co!.findings.find((f) => f.resourceType === 'ec2-instance')!;
    expect(ec2).toMatchObject({
      ruleId: 'compute-optimizer-ec2-instance-rightsize',
      resourceId: 'i-0abc',
      accountId: target.accountId,
      region: 'us-east-1',
      resourceName: 'web-1',
      actionType: 'Rightsize',
      current: { summary: 'm5.2xlarge', monthlyCost: '280.32' },
      recommended: { summary: 'm5.xlarge', monthlyCost: '140.16' },
      estimatedMonthlySavings: '140.16',
      estimatedAnnualSavings: '1681.92',
      estimatedSavingsPercentage: '50.00',
      currency: 'USD',
      effort: 'Medium',
      restartNeeded: true,
      rollbackPossible: true,
      risk: 'medium',
      source: 'compute-optimizer',
    });
    expect(ec2.reason).toContain('Compute Optimizer');
    expect(ec2.priceSource).toContain('refreshed 2026-11-01');
    // A Reserved Instance purchase is for the account: its resource is the account.
    expect(coh!.findings).toEqual([
      expect.objectContaining({
        ruleId: 'coh-rds-reserved-instances-purchase-reserved-instances',
        resourceType: 'account',
        resourceId: target.accountId,
        actionType: 'PurchaseReservedInstances',
        estimatedMonthlySavings: '249.66',
        estimatedAnnualSavings: '2995.92',
        current: expect.objectContaining({ monthlyCost: '693.50' }),
        recommended: expect.objectContaining({ monthlyCost: '443.84' }),
        effort: 'VeryLow',
        rollbackPossible: false,
        source: 'cost-optimization-hub',
      }),
    ]);
    // A Lambda function as the inventory names it: its ARN without the qualifier.
    expect(co!.findings.find((f) => f.resourceType === 'lambda-function')!.resourceId).toBe('arn:aws:lambda:eu-west-1:318274650192:function:checkout');
  });

  it('leaves out what it cannot map, and says so', async () => {
    hub.on(ListRecommendationsCommand).resolves({
      items: [ecsService, { ...ec2Rightsize, recommendationId: 'rec-5', actionType: 'ScaleIn' }, { ...ec2Rightsize, recommendationId: 'rec-6', currencyCode: 'EUR' }, ec2Rightsize],
    });
    const [coh, co] = await source().findings(target);
    expect(co!.findings.map((f) => f.resourceId)).toEqual(['i-0abc']);
    expect(coh!.enabled).toBe(true);
    expect(coh!.warning).toMatch(/^3 Cost Optimization Hub recommendations were not imported: resource type EcsService .*; action type ScaleIn .*; its estimate is in EUR/);
  });

  it('an account that has not enrolled answers enabled:false with a warning, never a failure', async () => {
    hub.on(ListRecommendationsCommand).rejects(error('AccessDeniedException', 'Account is not enrolled in Cost Optimization Hub.', 403));
    const answer = await source().findings(target);
    expect(answer.every((a) => !a.enabled && a.findings.length === 0)).toBe(true);
    expect(answer[0]!.warning).toContain('not enrolled');
    expect(sleeps).toEqual([]);
  });

  it('retries throttling with backoff, then reads on', async () => {
    hub
      .on(ListRecommendationsCommand)
      .rejectsOnce(error('ThrottlingException', 'Rate exceeded', 429))
      .rejectsOnce(error('ThrottlingException', 'Rate exceeded', 429))
      .resolves({ items: [ec2Rightsize] });
    const answer = await source().findings(target);
    expect(sleeps).toEqual([75, 150]);
    expect(answer[1]!.findings).toHaveLength(1);
  });

  it('fails the account (not the analysis: it records a warning) when the role cannot be assumed or the Hub keeps failing', async () => {
    sts.on(AssumeRoleCommand).rejects(error('AccessDenied', 'not authorized to assume', 403));
    await expect(source().findings(target)).rejects.toBeInstanceOf(AccountAccessError);
    sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + 900_000) } });
    hub.on(ListRecommendationsCommand).rejects(error('InternalServerException', 'boom', 500));
    await expect(source().findings(target)).rejects.toThrow('boom');
    expect(sleeps).toHaveLength(5);
  });
});
