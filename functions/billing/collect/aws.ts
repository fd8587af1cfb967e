import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { AccountTarget } from '#shared/inventory/provider.js';
import { assumedRoleCredentials } from '#functions/collect/aws/credentials.js';
import type { CostExplorerApi } from './cost-explorer.js';

/**
 * Cost Explorer in a connected account: the account's CloudOptima role, assumed with the tenant's
 * ExternalId (the collection workflow's own path, functions/collect/aws/credentials.ts), and a
 * client with the SDK's retries off (`maxAttempts: 1`): the collector retries throttling itself and
 * counts every request it sends. Cost Explorer's endpoint is in us-east-1 for every account.
 */
export const costExplorerClient = (credentials: AwsCredentialIdentityProvider): CostExplorerApi => new CostExplorerClient({ region: 'us-east-1', maxAttempts: 1, credentials });

/**
 * One client per (tenant, role), kept for the life of the container: its credentials renew
 * themselves, and the collector's cache keys its answers by client, so two accounts or two
 * tenants never share one.
 */
export function costExplorerClients(sts: STSClient, make: (credentials: AwsCredentialIdentityProvider) => CostExplorerApi = costExplorerClient): (target: AccountTarget) => CostExplorerApi {
  const clients = new Map<string, CostExplorerApi>();
  return (target) => {
    const key = `${target.tenantId}|${target.roleArn}|${target.externalId}`;
    let client = clients.get(key);
    if (!client) clients.set(key, (client = make(assumedRoleCredentials(sts, target))));
    return client;
  };
}

let local: ((target: AccountTarget) => CostExplorerApi) | undefined;

/** The local platform registers its Cost Explorer provider here (local/demo/cost-explorer.ts); in AWS nothing does. */
export function useLocalCostExplorer(clientFor: (target: AccountTarget) => CostExplorerApi): void {
  local = clientFor;
}

export function localCostExplorer(): ((target: AccountTarget) => CostExplorerApi) | undefined {
  return local;
}
