import { auditRoutes } from '#shared/contracts/audit.js';
import { Invalid } from '#shared/errors.js';
import { callerOf, implement } from '#shared/http/api-request.js';
import { createApiHandler, tableStores } from '#shared/http/handler.js';
import { functionRuntime } from '#shared/runtime.js';
import { AuditReader } from './store.js';

const runtime = await functionRuntime();
const { tables, tableName, cursorSecret } = runtime;

export const handler = createApiHandler(
  'audit',
  [
    implement(auditRoutes.list, async (req) => {
      const { tenantId } = callerOf(req);
      const { limit, cursor, ...filter } = req.query;
      if (filter.from && filter.to && Date.parse(filter.from) > Date.parse(filter.to)) {
        throw new Invalid('`from` must not be after `to`.', [{ field: 'query.from', message: 'must not be after to' }]);
      }
      return new AuditReader(tables.forTenant(tenantId), tableName, cursorSecret).list(tenantId, filter, limit, cursor);
    }),
  ],
  tableStores(runtime),
);
