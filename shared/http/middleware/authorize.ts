import type middy from '@middy/core';
import { hasPermission, minimumRoleFor } from '../../auth/permissions.js';
import { Forbidden, Unauthorized } from '../../errors.js';
import type { ApiContext, ApiEvent, ApiResult } from '../api-request.js';

/**
 * Checks the route's permission against the caller's role. The authorizer only authenticates;
 * deciding here means a denial gets the error envelope and an audit entry.
 */
export function authorize(): middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> {
  return {
    before: ({ context }) => {
      const api = context.api!;
      const { access } = api.route;
      if (access === 'public') return;
      const auth = api.request.auth;
      // Only reachable if a protected route were deployed without the authorizer.
      if (!auth) throw new Unauthorized('Authentication required.');
      if (!hasPermission(auth.role, access.permission)) {
        throw new Forbidden(`This needs the permission ${access.permission}, which the role ${auth.role} does not have.`, {
          requiredPermission: access.permission,
          role: auth.role,
          minimumRole: minimumRoleFor(access.permission),
        });
      }
    },
  };
}
