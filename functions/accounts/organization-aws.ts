import { DescribeOrganizationCommand, ListAccountsCommand, OrganizationsClient, type Account } from '@aws-sdk/client-organizations';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { OrganizationListing, OrganizationMember, OrganizationSource } from '#shared/accounts/organization.js';
import { AccountAccessError, type AccountTarget } from '#shared/inventory/provider.js';
import { assumedRoleCredentials } from '#functions/collect/aws/credentials.js';
import { isAccessDenied, withRetry, type CallOptions } from '#functions/collect/aws/retry.js';

/**
 * The organization's accounts in AWS: the management account's role (assumed with the tenant's
 * ExternalId) asks Organizations, whose API lives in us-east-1, for every page of ListAccounts.
 * Throttling is retried (TooManyRequestsException); a refusal means the account is not the
 * management account or a delegated administrator, or its role was made from the single-account
 * template: that is the caller's to fix, so it is an AccountAccessError with the reason.
 */
export class AwsOrganizationSource implements OrganizationSource {
  constructor(
    private readonly sts: STSClient,
    private readonly options: CallOptions = {},
    private readonly clientFor: (credentials: AwsCredentialIdentityProvider) => OrganizationsClient = (credentials) =>
      new OrganizationsClient({ region: 'us-east-1', maxAttempts: 1, credentials }),
  ) {}

  async listAccounts(target: AccountTarget): Promise<OrganizationListing> {
    const credentials = assumedRoleCredentials(this.sts, target);
    const client = this.clientFor(credentials);
    try {
      // Assumed first, so a refused AssumeRole is reported as that (an AccountAccessError), not as an Organizations error.
      await withRetry(() => credentials(), this.options);
      const { Organization } = await withRetry(() => client.send(new DescribeOrganizationCommand({})), this.options);
      const accounts: Account[] = [];
      let token: string | undefined;
      do {
        const page = await withRetry(() => client.send(new ListAccountsCommand({ NextToken: token })), this.options);
        accounts.push(...(page.Accounts ?? []));
        token = page.NextToken;
      } while (token);
      return {
        organizationId: Organization?.Id ?? '',
        managementAccountId: Organization?.MasterAccountId ?? '',
        accounts: accounts.flatMap((a): OrganizationMember[] => {
          // State is the newer field; Status is deprecated but still the one older organizations fill.
          if (!a.Id) return [];
          return [{ id: a.Id, name: a.Name ?? a.Id, email: a.Email ?? null, status: a.State ?? a.Status ?? 'UNKNOWN', joinedAt: a.JoinedTimestamp?.toISOString() ?? null }];
        }),
      };
    } catch (error) {
      if (error instanceof AccountAccessError) throw error;
      const name = (error as Error).name;
      if (isAccessDenied(error) || name === 'AWSOrganizationsNotInUseException') {
        const why =
          name === 'AWSOrganizationsNotInUseException'
            ? `account ${target.accountId} is not in an AWS Organization`
            : `the role in ${target.accountId} may not list the organization's accounts: connect the management account (or a delegated administrator) with the organization template`;
        throw new AccountAccessError('ORGANIZATION_NOT_READABLE', `Cannot list the organization: ${why}.`);
      }
      throw error;
    }
  }
}
