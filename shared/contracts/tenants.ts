import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { ROLES } from '../auth/permissions.js';
import { isoDateTime, timeZone } from './common.js';

export const tenant = z
  .object({
    id: z.string(),
    name: z.string(),
    /** Used for schedules, periods and reports; users may override it for display. */
    timezone: z.string(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: 'Tenant' });

export const updateTenantRequest = z
  .strictObject({ name: z.string().trim().min(1).max(100).optional(), timezone: timeZone.optional() })
  .refine((b) => b.name !== undefined || b.timezone !== undefined, {
    message: 'give at least one of name, timezone',
  });

export const me = z.object({
  principal: z.object({ type: z.enum(['user', 'apiKey']), id: z.string() }),
  user: z
    .object({ id: z.string(), email: z.string(), name: z.string().nullable(), timezone: z.string().nullable() })
    .nullable(),
  role: z.enum(ROLES),
  permissions: z.array(z.string()),
  tenant,
});

/** What anyone may change about themselves: a display name and a display time zone (role stays an admin's). */
export const updateMeRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(100).nullable().optional(),
    timezone: timeZone.nullable().optional(),
  })
  .refine((b) => b.name !== undefined || b.timezone !== undefined, { message: 'give at least one of name, timezone' });

export const tenantRoutes = {
  me: defineRoute({
    operationId: 'getMe',
    method: 'GET',
    path: '/v1/me',
    domain: 'tenants',
    tag: 'Tenant',
    summary: 'The caller: user, role, permissions and tenant',
    access: { permission: 'tenant:read' },
    response: me,
    status: 200,
  }),
  updateMe: defineRoute({
    operationId: 'updateMe',
    method: 'PATCH',
    path: '/v1/me',
    domain: 'tenants',
    tag: 'Tenant',
    summary: "Change your own display name or time zone (null: follow the organization's)",
    access: { permission: 'tenant:read' },
    body: updateMeRequest,
    example: { timezone: 'Europe/Berlin' },
    response: me,
    status: 200,
  }),
  getTenant: defineRoute({
    operationId: 'getTenant',
    method: 'GET',
    path: '/v1/tenant',
    domain: 'tenants',
    tag: 'Tenant',
    summary: "The caller's organization",
    access: { permission: 'tenant:read' },
    response: tenant,
    status: 200,
  }),
  updateTenant: defineRoute({
    operationId: 'updateTenant',
    method: 'PATCH',
    path: '/v1/tenant',
    domain: 'tenants',
    tag: 'Tenant',
    summary: "Rename the organization or change its time zone",
    access: { permission: 'tenant:write' },
    body: updateTenantRequest,
    example: { name: 'Example Corp', timezone: 'Europe/Berlin' },
    response: tenant,
    status: 200,
  }),
};
