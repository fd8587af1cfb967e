/**
 * Roles and permissions: one ordered hierarchy. Each role inherits every permission of the roles
 * below it, so this table is the single source of who may do what.
 */
export const ROLES = ['viewer', 'analyst', 'engineer', 'finops_manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Permissions first granted at each level (higher levels inherit them). */
const GRANTED_AT = {
  viewer: [
    'tenant:read',
    'costs:read',
    'billing:read',
    'accounts:read',
    'anomalies:read',
    'forecasts:read',
    'budgets:read',
    'recommendations:read',
    'policies:read',
    'remediation:read',
    'plans:read',
    'reports:read',
    // The assistant only reads what these already allow (costs, anomalies, forecasts, budgets, recommendations).
    'assistant:use',
  ],
  analyst: ['reports:write', 'anomalies:write', 'plans:write'],
  engineer: ['remediation:apply:low', 'recommendations:write', 'accounts:sync'],
  finops_manager: [
    'remediation:apply:medium',
    'remediation:approve',
    'budgets:write',
    'alerts:write',
    'billing:write',
    'accounts:write',
    'policies:write',
  ],
  admin: [
    'remediation:apply:high',
    'users:read',
    'users:write',
    'apikeys:read',
    'apikeys:write',
    'audit:read',
    'tenant:write',
    'subscription:write',
  ],
} as const satisfies Record<Role, readonly string[]>;

export type Permission = (typeof GRANTED_AT)[Role][number];

export const roleRank = (role: Role): number => ROLES.indexOf(role);

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** Every permission a role holds, its own and inherited, in hierarchy order. */
export function permissionsOf(role: Role): Permission[] {
  return ROLES.slice(0, roleRank(role) + 1).flatMap((r): readonly Permission[] => GRANTED_AT[r]);
}

export function hasPermission(role: Role, permission: Permission): boolean {
  return permissionsOf(role).includes(permission);
}

/** The lowest role holding a permission, e.g. to tell a denied caller what it would take. */
export function minimumRoleFor(permission: Permission): Role {
  const role = ROLES.find((r) => (GRANTED_AT[r] as readonly Permission[]).includes(permission));
  if (!role) throw new Error(`permission ${permission} is granted to no role`);
  return role;
}

export const ALL_PERMISSIONS: readonly Permission[] = permissionsOf('admin');
