import { CostOptimizationHubClient, ListRecommendationsCommand, type Recommendation } from '@aws-sdk/client-cost-optimization-hub';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { AccountCalls, allPages } from '#functions/collect/aws/common.js';
import { isAccessDenied, type CallOptions } from '#functions/collect/aws/retry.js';
import type { AccountTarget } from '#shared/inventory/provider.js';
import { importsFromHub, notEnrolled, type ImportedFindings, type RecommendationImportSource } from '#shared/recommendations/imports.js';

/** Cost Optimization Hub answers in us-east-1 only, for every region of the account. */
export const HUB_REGION = 'us-east-1';

const hubClient = (credentials: AwsCredentialIdentityProvider) => new CostOptimizationHubClient({ region: HUB_REGION, credentials, maxAttempts: 1 });

/**
 * The account's Cost Optimization Hub recommendations (every page of ListRecommendations, filtered to
 * the account, every recommendation of each resource), through the account's role. The Hub
 * aggregates Compute Optimizer's findings, so one client serves both sources. An account that has
 * not enrolled (or whose role may not read the Hub) answers enabled:false with a warning; throttling
 * is retried with backoff (withRetry); anything else fails this account only (the analysis records
 * it as a warning).
 */
export class AwsRecommendationImportSource implements RecommendationImportSource {
  private readonly calls: AccountCalls;

  constructor(
    sts: STSClient,
    options: CallOptions = {},
    private readonly clientFor: (credentials: AwsCredentialIdentityProvider) => CostOptimizationHubClient = hubClient,
  ) {
    this.calls = new AccountCalls(sts, options);
  }

  async findings(target: AccountTarget): Promise<ImportedFindings[]> {
    const credentials = this.calls.credentialsFor(target);
    // Assume the role first: a refusal fails this account (AccountAccessError), never reads as "not enrolled".
    await this.calls.call(() => credentials());
    const hub = this.clientFor(credentials);
    let records: Recommendation[];
    try {
      records = await allPages(
        (nextToken) =>
          this.calls.call(() =>
            hub.send(new ListRecommendationsCommand({ filter: { accountIds: [target.accountId] }, includeAllRecommendations: true, maxResults: 100, nextToken })),
          ),
        (r) => r.items,
        (r) => r.nextToken,
      );
    } catch (error) {
      if (isNotEnrolled(error)) return notEnrolled(`${(error as Error).name}: ${(error as Error).message}`);
      throw error;
    }
    return importsFromHub(records, target.accountId);
  }
}

/** The Hub's answers for an account that has not opted in, or a role without the permission. */
function isNotEnrolled(error: unknown): boolean {
  if (isAccessDenied(error)) return true;
  const e = error as Error;
  return e?.name === 'ValidationException' && /enrol|opt.?in/i.test(e.message ?? '');
}
