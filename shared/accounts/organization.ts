import type { AccountTarget } from '../inventory/provider.js';

/**
 * Port: the accounts of an AWS Organization, read through the role of its management account (or
 * of a delegated administrator), which the organization template allows
 * organizations:DescribeOrganization and organizations:ListAccounts. In AWS the Organizations API
 * answers (functions/accounts/organization-aws.ts); locally the recorded demo organization does.
 */
export interface OrganizationMember {
  id: string;
  name: string;
  email: string | null;
  /** Organizations' account state (ACTIVE, SUSPENDED, PENDING_ACTIVATION, PENDING_CLOSURE, CLOSED): only ACTIVE accounts can be connected. */
  status: string;
  joinedAt: string | null;
}

export interface OrganizationListing {
  organizationId: string;
  managementAccountId: string;
  accounts: OrganizationMember[];
}

export interface OrganizationSource {
  /** Every account of the organization the target account's role can read (all pages). */
  listAccounts(target: AccountTarget): Promise<OrganizationListing>;
}

/** What the management account's role needs beyond the read-only permissions, to list the organization. */
export const ORGANIZATION_PERMISSIONS = [
  { action: 'organizations:DescribeOrganization', purpose: "The organization's id and management account" },
  { action: 'organizations:ListAccounts', purpose: 'The accounts to connect in bulk' },
] as const;

let local: OrganizationSource | undefined;

/** The local platform registers the recorded demo organization here; in AWS nothing does. */
export function useLocalOrganizationSource(source: OrganizationSource): void {
  local = source;
}

export function localOrganizationSource(): OrganizationSource | undefined {
  return local;
}
