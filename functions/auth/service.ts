import { ulid } from 'ulid';
import type { AuthContext } from '#shared/auth/context.js';
import type { Directory, Tenant, User } from '#shared/db/directory.js';
import type { TenantRegistry } from '#shared/db/registry.js';
import type { SessionRevocations } from '#shared/db/sessions.js';
import type { IdentityProvider, SignInResult, Tokens } from '#shared/identity/provider.js';

/** Stores come per tenant: in AWS each is bound to credentials IAM limits to that tenant's keys. */
export interface AuthDeps {
  identity: IdentityProvider;
  registry: TenantRegistry;
  directoryFor(tenantId: string): Directory;
  sessionsFor(tenantId: string): SessionRevocations;
}

/**
 * Sign-up creates the identity first (it owns email uniqueness), then the registry entry, then the
 * tenant and its admin; a failure undoes what was done. A registry entry without a tenant is
 * harmless (fan-out jobs skip it); a tenant without an identity could never be signed into.
 */
export async function signUp(
  deps: AuthDeps,
  input: { email: string; password: string; organizationName: string },
): Promise<{ tenant: Tenant; user: User }> {
  const tenantId = ulid();
  const { userId } = await deps.identity.createUser({ email: input.email, password: input.password, tenantId, role: 'admin' });
  const now = new Date().toISOString();
  const tenant: Tenant = { id: tenantId, name: input.organizationName, timezone: 'UTC', createdAt: now, updatedAt: now };
  const user: User = { id: userId, email: input.email, name: null, role: 'admin', status: 'active', timezone: null, createdAt: now, updatedAt: now };
  try {
    await deps.registry.add(tenantId, now);
    await deps.directoryFor(tenantId).createTenant(tenant, user);
  } catch (error) {
    await deps.registry.remove(tenantId).catch(() => undefined);
    await deps.identity.deleteUser(input.email);
    throw error;
  }
  return { tenant, user };
}

const bearer = (tokens: Tokens) => ({ ...tokens, tokenType: 'Bearer' as const });

export async function logIn(deps: AuthDeps, email: string, password: string) {
  const result: SignInResult = await deps.identity.signIn(email, password);
  if (result.kind === 'newPasswordRequired') return { challenge: 'NEW_PASSWORD_REQUIRED' as const, session: result.session };
  return bearer(result.tokens);
}

/** First sign-in of an invited user: their own password replaces the temporary one, and they become active. */
export async function completeNewPassword(deps: AuthDeps, input: { email: string; session: string; newPassword: string }) {
  const tokens = await deps.identity.completeNewPassword(input.email, input.session, input.newPassword);
  // Just issued to this server by the identity provider over TLS: its claims need no second check here.
  const claims = JSON.parse(Buffer.from(tokens.idToken.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, string>;
  const tenantId = claims['custom:tenantId'];
  if (tenantId && claims.sub) {
    const directory = deps.directoryFor(tenantId);
    const user = await directory.getUser(tenantId, claims.sub);
    if (user?.status === 'invited') await directory.updateUser(tenantId, user, { status: 'active' });
  }
  return bearer(tokens);
}

export async function refresh(deps: AuthDeps, refreshToken: string) {
  return { ...(await deps.identity.refresh(refreshToken)), tokenType: 'Bearer' as const };
}

/** Revokes the refresh token, and lists the calling session so its ID tokens stop working too. */
export async function logOut(deps: AuthDeps, caller: AuthContext, refreshToken: string): Promise<void> {
  await deps.identity.revoke(refreshToken);
  if (caller.sessionId && caller.sessionExpiresAt) {
    await deps.sessionsFor(caller.tenantId).revoke(caller.tenantId, caller.sessionId, caller.sessionExpiresAt);
  }
}
