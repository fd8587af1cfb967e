import { readFileSync } from 'node:fs';
import { DescribeOrganizationCommand, ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsOrganizationSource } from '#functions/accounts/organization-aws.js';
import { ORGANIZATION_STACK_NAME, organizationQuickCreateUrl } from '#functions/accounts/organization.js';
import { ORGANIZATION_PERMISSIONS } from '#shared/accounts/organization.js';
import { ROLE_NAME, ROLE_PATH } from '#shared/accounts/permissions.js';
import { AccountAccessError } from '#shared/inventory/provider.js';
import { ONBOARDING_TEMPLATE_FILE } from '../../../lib/onboarding.js';
import { MEMBER_STACK_SET_NAME, ORGANIZATION_TEMPLATE_FILE, renderOrganizationTemplate } from '../../../lib/onboarding-organization.js';

const sts = mockClient(STSClient);
const orgs = mockClient(OrganizationsClient);
const target = { accountId: '210987654321', roleArn: 'arn:aws:iam::210987654321:role/cloudoptima/CloudOptimaReadOnly', externalId: 'cloudoptima-xyz123', tenantId: 't1' };
const source = () => new AwsOrganizationSource(new STSClient({ region: 'us-east-1' }), { sleep: async () => {}, random: () => 0 });

beforeEach(() => {
  sts.reset();
  orgs.reset();
  sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'A', SecretAccessKey: 'S', SessionToken: 'T', Expiration: new Date(Date.now() + 900_000) } });
  orgs.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-abc123def4', MasterAccountId: target.accountId } });
});

describe('AwsOrganizationSource', () => {
  it('assumes the management role with the ExternalId and reads every page of ListAccounts, State before the deprecated Status', async () => {
    orgs
      .on(ListAccountsCommand)
      .resolvesOnce({ Accounts: [{ Id: '210987654321', Name: 'management', Email: 'm@x.example', State: 'ACTIVE', JoinedTimestamp: new Date('2024-01-02T00:00:00Z') }], NextToken: 'p2' })
      .resolvesOnce({ Accounts: [{ Id: '318274650192', Name: 'prod', Status: 'SUSPENDED' }, { Id: '427183920465', State: 'PENDING_CLOSURE', Status: 'ACTIVE' }] });
    const listing = await source().listAccounts(target);
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toMatchObject({ RoleArn: target.roleArn, ExternalId: target.externalId });
    expect(orgs.commandCalls(ListAccountsCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'p2']);
    expect(listing).toEqual({
      organizationId: 'o-abc123def4',
      managementAccountId: '210987654321',
      accounts: [
        { id: '210987654321', name: 'management', email: 'm@x.example', status: 'ACTIVE', joinedAt: '2024-01-02T00:00:00.000Z' },
        { id: '318274650192', name: 'prod', email: null, status: 'SUSPENDED', joinedAt: null },
        { id: '427183920465', name: '427183920465', email: null, status: 'PENDING_CLOSURE', joinedAt: null },
      ],
    });
  });

  it('retries throttling and then answers', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
    orgs.on(ListAccountsCommand).rejectsOnce(throttled).resolves({ Accounts: [{ Id: '318274650192', Name: 'prod', State: 'ACTIVE' }] });
    const listing = await source().listAccounts(target);
    expect(orgs.commandCalls(ListAccountsCommand)).toHaveLength(2);
    expect(listing.accounts.map((a) => a.id)).toEqual(['318274650192']);
  });

  it.each([
    ['AccessDeniedException', /may not list the organization's accounts/],
    ['AWSOrganizationsNotInUseException', /is not in an AWS Organization/],
  ])('turns %s into an AccountAccessError with the reason', async (name, message) => {
    orgs.on(DescribeOrganizationCommand).rejects(Object.assign(new Error('no'), { name }));
    const error = await source().listAccounts(target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccountAccessError);
    expect((error as AccountAccessError).code).toBe('ORGANIZATION_NOT_READABLE');
    expect((error as Error).message).toMatch(message);
  });
});

describe('the organization template', () => {
  const served = JSON.parse(readFileSync(ORGANIZATION_TEMPLATE_FILE, 'utf8')) as Record<string, any>;
  const resources = served.Resources as Record<string, any>;

  it('is what CDK synthesizes from lib/onboarding-organization.ts (run `npm run build:onboarding` after changing it or the member template)', () => {
    expect(served).toEqual(renderOrganizationTemplate());
  }, 30_000); // a CDK synth: seconds, more on a busy machine

  it("holds the member template's role unchanged, plus only the organization read actions on it", () => {
    const member = JSON.parse(readFileSync(ONBOARDING_TEMPLATE_FILE, 'utf8')) as Record<string, any>;
    for (const [id, resource] of Object.entries(member.Resources)) expect(resources[id]).toEqual(resource);
    const extra = Object.entries(resources).filter(([id]) => !(id in member.Resources));
    expect(extra.map(([, r]) => r.Type).sort()).toEqual(['AWS::CloudFormation::StackSet', 'AWS::IAM::Policy']);
    const policy = extra.find(([, r]) => r.Type === 'AWS::IAM::Policy')![1];
    const role = Object.entries(member.Resources as Record<string, any>).find(([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === ROLE_NAME)!;
    expect(policy.Properties.Roles).toEqual([{ Ref: role[0] }]);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Sid: 'ListOrganizationAccounts', Effect: 'Allow', Action: ORGANIZATION_PERMISSIONS.map((p) => p.action), Resource: '*' },
    ]);
  });

  it('deploys the member template to the given organizational units through a service-managed, auto-deploying StackSet', () => {
    const stackSet = Object.values(resources).find((r) => r.Type === 'AWS::CloudFormation::StackSet')!.Properties;
    expect(stackSet).toMatchObject({
      StackSetName: MEMBER_STACK_SET_NAME,
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: { Ref: 'OrganizationalUnitIds' } }, Regions: [{ Ref: 'AWS::Region' }] }],
    });
    expect(JSON.parse(stackSet.TemplateBody)).toEqual(JSON.parse(readFileSync(ONBOARDING_TEMPLATE_FILE, 'utf8')));
    expect(stackSet.Parameters).toEqual(
      ['ExternalId', 'CloudOptimaAccountId', 'CloudOptimaRegion'].map((key) => ({ ParameterKey: key, ParameterValue: { Ref: key } })),
    );
    expect(served.Parameters.OrganizationalUnitIds.Type).toBe('CommaDelimitedList');
  });

  it('builds the quick-create link with the ExternalId, the trusted account and the region, or none without a published template', () => {
    const settings = { platformAccountId: '999988887777', templateUrl: null, organizationTemplateUrl: 'https://b.s3.amazonaws.com/org.json', region: 'eu-west-1' };
    const url = new URL(organizationQuickCreateUrl(settings, 'cloudoptima-abc')!);
    const params = new URLSearchParams(url.hash.split('?')[1]);
    expect(Object.fromEntries(params)).toEqual({
      templateURL: 'https://b.s3.amazonaws.com/org.json',
      stackName: ORGANIZATION_STACK_NAME,
      param_ExternalId: 'cloudoptima-abc',
      param_CloudOptimaAccountId: '999988887777',
      param_CloudOptimaRegion: 'eu-west-1',
    });
    expect(organizationQuickCreateUrl({ ...settings, organizationTemplateUrl: null }, 'x')).toBeNull();
    expect(ROLE_PATH).toBe('/cloudoptima/');
  });
});
