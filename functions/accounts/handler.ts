import { AccountStore } from '#shared/accounts/store.js';
import { sts } from '#shared/aws/clients.js';
import { config } from '#shared/config.js';
import { callerOf, type ApiRequest } from '#shared/http/api-request.js';
import { createApiHandler, tableStores } from '#shared/http/handler.js';
import { localOrganizationSource, type OrganizationSource } from '#shared/accounts/organization.js';
import { localInventoryProvider, type AccessSource } from '#shared/inventory/provider.js';
import { InventoryStore } from '#shared/inventory/store.js';
import { RecommendationStore } from '#shared/recommendations/store.js';
import { functionRuntime, objectStore } from '#shared/runtime.js';
import { workflowStarter } from '#shared/workflows.js';
import { removeCostExplorerSourceOf } from '#functions/billing/collect/sources.js';
import { BillingStore } from '#functions/billing/store.js';
import { CostStore } from '#shared/costs/store.js';
import { AwsAccessSource } from './access.js';
import { AwsOrganizationSource } from './organization-aws.js';
import { organizationRouteImplementations, type OrganizationDeps } from './organization.js';
import { accountRouteImplementations } from './routes.js';

const runtime = await functionRuntime();
const { tables, tableName, cursorSecret } = runtime;

let access: AccessSource | undefined;
/** Locally the recorded demo account answers the connection test; in AWS, STS and IAM do. */
const accessSource = (): AccessSource => (access ??= localInventoryProvider() ?? new AwsAccessSource(sts()));
let organization: OrganizationSource | undefined;
/** Locally the recorded demo organization lists its accounts; in AWS, Organizations does. */
const organizationSource = (): OrganizationSource => (organization ??= localOrganizationSource() ?? new AwsOrganizationSource(sts()));

const depsFor = (tenantId: string): OrganizationDeps => {
  const client = tables.forTenant(tenantId);
  return {
    accounts: new AccountStore(client, tableName, cursorSecret),
    inventory: new InventoryStore(client, tableName, cursorSecret),
    objects: objectStore,
    access: accessSource,
    workflows: workflowStarter,
    organization: organizationSource,
    removeCostExplorerSource: (accountId) =>
      removeCostExplorerSourceOf({ store: new BillingStore(client, tableName, cursorSecret), costs: new CostStore(client, tableName), doc: client, tableName }, tenantId, accountId),
    removeRecommendations: (accountId) => new RecommendationStore(client, tableName, cursorSecret).removeAccount(tenantId, accountId),
  };
};

const onboardingSettings = {
  // Locally there is no CloudOptima AWS account: the all-zero id says so (and no role can name it).
  platformAccountId: config.platformAccountId() ?? '000000000000',
  templateUrl: config.onboardingTemplateUrl() ?? null,
  region: config.region(),
};

export const handler = createApiHandler(
  'accounts',
  [
    ...accountRouteImplementations((req: ApiRequest) => depsFor(callerOf(req).tenantId), onboardingSettings),
    ...organizationRouteImplementations((req: ApiRequest) => depsFor(callerOf(req).tenantId), {
      ...onboardingSettings,
      organizationTemplateUrl: config.organizationTemplateUrl() ?? null,
    }),
  ],
  tableStores(runtime),
);
