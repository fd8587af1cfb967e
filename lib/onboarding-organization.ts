import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, Aws, BootstraplessSynthesizer, CfnOutput, CfnParameter, CfnStackSet, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import type { Construct } from 'constructs';
import { ORGANIZATION_PERMISSIONS } from '#shared/accounts/organization.js';
import { ROLE_NAME } from '#shared/accounts/permissions.js';
import { ONBOARDING_TEMPLATE_FILE } from './onboarding.js';
import { repoPath } from './repo.js';

/** The StackSet's name in the management account. */
export const MEMBER_STACK_SET_NAME = 'CloudOptima-ReadOnly';

/**
 * The organization template, deployed once in the management account (quick-create link from
 * GET /v1/accounts/onboarding/organization):
 * - the same read-only role as every account (the member template, included as it is), plus
 *   organizations:DescribeOrganization and organizations:ListAccounts, so CloudOptima can list the
 *   organization's accounts (POST /v1/accounts/{id}/organization/connect);
 * - a service-managed StackSet that deploys the member template to every account under the given
 *   organizational units (the root id covers them all), in this stack's region (IAM is global),
 *   and to accounts that join later (auto-deployment). StackSets never deploy to the management
 *   account itself: that is why its role is in this stack.
 * Rendered to shared/accounts/organization-template.json by `npm run build:onboarding`.
 */
export class OrganizationOnboardingStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      description: 'CloudOptima for an AWS Organization: the read-only role here and, through a StackSet, in every member account',
      synthesizer: new BootstraplessSynthesizer(),
    });
    const memberTemplate = readFileSync(ONBOARDING_TEMPLATE_FILE, 'utf8');
    const member = new CfnInclude(this, 'Member', { templateFile: ONBOARDING_TEMPLATE_FILE });
    const [roleId] = Object.entries((JSON.parse(memberTemplate) as { Resources: Record<string, { Type: string; Properties?: { RoleName?: string } }> }).Resources).find(
      ([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties?.RoleName === ROLE_NAME,
    )!;
    const role = member.getResource(roleId) as iam.CfnRole;

    new iam.CfnPolicy(this, 'ReadOrganization', {
      policyName: 'ReadOrganization',
      roles: [role.ref],
      policyDocument: {
        Version: '2012-10-17',
        // The Organizations read APIs have no resource-level permissions for these actions.
        Statement: [{ Sid: 'ListOrganizationAccounts', Effect: 'Allow', Action: ORGANIZATION_PERMISSIONS.map((p) => p.action), Resource: '*' }],
      },
    });

    const targets = new CfnParameter(this, 'OrganizationalUnitIds', {
      type: 'CommaDelimitedList',
      description: 'Where to deploy the role: the organization root id (r-xxxx) for every account, or organizational unit ids (ou-xxxx-xxxxxxxx)',
    });
    const param = (name: string) => member.getParameter(name).valueAsString;
    new CfnStackSet(this, 'MemberRoles', {
      stackSetName: MEMBER_STACK_SET_NAME,
      description: 'CloudOptima read-only role in every member account',
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      managedExecution: { Active: true },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      operationPreferences: { failureTolerancePercentage: 10, maxConcurrentPercentage: 25, regionConcurrencyType: 'PARALLEL' },
      parameters: [
        { parameterKey: 'ExternalId', parameterValue: param('ExternalId') },
        { parameterKey: 'CloudOptimaAccountId', parameterValue: param('CloudOptimaAccountId') },
        { parameterKey: 'CloudOptimaRegion', parameterValue: param('CloudOptimaRegion') },
      ],
      stackInstancesGroup: [{ deploymentTargets: { organizationalUnitIds: targets.valueAsList }, regions: [Aws.REGION] }],
      templateBody: memberTemplate,
    });
    new CfnOutput(this, 'StackSetName', { value: MEMBER_STACK_SET_NAME, description: 'Deploys the read-only role to the member accounts' });
  }
}

/** The organization template as CloudFormation JSON, synthesized by CDK without bootstrap or metadata. */
export function renderOrganizationTemplate(): Record<string, unknown> {
  const app = new App({ analyticsReporting: false, context: { '@aws-cdk/core:newStyleStackSynthesis': true } });
  const stack = new OrganizationOnboardingStack(app, 'CloudOptimaOrganization');
  return app.synth().getStackByName(stack.stackName).template as Record<string, unknown>;
}

export const ORGANIZATION_TEMPLATE_FILE = repoPath('shared', 'accounts', 'organization-template.json');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(ORGANIZATION_TEMPLATE_FILE, `${JSON.stringify(renderOrganizationTemplate(), null, 2)}\n`);
  console.log(`wrote ${ORGANIZATION_TEMPLATE_FILE}`);
}
