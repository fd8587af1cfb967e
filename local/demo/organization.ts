import type { OrganizationListing, OrganizationSource } from '#shared/accounts/organization.js';
import { AccountAccessError, type AccountTarget } from '#shared/inventory/provider.js';
import { DEMO_ACCOUNTS } from './dimensions.js';
import { demoRoleArn } from './inventory.js';

/**
 * The recorded demo organization: what Organizations' ListAccounts answers through the demo
 * management account's role. Besides the recorded demo accounts it has two that show the cases a
 * real organization has: an active account whose role the StackSet has not reached yet (it
 * connects, then its test fails to assume the role), and a suspended one (never connected).
 */
export const DEMO_ORGANIZATION_ID = 'o-d3m0c0rp42';

export const UNRECORDED_MEMBERS = [
  { id: '754810593952', name: 'demo-research', email: 'aws+research@demo.example', status: 'ACTIVE', joinedAt: '2025-03-02T09:14:00.000Z' },
  { id: '863729404061', name: 'demo-legacy', email: 'aws+legacy@demo.example', status: 'SUSPENDED', joinedAt: '2021-06-18T15:40:00.000Z' },
] as const;

export class RecordedDemoOrganization implements OrganizationSource {
  async listAccounts(target: AccountTarget): Promise<OrganizationListing> {
    const management = DEMO_ACCOUNTS.management.id;
    if (target.roleArn !== demoRoleArn(target.accountId) || !Object.values(DEMO_ACCOUNTS).some((a) => a.id === target.accountId)) {
      throw new AccountAccessError('ASSUME_ROLE_FAILED', `AssumeRole on ${target.roleArn} failed: AccessDenied (local: only the recorded demo accounts' roles answer)`);
    }
    if (target.accountId !== management) {
      throw new AccountAccessError(
        'ORGANIZATION_NOT_READABLE',
        `Cannot list the organization: the role in ${target.accountId} may not list the organization's accounts: connect the management account (or a delegated administrator) with the organization template.`,
      );
    }
    return {
      organizationId: DEMO_ORGANIZATION_ID,
      managementAccountId: management,
      accounts: [
        ...Object.values(DEMO_ACCOUNTS).map((a) => ({ id: a.id, name: a.name, email: `aws+${a.name.replace(/^demo-/, '')}@demo.example`, status: 'ACTIVE', joinedAt: '2024-01-15T10:00:00.000Z' })),
        ...UNRECORDED_MEMBERS,
      ],
    };
  }
}
