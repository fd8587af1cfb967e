import { describe, expect, it } from 'vitest';
import {
  ALL_PERMISSIONS,
  hasPermission,
  isRole,
  minimumRoleFor,
  permissionsOf,
  roleRank,
  ROLES,
  type Permission,
  type Role,
} from '#shared/auth/permissions.js';

describe('role hierarchy', () => {
  it('is ordered viewer < analyst < engineer < finops_manager < admin', () => {
    expect(ROLES).toEqual(['viewer', 'analyst', 'engineer', 'finops_manager', 'admin']);
    expect(ROLES.map(roleRank)).toEqual([0, 1, 2, 3, 4]);
  });

  it('is cumulative: each role holds every permission of the role below it, and strictly more', () => {
    for (let i = 1; i < ROLES.length; i++) {
      const lower = new Set(permissionsOf(ROLES[i - 1]!));
      const higher = new Set(permissionsOf(ROLES[i]!));
      for (const p of lower) expect(higher.has(p), `${ROLES[i]} lacks ${p} held by ${ROLES[i - 1]}`).toBe(true);
      expect(higher.size, `${ROLES[i]} adds nothing over ${ROLES[i - 1]}`).toBeGreaterThan(lower.size);
    }
  });

  it('lists no permission twice for any role', () => {
    for (const role of ROLES) {
      const perms = permissionsOf(role);
      expect(new Set(perms).size, role).toBe(perms.length);
    }
  });

  it('gives admin every permission there is', () => {
    expect(new Set(permissionsOf('admin'))).toEqual(new Set(ALL_PERMISSIONS));
  });
});

describe('specific grants', () => {
  const cases: Array<[Role, Permission, boolean]> = [
    ['viewer', 'costs:read', true],
    ['viewer', 'tenant:read', true],
    ['viewer', 'users:read', false],
    ['viewer', 'assistant:use', true],
    ['analyst', 'assistant:use', true],
    ['analyst', 'remediation:apply:low', false],
    ['engineer', 'remediation:apply:low', true],
    ['engineer', 'remediation:apply:medium', false],
    ['engineer', 'budgets:write', false],
    ['finops_manager', 'remediation:apply:medium', true],
    ['finops_manager', 'remediation:apply:low', true],
    ['finops_manager', 'remediation:apply:high', false],
    ['finops_manager', 'users:write', false],
    ['finops_manager', 'audit:read', false],
    ['admin', 'remediation:apply:high', true],
    ['admin', 'audit:read', true],
    ['admin', 'users:read', true],
    ['admin', 'users:write', true],
    ['admin', 'apikeys:write', true],
  ];
  it.each(cases)('%s has %s: %s', (role, permission, expected) => {
    expect(hasPermission(role, permission)).toBe(expected);
    expect(permissionsOf(role).includes(permission)).toBe(expected);
  });
});

describe('minimumRoleFor', () => {
  it.each<[Permission, Role]>([
    ['costs:read', 'viewer'],
    ['assistant:use', 'viewer'],
    ['remediation:apply:low', 'engineer'],
    ['remediation:apply:medium', 'finops_manager'],
    ['remediation:apply:high', 'admin'],
    ['users:write', 'admin'],
  ])('%s -> %s', (permission, role) => {
    expect(minimumRoleFor(permission)).toBe(role);
  });

  it('is consistent with hasPermission for every permission: the minimum role holds it, the one below does not', () => {
    for (const permission of ALL_PERMISSIONS) {
      const min = minimumRoleFor(permission);
      expect(hasPermission(min, permission)).toBe(true);
      const below = ROLES[roleRank(min) - 1];
      if (below) expect(hasPermission(below, permission), `${below} should not hold ${permission}`).toBe(false);
    }
  });

  it('throws for a permission no role holds', () => {
    expect(() => minimumRoleFor('nope:never' as Permission)).toThrow(/granted to no role/);
  });
});

describe('isRole', () => {
  it('accepts each role', () => {
    for (const role of ROLES) expect(isRole(role)).toBe(true);
  });
  it.each([['Admin'], ['root'], [''], [' admin'], [null], [undefined], [4], [{}], [['admin']]])('rejects %j', (value) => {
    expect(isRole(value)).toBe(false);
  });
});
