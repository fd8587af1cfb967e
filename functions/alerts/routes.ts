import { createChannel, deleteChannel, refreshStatus, sendTo, type ChannelDeps } from '#shared/alerts/channels.js';
import { publicChannel } from '#shared/alerts/store.js';
import { alertRoutes } from '#shared/contracts/alerts.js';
import { callerOf, implement, type ApiRequest, type Implementation } from '#shared/http/api-request.js';

/** Alert channels: CRUD and the test-send. `depsOf` builds the caller's tenant-scoped stores. */
export function alertRouteImplementations(depsOf: (req: ApiRequest) => ChannelDeps): Implementation[] {
  return [
    implement(alertRoutes.list, async (req) => {
      const { tenantId } = callerOf(req);
      const deps = depsOf(req);
      const page = await deps.store.listChannels(tenantId, req.query.limit, req.query.cursor);
      const items = await Promise.all(page.items.map((c) => refreshStatus(deps, tenantId, c)));
      return { items: items.map(publicChannel), nextCursor: page.nextCursor };
    }),
    implement(alertRoutes.create, async (req) => {
      const caller = callerOf(req);
      return createChannel(depsOf(req), caller.tenantId, req.body, caller.principalId);
    }),
    implement(alertRoutes.get, async (req) => {
      const { tenantId } = callerOf(req);
      const deps = depsOf(req);
      return publicChannel(await refreshStatus(deps, tenantId, await deps.store.getChannel(tenantId, req.params.id)));
    }),
    implement(alertRoutes.update, async (req) => {
      const { tenantId } = callerOf(req);
      const deps = depsOf(req);
      return publicChannel(await deps.store.updateChannel(tenantId, req.params.id, req.body, new Date().toISOString()));
    }),
    implement(alertRoutes.delete, async (req) => {
      await deleteChannel(depsOf(req), callerOf(req).tenantId, req.params.id);
      return null;
    }),
    implement(alertRoutes.test, async (req) => {
      const { tenantId } = callerOf(req);
      const deps = depsOf(req);
      const channel = await refreshStatus(deps, tenantId, await deps.store.getChannel(tenantId, req.params.id));
      const at = new Date().toISOString();
      if (channel.status !== 'active') return { delivered: false, detail: 'the email address has not confirmed its subscription yet', at };
      const result = await sendTo(deps, tenantId, channel, { type: 'test', channelName: channel.name }, `test.${channel.id}.${Date.now()}`);
      return { delivered: result.ok, detail: result.detail, at };
    }),
  ];
}
