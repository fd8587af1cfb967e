import { ulid } from 'ulid';
import type { ConnectedAccount, SyncRun } from '#shared/accounts/model.js';
import { parseRoleArn } from '#shared/accounts/model.js';
import { REQUIRED_PERMISSIONS, ROLE_NAME, ROLE_PATH } from '#shared/accounts/permissions.js';
import type { AccountStore } from '#shared/accounts/store.js';
import { accountRoutes } from '#shared/contracts/accounts.js';
import { inventoryRoutes } from '#shared/contracts/inventory.js';
import { queryFingerprint } from '#shared/db/cursor.js';
import { Conflict, Invalid } from '#shared/errors.js';
import { callerOf, implement, type ApiRequest, type Implementation } from '#shared/http/api-request.js';
import type { AccessSource } from '#shared/inventory/provider.js';
import type { InventoryStore } from '#shared/inventory/store.js';
import type { ObjectStore } from '#shared/storage/object-store.js';
import type { WorkflowStarter } from '#shared/workflows.js';
import template from '#shared/accounts/onboarding-template.json' with { type: 'json' };

/** What the account routes need per request, all scoped to the caller's tenant. */
export interface AccountRouteDeps {
  accounts: AccountStore;
  inventory: InventoryStore;
  objects: () => ObjectStore;
  access: () => AccessSource;
  workflows: () => WorkflowStarter;
  /** Removes the account's Cost Explorer billing source and the costs it collected, if it has one. */
  removeCostExplorerSource: (accountId: string) => Promise<unknown>;
  /** Removes the account's recommendations, any status. */
  removeRecommendations: (accountId: string) => Promise<unknown>;
}

export interface OnboardingSettings {
  /** The CloudOptima AWS account the customer's role trusts. */
  platformAccountId: string;
  templateUrl: string | null;
  /** The region CloudOptima runs in: where the template forwards export-bucket events. */
  region: string;
}

export const STACK_NAME = 'CloudOptima-ReadOnly';
/** A sync still "running" after this long is taken as lost (its workflow failed to record the end). */
const SYNC_STALE_MS = 30 * 60_000;

const publicSync = (run: SyncRun | null) => {
  if (!run) return null;
  const { snapshotKeys: _keys, ...rest } = run;
  return rest;
};
const publicAccount = (a: ConnectedAccount) => ({ ...a, lastSync: publicSync(a.lastSync) });

/**
 * A CloudFormation quick-create link for an onboarding template: the stack ready to create with the
 * tenant's ExternalId, the account CloudOptima runs in and its region; null without a published template.
 */
export function quickCreateLink(templateUrl: string | null, stackName: string, settings: OnboardingSettings, externalId: string): string | null {
  if (!templateUrl) return null;
  const params = new URLSearchParams({
    templateURL: templateUrl,
    stackName,
    param_ExternalId: externalId,
    param_CloudOptimaAccountId: settings.platformAccountId,
    param_CloudOptimaRegion: settings.region,
  });
  return `https://console.aws.amazon.com/cloudformation/home#/stacks/quickcreate?${params}`;
}

export const quickCreateUrl = (settings: OnboardingSettings, externalId: string): string | null => quickCreateLink(settings.templateUrl, STACK_NAME, settings, externalId);

