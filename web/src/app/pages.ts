import type { ComponentType } from 'react';
import type { Permission } from '#shared/auth/permissions.js';

/**
 * Every page of the console, in navigation order. Adding a page is one entry here and one file in
 * pages/: the router, the navigation (grouped by section, hidden from roles without the permission)
 * and code-splitting (each page is its own chunk) all come from this list.
 */
export const SECTIONS = ['Overview', 'Costs', 'Optimize', 'Govern', 'Automate', 'Settings'] as const;
export type Section = (typeof SECTIONS)[number];

export interface PageEntry {
  /** Path under the console root, without a leading slash ('' is the dashboard). */
  path: string;
  title: string;
  section: Section;
  /** Needed to see the page in the navigation and to open it. */
  permission: Permission;
  load: () => Promise<{ default: ComponentType }>;
  /** Detail pages (with `:params`) are reached from their list, not from the navigation. */
  hidden?: boolean;
}

export const PAGES: PageEntry[] = [
  { path: '', title: 'Dashboard', section: 'Overview', permission: 'costs:read', load: () => import('../pages/Dashboard.js') },
  { path: 'costs/explorer', title: 'Cost explorer', section: 'Costs', permission: 'costs:read', load: () => import('../pages/CostExplorer.js') },
  { path: 'costs/resources', title: 'Top resources', section: 'Costs', permission: 'costs:read', load: () => import('../pages/TopResources.js') },
  { path: 'billing', title: 'Billing data', section: 'Costs', permission: 'billing:read', load: () => import('../pages/Billing.js') },
  { path: 'billing/ingestions/:id', title: 'Ingestion', section: 'Costs', permission: 'billing:read', load: () => import('../pages/Ingestion.js'), hidden: true },
  { path: 'recommendations', title: 'Recommendations', section: 'Optimize', permission: 'recommendations:read', load: () => import('../pages/Recommendations.js') },
  { path: 'recommendations/:id', title: 'Recommendation', section: 'Optimize', permission: 'recommendations:read', load: () => import('../pages/Recommendation.js'), hidden: true },
  { path: 'anomalies', title: 'Anomalies', section: 'Optimize', permission: 'anomalies:read', load: () => import('../pages/Anomalies.js') },
  { path: 'anomalies/:id', title: 'Anomaly', section: 'Optimize', permission: 'anomalies:read', load: () => import('../pages/Anomaly.js'), hidden: true },
  { path: 'budgets', title: 'Budgets', section: 'Optimize', permission: 'budgets:read', load: () => import('../pages/Budgets.js') },
  { path: 'accounts', title: 'Accounts', section: 'Govern', permission: 'accounts:read', load: () => import('../pages/Accounts.js') },
  { path: 'inventory', title: 'Inventory', section: 'Govern', permission: 'accounts:read', load: () => import('../pages/Inventory.js') },
  { path: 'resources', title: 'Resources', section: 'Govern', permission: 'accounts:read', load: () => import('../pages/Resources.js') },
  { path: 'resources/:id', title: 'Resource', section: 'Govern', permission: 'accounts:read', load: () => import('../pages/Resource.js'), hidden: true },
  // Optimize (recommendations, anomalies, budgets), Govern (accounts, policies, plans) and Automate
  // (remediation, reports, assistant) fill in as their issues land: one entry each, here.
  { path: 'settings/organization', title: 'Organization', section: 'Settings', permission: 'tenant:read', load: () => import('../pages/settings/Organization.js') },
  { path: 'settings/users', title: 'Users', section: 'Settings', permission: 'users:read', load: () => import('../pages/settings/Users.js') },
  { path: 'settings/api-keys', title: 'API keys', section: 'Settings', permission: 'apikeys:read', load: () => import('../pages/settings/ApiKeys.js') },
  { path: 'settings/recommendations', title: 'Recommendation rules', section: 'Settings', permission: 'recommendations:read', load: () => import('../pages/settings/Recommendations.js') },
  { path: 'settings/alert-channels', title: 'Alert channels', section: 'Settings', permission: 'budgets:read', load: () => import('../pages/AlertChannels.js') },
  { path: 'settings/audit', title: 'Audit log', section: 'Settings', permission: 'audit:read', load: () => import('../pages/settings/AuditLog.js') },
  { path: 'settings/profile', title: 'Your profile', section: 'Settings', permission: 'tenant:read', load: () => import('../pages/settings/Profile.js') },
];
