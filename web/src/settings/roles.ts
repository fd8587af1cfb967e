import { ROLES, type Role } from '#shared/auth/permissions.js';

/** How the settings pages name roles and permissions for people. */
export const ROLE_LABELS: Record<Role, string> = {
  viewer: 'Viewer',
  analyst: 'Analyst',
  engineer: 'Engineer',
  finops_manager: 'FinOps manager',
  admin: 'Admin',
};

export const ROLE_SUMMARIES: Record<Role, string> = {
  viewer: 'Reads costs, budgets, recommendations and reports, and asks the assistant about them.',
  analyst: 'Viewer, plus reports, anomaly triage and plans.',
  engineer: 'Analyst, plus low-risk remediation and account syncs.',
  finops_manager: 'Engineer, plus budgets, alerts, billing data, accounts and policies.',
  admin: 'Everything, including users, API keys, the audit log and the organization.',
};

export const roleLabel = (role: string): string => ROLE_LABELS[role as Role] ?? role;

export const ROLE_OPTIONS = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));

const RESOURCE_LABELS: Record<string, string> = {
  tenant: 'Organization',
  costs: 'Costs',
  billing: 'Billing data',
  accounts: 'Cloud accounts',
  anomalies: 'Anomalies',
  forecasts: 'Forecasts',
  budgets: 'Budgets',
  alerts: 'Alerts',
  recommendations: 'Recommendations',
  policies: 'Policies',
  remediation: 'Remediation',
  plans: 'Plans',
  reports: 'Reports',
  assistant: 'Assistant',
  users: 'Users',
  apikeys: 'API keys',
  audit: 'Audit log',
  subscription: 'Subscription',
};

const ACTION_LABELS: Record<string, string> = {
  read: 'view',
  write: 'manage',
  use: 'use',
  sync: 'sync',
  approve: 'approve',
  'apply:low': 'apply low-risk',
  'apply:medium': 'apply medium-risk',
  'apply:high': 'apply high-risk',
};

export interface PermissionGroup {
  resource: string;
  label: string;
  actions: Array<{ permission: string; label: string }>;
}

/** `costs:read`, `remediation:apply:low`... grouped by what they act on, in the API's order. */
export function groupPermissions(permissions: readonly string[]): PermissionGroup[] {
  const groups = new Map<string, PermissionGroup>();
  for (const permission of permissions) {
    const [resource = permission, ...rest] = permission.split(':');
    const action = rest.join(':');
    let group = groups.get(resource);
    if (!group) {
      group = { resource, label: RESOURCE_LABELS[resource] ?? resource, actions: [] };
      groups.set(resource, group);
    }
    group.actions.push({ permission, label: ACTION_LABELS[action] ?? action.replace(/:/g, ' ') });
  }
  return [...groups.values()];
}

/** `inviteUser` → `Invite user`. */
export function humanizeOperation(operationId: string): string {
  const words = operationId
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/\bapi\b/g, 'API');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
