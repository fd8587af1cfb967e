import type { AuthContext } from '#shared/auth/context.js';
import type { Role } from '#shared/auth/permissions.js';
import type { Directory, User, UserPatch } from '#shared/db/directory.js';
import { Conflict, NotFound } from '#shared/errors.js';
import type { IdentityProvider } from '#shared/identity/provider.js';

/** Built per request: `directory` is bound to the caller's tenant (tenant-scoped credentials in AWS). */
export interface UsersDeps {
  identity: IdentityProvider;
  directory: Directory;
}

async function mustGet(deps: UsersDeps, tenantId: string, userId: string): Promise<User> {
  const user = await deps.directory.getUser(tenantId, userId);
  // Another tenant's user id lands here too: it is simply not in this tenant's partition.
  if (!user) throw new NotFound('User not found.');
  return user;
}

export const getUser = (deps: UsersDeps, caller: AuthContext, userId: string) => mustGet(deps, caller.tenantId, userId);

/** Invites a user into the caller's tenant; returns the temporary password for local logging only. */
export async function inviteUser(deps: UsersDeps, caller: AuthContext, input: { email: string; role: Role; name?: string | undefined }) {
  const { userId, temporaryPassword } = await deps.identity.createUser({ email: input.email, tenantId: caller.tenantId, role: input.role });
  const now = new Date().toISOString();
  const user: User = {
    id: userId,
    email: input.email,
    name: input.name ?? null,
    role: input.role,
    status: 'invited',
    timezone: null,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await deps.directory.addUser(caller.tenantId, user);
  } catch (error) {
    await deps.identity.deleteUser(input.email);
    throw error;
  }
  return { user, temporaryPassword };
}

/**
 * The directory is the source of the role the authorizer grants, so it is written first; the
 * Cognito group follows so tokens minted later agree. If the group change fails, the directory
 * change is rolled back and the error surfaces.
 */
export async function updateUser(deps: UsersDeps, caller: AuthContext, userId: string, patch: UserPatch): Promise<User> {
  const current = await mustGet(deps, caller.tenantId, userId);
  const updated = await deps.directory.updateUser(caller.tenantId, current, patch);
  if (patch.role && patch.role !== current.role) {
    try {
      await deps.identity.changeRole(current.email, current.role, patch.role);
    } catch (error) {
      await deps.directory.updateUser(caller.tenantId, updated, { role: current.role });
      throw error;
    }
  }
  return updated;
}

export async function removeUser(deps: UsersDeps, caller: AuthContext, userId: string): Promise<void> {
  if (userId === caller.principalId) {
    throw new Conflict('You cannot remove yourself; ask another admin.', 'SELF_REMOVAL');
  }
  const current = await mustGet(deps, caller.tenantId, userId);
  // Directory first: from here on the authorizer refuses the user's tokens (no record, no access).
  await deps.directory.removeUser(caller.tenantId, current);
  await deps.identity.deleteUser(current.email);
}
