import { ulid } from 'ulid';
import type { ConnectedAccount, SyncRun } from '#shared/accounts/model.js';
import type { AccountTarget } from '#shared/inventory/provider.js';
import type { WorkflowStarter } from '#shared/workflows.js';

/**
 * One execution of the collection workflow keeps every account's iterations in its history, which
 * Step Functions caps at 25,000 events: about 360 events an account of 17 regions, so at most this
 * many accounts per execution, with room to spare. A run over more (an organization connected in
 * bulk, or the daily run of every tenant) starts one execution per group of one tenant's accounts,
 * each collecting and analysing its group: the same flow in AWS and in the local runner, which has
 * no Distributed Map.
 */
export const MAX_ACCOUNTS_PER_EXECUTION = 25;

export interface PlanInput {
  trigger: SyncRun['trigger'];
  tenantId?: string | null | undefined;
  accountIds?: string[] | undefined;
  runId?: string | undefined;
}

export interface PlannedAccount {
  target: AccountTarget;
  runId: string;
  trigger: SyncRun['trigger'];
  startedAt: string;
}

export interface PlanDeps {
  tenants: () => Promise<string[]>;
  accountsOf: (tenantId: string) => Promise<ConnectedAccount[]>;
  recordSync: (tenantId: string, accountId: string, run: SyncRun) => Promise<void>;
  workflows: () => WorkflowStarter;
  now: () => Date;
  maxPerExecution?: number;
}

export const emptyRun = (runId: string, trigger: SyncRun['trigger'], startedAt: string): SyncRun => ({
  runId,
  status: 'running',
  trigger,
  startedAt,
  finishedAt: null,
  regions: [],
  resources: {},
  warnings: [],
  error: null,
  snapshotKeys: [],
});

/**
 * The accounts this execution collects, each with its run recorded (a manual sync's run was
 * recorded by the API under its run id; the schedule records its own). Over the limit it collects
 * none itself: every group of at most `maxPerExecution` accounts of one tenant goes to an execution
 * of its own, started here with the same trigger and run id, which plans again (within the limit).
 */
export async function planCollection(deps: PlanDeps, input: PlanInput): Promise<{ accounts: PlannedAccount[]; delegated: number }> {
  const max = deps.maxPerExecution ?? MAX_ACCOUNTS_PER_EXECUTION;
  const tenants = input.tenantId ? [input.tenantId] : await deps.tenants();
  const byTenant = new Map<string, ConnectedAccount[]>();
  for (const t of tenants) {
    const accounts = (await deps.accountsOf(t)).filter((a) => !input.accountIds || input.accountIds.includes(a.id));
    if (accounts.length) byTenant.set(t, accounts);
  }
  const total = [...byTenant.values()].reduce((n, a) => n + a.length, 0);

  if (total > max) {
    let delegated = 0;
    for (const [tenantId, accounts] of byTenant) {
      for (let i = 0; i < accounts.length; i += max) {
        await deps.workflows().start('collection', `collect-${tenantId}-${ulid()}`, {
          trigger: input.trigger,
          tenantId,
          accountIds: accounts.slice(i, i + max).map((a) => a.id),
          ...(input.runId ? { runId: input.runId } : {}),
        });
        delegated++;
      }
    }
    return { accounts: [], delegated };
  }

  const planned: PlannedAccount[] = [];
  for (const [tenantId, accounts] of byTenant) {
    for (const account of accounts) {
      const startedAt = deps.now().toISOString();
      const id = input.runId && account.lastSync?.runId === input.runId ? input.runId : ulid();
      const run = id === input.runId ? account.lastSync! : emptyRun(id, input.trigger, startedAt);
      if (id !== input.runId) await deps.recordSync(tenantId, account.id, { ...run, snapshotKeys: account.lastSync?.snapshotKeys ?? [] });
      planned.push({ target: { tenantId, accountId: account.id, roleArn: account.roleArn, externalId: account.externalId }, runId: id, trigger: input.trigger, startedAt: run.startedAt });
    }
  }
  return { accounts: planned, delegated: 0 };
}
