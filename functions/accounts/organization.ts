import { ulid } from 'ulid';
import type { ConnectedAccount, SyncRun } from '#shared/accounts/model.js';
import { ORGANIZATION_PERMISSIONS, type OrganizationSource } from '#shared/accounts/organization.js';
import { ROLE_NAME, ROLE_PATH } from '#shared/accounts/permissions.js';
import { organizationRoutes } from '#shared/contracts/organization.js';
import { queryFingerprint } from '#shared/db/cursor.js';
import { allPages } from '#shared/db/pages.js';
import { Conflict, Invalid } from '#shared/errors.js';
import { callerOf, implement, type ApiRequest, type Implementation } from '#shared/http/api-request.js';
import { AccountAccessError } from '#shared/inventory/provider.js';
import template from '#shared/accounts/organization-template.json' with { type: 'json' };
import { quickCreateLink, type AccountRouteDeps, type OnboardingSettings } from './routes.js';

export const ORGANIZATION_STACK_NAME = 'CloudOptima-Organization';

export interface OrganizationDeps extends AccountRouteDeps {
  organization: () => OrganizationSource;
}

export interface OrganizationSettings extends OnboardingSettings {
  organizationTemplateUrl: string | null;
}

/** The role the organization template's StackSet creates in a member account. */
export const memberRoleArn = (accountId: string): string => `arn:aws:iam::${accountId}:role${ROLE_PATH}${ROLE_NAME}`;

export const organizationQuickCreateUrl = (settings: OrganizationSettings, externalId: string): string | null =>
  quickCreateLink(settings.organizationTemplateUrl, ORGANIZATION_STACK_NAME, settings, externalId);

/**
 * The organization routes: the organization template, the organization's accounts as the
 * connected management account's role sees them, and bulk connect. Bulk connect is idempotent per
 * account (an account already connected is reported, never changed), so a retried request
 * connects the rest and nothing twice.
 */
export function organizationRouteImplementations(
  depsOf: (req: ApiRequest) => OrganizationDeps,
  settings: OrganizationSettings,
  now: () => Date = () => new Date(),
): Implementation[] {
  const listing = async (req: ApiRequest, deps: OrganizationDeps, id: string) => {
    const { tenantId } = callerOf(req);
    const management = await deps.accounts.get(tenantId, id);
    try {
      const org = await deps.organization().listAccounts({ accountId: management.id, roleArn: management.roleArn, externalId: management.externalId, tenantId });
      const connected = new Set(
        (await allPages((cursor) => deps.accounts.list(tenantId, 500, cursor, queryFingerprint('listAccounts', {})))).map((a) => a.id),
      );
      return {
        organizationId: org.organizationId,
        managementAccountId: org.managementAccountId,
        readThrough: management.id,
        accounts: org.accounts
          .map((a) => ({ ...a, connected: connected.has(a.id), connectable: a.status === 'ACTIVE' && !connected.has(a.id) }))
          .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)),
      };
    } catch (error) {
      if (error instanceof AccountAccessError) throw new Conflict(error.message, error.code);
      throw error;
    }
  };

  return [
    implement(organizationRoutes.onboarding, async (req) => {
      const externalId = await depsOf(req).accounts.externalId(callerOf(req).tenantId);
      return {
        externalId,
        stackName: ORGANIZATION_STACK_NAME,
        templateUrl: settings.organizationTemplateUrl,
        quickCreateUrl: organizationQuickCreateUrl(settings, externalId),
        template: template as Record<string, unknown>,
        permissions: ORGANIZATION_PERMISSIONS.map(({ action, purpose }) => ({ action, purpose })),
      };
    }),
    implement(organizationRoutes.list, async (req) => listing(req, depsOf(req), req.params.id)),
    implement(organizationRoutes.connect, async (req) => {
      const caller = callerOf(req);
      const deps = depsOf(req);
      const org = await listing(req, deps, req.params.id);
      const byId = new Map(org.accounts.map((a) => [a.id, a]));
      const wanted = req.body.accountIds ?? org.accounts.filter((a) => a.connectable).map((a) => a.id);
      const unknown = wanted.filter((id) => !byId.has(id));
      if (unknown.length) {
        throw new Invalid(`Not in organization ${org.organizationId}: ${unknown.join(', ')}.`, unknown.map((id) => ({ field: `body.accountIds.${wanted.indexOf(id)}`, message: `account ${id} is not in the organization` })));
      }
      const externalId = await deps.accounts.externalId(caller.tenantId);
      const connected: ConnectedAccount[] = [];
      const alreadyConnected: string[] = [];
      const skipped: Array<{ id: string; name: string | null; reason: string }> = [];
      for (const id of wanted) {
        const member = byId.get(id)!;
        if (member.connected) {
          alreadyConnected.push(id);
          continue;
        }
        if (member.status !== 'ACTIVE') {
          skipped.push({ id, name: member.name, reason: `the account is ${member.status.toLowerCase()} in the organization` });
          continue;
        }
        const account: ConnectedAccount = {
          id,
          name: member.name.slice(0, 100),
          roleArn: memberRoleArn(id),
          externalId,
          status: 'pending',
          lastTest: null,
          lastSync: null,
          connectedAt: now().toISOString(),
          connectedBy: caller.principalId,
        };
        try {
          await deps.accounts.create(caller.tenantId, account);
          connected.push(account);
        } catch (error) {
          // Connected by someone else since the listing: report it, as a retried request would.
          if (error instanceof Conflict) alreadyConnected.push(id);
          else throw error;
        }
      }

      let syncRunId: string | null = null;
      if (req.body.sync && connected.length) {
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
          snapshotKeys: [],
        };
        for (const account of connected) {
          await deps.accounts.recordSync(caller.tenantId, account.id, run);
          account.lastSync = run;
        }
        await deps.workflows().start('collection', `collect-${caller.tenantId}-${run.runId}`, {
          trigger: 'manual',
          tenantId: caller.tenantId,
          accountIds: connected.map((a) => a.id),
          runId: run.runId,
        });
        syncRunId = run.runId;
      }
      return {
        organizationId: org.organizationId,
        connected: connected.map((a) => ({ ...a, lastSync: a.lastSync && (({ snapshotKeys: _k, ...rest }) => rest)(a.lastSync) })),
        alreadyConnected,
        skipped,
        syncRunId,
      };
    }),
  ];
}
