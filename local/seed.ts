import type { Role } from '#shared/auth/permissions.js';
import { cognito } from '#shared/aws/clients.js';
import { config } from '#shared/config.js';
import { Directory } from '#shared/db/directory.js';
import { TenantRegistry } from '#shared/db/registry.js';
import { SessionRevocations } from '#shared/db/sessions.js';
import { CognitoIdentityProvider } from '#shared/identity/cognito.js';
import { functionRuntime } from '#shared/runtime.js';
import type { AuthDeps } from '#functions/auth/service.js';
import { completeNewPassword, logIn, signUp } from '#functions/auth/service.js';
import { inviteUser } from '#functions/users/service.js';

/** The demo organization and its people, one per role. */
export const DEMO_ORGANIZATION = 'Demo Corp';
export const DEMO_USERS: ReadonlyArray<{ email: string; role: Role; name: string }> = [
  { email: 'admin@demo.example', role: 'admin', name: 'Ada Admin' },
  { email: 'finops@demo.example', role: 'finops_manager', name: 'Fin Ops' },
  { email: 'engineer@demo.example', role: 'engineer', name: 'Eng Ineer' },
  { email: 'analyst@demo.example', role: 'analyst', name: 'Ana Lyst' },
  { email: 'viewer@demo.example', role: 'viewer', name: 'Vi Ewer' },
];

/**
 * Seeds the demo tenant through the same domain services the API runs (sign-up, invite, first
 * sign-in), so the demo is made the way a customer's tenant is. Returns the tenant id.
 */
export async function seedDemoTenant(password: string, progress: (step: string) => void): Promise<string> {
  const { tables, tableName, cursorSecret } = await functionRuntime();
  const identity = new CognitoIdentityProvider(cognito(), {
    userPoolId: config.userPoolId(),
    clientId: config.userPoolClientId(),
    sendInvitations: false,
  });
  const deps: AuthDeps = {
    identity,
    registry: new TenantRegistry(tables.base, tableName),
    directoryFor: (tenantId) => new Directory(tables.forTenant(tenantId), tableName, cursorSecret),
    sessionsFor: (tenantId) => new SessionRevocations(tables.forTenant(tenantId), tableName),
  };

  const [admin, ...others] = DEMO_USERS;
  progress(`creating ${DEMO_ORGANIZATION} with ${admin!.email}`);
  const { tenant, user } = await signUp(deps, { email: admin!.email, password, organizationName: DEMO_ORGANIZATION });
  const directory = deps.directoryFor(tenant.id);
  await directory.updateUser(tenant.id, user, { name: admin!.name });
  const adminContext = {
    tenantId: tenant.id,
    principalId: user.id,
    principalType: 'user' as const,
    role: 'admin' as const,
    email: user.email,
    sessionId: null,
    sessionExpiresAt: null,
  };
  for (const person of others) {
    progress(`inviting ${person.email} (${person.role})`);
    const { temporaryPassword } = await inviteUser({ identity, directory }, adminContext, person);
    const first = await logIn(deps, person.email, temporaryPassword!);
    if (!('challenge' in first)) throw new Error(`${person.email}: expected the new-password challenge`);
    await completeNewPassword(deps, { email: person.email, session: first.session, newPassword: password });
  }
  return tenant.id;
}
