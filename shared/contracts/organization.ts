import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { connectedAccount } from './accounts.js';
import { entityId } from './common.js';

/**
 * Bulk connect of an AWS Organization: the management account (or a delegated administrator) is
 * connected with the organization template, which also deploys the read-only role to every member
 * account through a service-managed StackSet; CloudOptima then lists the organization's accounts
 * through that role and connects the ones the caller picks (by default every active one).
 */

const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');

export const organizationMember = z
  .object({
    id: accountId,
    name: z.string(),
    email: z.string().nullable(),
    status: z.string().describe("Organizations' account state: ACTIVE, SUSPENDED, PENDING_ACTIVATION, PENDING_CLOSURE or CLOSED"),
    joinedAt: z.string().nullable(),
    connected: z.boolean().describe('Already connected to this organization in CloudOptima'),
    connectable: z.boolean().describe('Active and not connected yet'),
  })
  .meta({ id: 'OrganizationMember' });

export const organizationListing = z
  .object({
    organizationId: z.string(),
    managementAccountId: z.string(),
    readThrough: z.string().describe('The connected account whose role listed the organization'),
    accounts: z.array(organizationMember),
  })
  .meta({ id: 'OrganizationAccounts' });

export const connectOrganizationRequest = z.strictObject({
  accountIds: z
    .array(accountId)
    .min(1, 'give at least one account, or leave accountIds out to connect every active account')
    .max(1000)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an account')
    .optional()
    .describe('The member accounts to connect; default: every active account not connected yet'),
  sync: z.boolean().default(true).describe('Start collecting the newly connected accounts at once (one collection run for all of them)'),
});

export const connectOrganizationResult = z
  .object({
    organizationId: z.string(),
    connected: z.array(connectedAccount).describe('Accounts connected by this request (status pending until their first test or sync)'),
    alreadyConnected: z.array(accountId),
    skipped: z.array(z.object({ id: accountId, name: z.string().nullable(), reason: z.string() })).describe('Accounts asked for that could not be connected, with the reason'),
    syncRunId: z.string().nullable().describe('The collection run started for the connected accounts, if any'),
  })
  .meta({ id: 'OrganizationConnectResult' });

export const organizationOnboarding = z
  .object({
    externalId: z.string(),
    stackName: z.string(),
    templateUrl: z.string().nullable().describe('Where the organization template is published (S3); null when this installation publishes none'),
    quickCreateUrl: z.string().nullable().describe('Opens CloudFormation in the management account with the stack ready to create'),
    template: z.record(z.string(), z.unknown()).describe('The organization template (synthesized by CDK): the read-only role in the management account, allowed to list the organization, and a service-managed StackSet deploying the same role to every member account'),
    permissions: z.array(z.object({ action: z.string(), purpose: z.string() })).describe('What the management account role may do beyond the member role'),
  })
  .meta({ id: 'OrganizationOnboarding' });

const params = z.object({ id: entityId });

export const organizationRoutes = {
  onboarding: defineRoute({
    operationId: 'getOrganizationOnboarding',
    method: 'GET',
    path: '/v1/accounts/onboarding/organization',
    domain: 'accounts',
    tag: 'Accounts',
    summary: "How to connect a whole AWS Organization: the management account's quick-create link and the template with its StackSet",
    access: { permission: 'accounts:read' },
    response: organizationOnboarding,
    status: 200,
  }),
  list: defineRoute({
    operationId: 'listOrganizationAccounts',
    method: 'GET',
    path: '/v1/accounts/{id}/organization',
    domain: 'accounts',
    tag: 'Accounts',
    summary: "The accounts of the AWS Organization, listed through this connected management account's role, with which are connected",
    access: { permission: 'accounts:read' },
    params,
    response: organizationListing,
    status: 200,
  }),
  connect: defineRoute({
    operationId: 'connectOrganizationAccounts',
    method: 'POST',
    path: '/v1/accounts/{id}/organization/connect',
    domain: 'accounts',
    tag: 'Accounts',
    summary: "Connect the organization's member accounts in bulk (their role comes from the organization template's StackSet) and start collecting them",
    access: { permission: 'accounts:write' },
    params,
    body: connectOrganizationRequest,
    example: { accountIds: ['318274650192', '427183920465'], sync: true },
    response: connectOrganizationResult,
    status: 200,
  }),
};