/** Connect, list, test, sync and disconnect accounts; the inventory list. `now` is injectable for tests. */
export function accountRouteImplementations(
  depsOf: (req: ApiRequest) => AccountRouteDeps,
  settings: OnboardingSettings,
  now: () => Date = () => new Date(),
): Implementation[] {
  return [
    implement(accountRoutes.onboarding, async (req) => {
      const externalId = await depsOf(req).accounts.externalId(callerOf(req).tenantId);
      return {
        externalId,
        trustedPrincipal: `arn:aws:iam::${settings.platformAccountId}:root`,
        roleName: ROLE_NAME,
        rolePath: ROLE_PATH,
        stackName: STACK_NAME,
        templateUrl: settings.templateUrl,
        quickCreateUrl: quickCreateUrl(settings, externalId),
        template: template as Record<string, unknown>,
        permissions: REQUIRED_PERMISSIONS.map(({ action, purpose }) => ({ action, purpose })),
      };
    }),
    implement(accountRoutes.connect, async (req) => {
      const caller = callerOf(req);
      const { accounts } = depsOf(req);
      const parsed = parseRoleArn(req.body.roleArn);
      // The body schema already checked it; this keeps the account id's one source the ARN.
      if ('error' in parsed) throw new Invalid('The role ARN is not valid.', [{ field: 'body.roleArn', message: parsed.error }]);
      const account: ConnectedAccount = {
        id: parsed.accountId,
        name: req.body.name,
        roleArn: req.body.roleArn,
        externalId: await accounts.externalId(caller.tenantId),
        status: 'pending',
        lastTest: null,
        lastSync: null,
        connectedAt: now().toISOString(),
        connectedBy: caller.principalId,
      };
      await accounts.create(caller.tenantId, account);
      return publicAccount(account);
    }),
    implement(accountRoutes.list, async (req) => {
      const { tenantId } = callerOf(req);
      const page = await depsOf(req).accounts.list(tenantId, req.query.limit, req.query.cursor, queryFingerprint('listAccounts', {}));
      return { items: page.items.map(publicAccount), nextCursor: page.nextCursor };
    }),
    implement(accountRoutes.get, async (req) => publicAccount(await depsOf(req).accounts.get(callerOf(req).tenantId, req.params.id))),
    implement(accountRoutes.disconnect, async (req) => {
      const { tenantId } = callerOf(req);
      const deps = depsOf(req);
      const account = await deps.accounts.remove(tenantId, req.params.id);
      // The account is gone first, so a collection still running stops writing for it (it checks).
      await deps.inventory.removeAccount(tenantId, account.id);
      // Its costs no longer come from Cost Explorer (an export that covers it may bring them).
      await deps.removeCostExplorerSource(account.id);
      await deps.removeRecommendations(account.id);
      const objects = deps.objects();
      for (const key of account.lastSync?.snapshotKeys ?? []) await objects.delete(key);
      return null;
    }),
    implement(accountRoutes.test, async (req) => {
      const { tenantId } = callerOf(req);
      const deps = depsOf(req);
      const account = await deps.accounts.get(tenantId, req.params.id);
      const check = await deps.access().checkAccess({ accountId: account.id, roleArn: account.roleArn, externalId: account.externalId, tenantId });
      const missing = check.permissions.filter((p) => p.status === 'missing').map((p) => p.action);
      const result = {
        testedAt: now().toISOString(),
        assumed: check.assumed,
        ok: check.assumed && check.error === null && check.permissions.every((p) => p.status === 'granted'),
        error: check.error,
        permissions: check.permissions,
        missing,
      };
      await deps.accounts.recordTest(tenantId, account.id, result);
      return result;
    }),
    implement(accountRoutes.sync, async (req) => {
      const { tenantId } = callerOf(req);
      const deps = depsOf(req);
      const account = await deps.accounts.get(tenantId, req.params.id);
      const last = account.lastSync;
      if (last?.status === 'running' && now().getTime() - Date.parse(last.startedAt) < SYNC_STALE_MS) {
        throw new Conflict(`A sync of ${account.id} is already running (started ${last.startedAt}).`, 'SYNC_IN_PROGRESS');
      }
      const run: SyncRun = {
        runId: ulid(),
        status: 'running',
        trigger: 'manual',
        startedAt: now().toISOString(),
        finishedAt: null,
        regions: [],
        resources: {},
        warnings: [],
        error: null,
        snapshotKeys: last?.snapshotKeys ?? [],
      };
      await deps.accounts.recordSync(tenantId, account.id, run);
      await deps.workflows().start('collection', `collect-${tenantId}-${run.runId}`, { trigger: 'manual', tenantId, accountIds: [account.id], runId: run.runId });
      return publicSync(run)!;
    }),
    implement(accountRoutes.syncStatus, async (req) => publicSync((await depsOf(req).accounts.get(callerOf(req).tenantId, req.params.id)).lastSync)),
    implement(inventoryRoutes.list, async (req) => {
      const { tenantId } = callerOf(req);
      const { limit, cursor, type, account, region } = req.query;
      const filter = { type, accountId: account, region };
      return depsOf(req).inventory.list(tenantId, filter, limit, cursor, queryFingerprint('listInventory', filter));
    }),
  ];
}
