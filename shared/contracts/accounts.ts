import { z } from 'zod';
import { parseRoleArn } from '../accounts/model.js';
import { defineRoute } from '../http/route.js';
import { emptyResponse, entityId, isoDateTime, listOf, pageQuery } from './common.js';

/**
 * Connected AWS accounts: a read-only role in the customer's account, created from the onboarding
 * template and assumed with the tenant's ExternalId; its connection test and its collections.
 */

const error = z.object({ code: z.string(), message: z.string() });

const permissionCheck = z.object({
  action: z.string().describe('The IAM action, e.g. ec2:DescribeInstances'),
  purpose: z.string(),
  status: z.enum(['granted', 'missing', 'unchecked']).describe('unchecked: the role could not be assumed, or IAM could not be asked'),
  reason: z.string().nullable().describe('Why it is missing: not allowed, explicitly denied, an SCP, a permissions boundary'),
});

export const accessTest = z
  .object({
    testedAt: isoDateTime,
    assumed: z.boolean().describe('AssumeRole with the ExternalId succeeded and the role belongs to this account'),
    ok: z.boolean().describe('Assumed and every required permission granted'),
    error: error.nullable(),
    permissions: z.array(permissionCheck),
    missing: z.array(z.string()).describe('The actions the role lacks'),
  })
  .meta({ id: 'AccountAccessTest' });

export const syncRun = z
  .object({
    runId: z.string(),
    status: z.enum(['running', 'succeeded', 'partial', 'failed']).describe('partial: collected, but some calls were refused (see warnings)'),
    trigger: z.enum(['manual', 'schedule']),
    startedAt: isoDateTime,
    finishedAt: isoDateTime.nullable(),
    regions: z.array(z.string()),
    resources: z.record(z.string(), z.number().int()).describe('Resources stored, by type'),
    warnings: z.array(z.object({ region: z.string(), service: z.string(), code: z.string(), message: z.string() })),
    error: error.nullable(),
  })
  .meta({ id: 'AccountSync' });

export const connectedAccount = z
  .object({
    id: z.string().describe('The 12-digit AWS account id'),
    name: z.string(),
    roleArn: z.string(),
    externalId: z.string().describe("The tenant's ExternalId, required by the role's trust policy"),
    status: z.enum(['pending', 'connected', 'error']).describe('pending: never reached yet; error: the last test or sync could not assume the role'),
    lastTest: accessTest.nullable(),
    lastSync: syncRun.nullable(),
    connectedAt: isoDateTime,
    connectedBy: z.string(),
  })
  .meta({ id: 'ConnectedAccount' });

export const connectAccountRequest = z.strictObject({
  roleArn: z
    .string()
    .trim()
    .max(2048)
    .superRefine((arn, ctx) => {
      const parsed = parseRoleArn(arn);
      if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error, input: arn });
    })
    .describe('The role the onboarding template created: arn:aws:iam::<account>:role/cloudoptima/CloudOptimaReadOnly'),
  name: z.string().trim().min(1).max(100).describe('A display name, e.g. the account alias'),
});

export const onboarding = z
  .object({
    externalId: z.string().describe('Unique to this organization; CloudOptima generates it and the role trusts only it'),
    trustedPrincipal: z.string().describe('The AWS principal the role trusts (the CloudOptima account)'),
    roleName: z.string(),
    rolePath: z.string(),
    stackName: z.string(),
    templateUrl: z.string().nullable().describe('Where the template is published (S3); null when this installation publishes none'),
    quickCreateUrl: z.string().nullable().describe('Opens CloudFormation with the stack ready to create; null without a published template'),
    template: z.record(z.string(), z.unknown()).describe('The CloudFormation template (synthesized by CDK): a read-only role, least privilege, ExternalId condition'),
    permissions: z.array(z.object({ action: z.string(), purpose: z.string() })),
  })
  .meta({ id: 'AccountOnboarding' });

const accountParams = z.object({ id: entityId });

export const accountRoutes = {
  onboarding: defineRoute({
    operationId: 'getAccountOnboarding',
    method: 'GET',
    path: '/v1/accounts/onboarding',
    domain: 'accounts',
    tag: 'Accounts',
    summary: "How to connect an AWS account: the CloudFormation quick-create link, the template and the organization's ExternalId",
    access: { permission: 'accounts:read' },
    response: onboarding,
    status: 200,
  }),
  connect: defineRoute({
    operationId: 'connectAccount',
    method: 'POST',
    path: '/v1/accounts',
    domain: 'accounts',
    tag: 'Accounts',
    summary: "Connect an AWS account by the role the onboarding template created (assumed with the organization's ExternalId)",
    access: { permission: 'accounts:write' },
    body: connectAccountRequest,
    example: { roleArn: 'arn:aws:iam::123456789012:role/cloudoptima/CloudOptimaReadOnly', name: 'production' },
    response: connectedAccount,
    status: 201,
  }),
  list: defineRoute({
    operationId: 'listAccounts',
    method: 'GET',
    path: '/v1/accounts',
    domain: 'accounts',
    tag: 'Accounts',
    summary: 'Connected AWS accounts with their last test and last sync',
    access: { permission: 'accounts:read' },
    query: pageQuery.strict(),
    response: listOf(connectedAccount),
    status: 200,
  }),
  get: defineRoute({
    operationId: 'getAccount',
    method: 'GET',
    path: '/v1/accounts/{id}',
    domain: 'accounts',
    tag: 'Accounts',
    summary: 'One connected account',
    access: { permission: 'accounts:read' },
    params: accountParams,
    response: connectedAccount,
    status: 200,
  }),
  disconnect: defineRoute({
    operationId: 'disconnectAccount',
    method: 'DELETE',
    path: '/v1/accounts/{id}',
    domain: 'accounts',
    tag: 'Accounts',
    summary: "Disconnect an account and delete the organization's data for it (inventory and raw snapshots)",
    access: { permission: 'accounts:write' },
    params: accountParams,
    response: emptyResponse,
    status: 204,
  }),
  test: defineRoute({
    operationId: 'testAccount',
    method: 'POST',
    path: '/v1/accounts/{id}/test',
    domain: 'accounts',
    tag: 'Accounts',
    summary: 'Assume the role with the ExternalId and report exactly which required permissions are missing',
    access: { permission: 'accounts:write' },
    params: accountParams,
    response: accessTest,
    status: 200,
  }),
  sync: defineRoute({
    operationId: 'syncAccount',
    method: 'POST',
    path: '/v1/accounts/{id}/sync',
    domain: 'accounts',
    tag: 'Accounts',
    summary: 'Start collecting the inventory and utilization of this account now',
    access: { permission: 'accounts:sync' },
    params: accountParams,
    response: syncRun,
    status: 202,
  }),
  syncStatus: defineRoute({
    operationId: 'getAccountSync',
    method: 'GET',
    path: '/v1/accounts/{id}/sync',
    domain: 'accounts',
    tag: 'Accounts',
    summary: "The account's last collection: status, regions, resources by type, warnings",
    access: { permission: 'accounts:read' },
    params: accountParams,
    response: syncRun.nullable(),
    status: 200,
  }),
};
