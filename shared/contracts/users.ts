import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { ROLES } from '../auth/permissions.js';
import { email, emptyResponse, idParams, isoDateTime, listOf, pageQuery, timeZone } from './common.js';

export const userStatus = z.enum(['invited', 'active']);

export const user = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(ROLES),
    status: userStatus,
    /** Display override of the tenant's time zone. */
    timezone: z.string().nullable(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: 'User' });

export const inviteUserRequest = z.strictObject({
  email,
  role: z.enum(ROLES),
  name: z.string().trim().min(1).max(100).optional(),
});

export const updateUserRequest = z
  .strictObject({
    role: z.enum(ROLES).optional(),
    name: z.string().trim().min(1).max(100).nullable().optional(),
    timezone: timeZone.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one of role, name, timezone' });

export const userRoutes = {
  list: defineRoute({
    operationId: 'listUsers',
    method: 'GET',
    path: '/v1/users',
    domain: 'users',
    tag: 'Users',
    summary: "The organization's users",
    access: { permission: 'users:read' },
    query: pageQuery,
    response: listOf(user),
    status: 200,
  }),
  invite: defineRoute({
    operationId: 'inviteUser',
    method: 'POST',
    path: '/v1/users',
    domain: 'users',
    tag: 'Users',
    summary: 'Invite a user with a role; they set their own password at first sign-in',
    access: { permission: 'users:write' },
    body: inviteUserRequest,
    example: { email: 'grace@example.com', role: 'analyst', name: 'Grace Hopper' },
    response: user,
    status: 201,
  }),
  get: defineRoute({
    operationId: 'getUser',
    method: 'GET',
    path: '/v1/users/{id}',
    domain: 'users',
    tag: 'Users',
    summary: 'One user',
    access: { permission: 'users:read' },
    params: idParams,
    response: user,
    status: 200,
  }),
  update: defineRoute({
    operationId: 'updateUser',
    method: 'PATCH',
    path: '/v1/users/{id}',
    domain: 'users',
    tag: 'Users',
    summary: "Change a user's role, name or display time zone",
    access: { permission: 'users:write' },
    params: idParams,
    body: updateUserRequest,
    example: { role: 'engineer' },
    response: user,
    status: 200,
  }),
  remove: defineRoute({
    operationId: 'deleteUser',
    method: 'DELETE',
    path: '/v1/users/{id}',
    domain: 'users',
    tag: 'Users',
    summary: 'Remove a user; their sessions stop working',
    access: { permission: 'users:write' },
    params: idParams,
    response: emptyResponse,
    status: 204,
  }),
};
