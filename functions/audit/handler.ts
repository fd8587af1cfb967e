import { dynamoDocumentClient } from '#shared/aws/clients.js';
import { config } from '#shared/config.js';
import { auditRoutes } from '#shared/contracts/audit.js';
import { Invalid } from '#shared/errors.js';
import { callerOf, implement } from '#shared/http/api-request.js';
import { createApiHandler, tableStores } from '#shared/http/handler.js';
import { AuditReader } from './store.js';

const doc = dynamoDocumentClient();
const tableName = config.tableName();
const reader = new AuditReader(doc, tableName, config.cursorSecret());

export const handler = createApiHandler(
  'audit',
  [
    implement(auditRoutes.list, async (req) => {
      const { limit, cursor, ...filter } = req.query;
      if (filter.from && filter.to && Date.parse(filter.from) > Date.parse(filter.to)) {
        throw new Invalid('`from` must not be after `to`.', [{ field: 'query.from', message: 'must not be after to' }]);
      }
      return reader.list(callerOf(req).tenantId, filter, limit, cursor);
    }),
  ],
  tableStores(doc, tableName),
);
