import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, BootstraplessSynthesizer, CfnOutput, CfnParameter, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { REQUIRED_PERMISSIONS, ROLE_NAME, ROLE_PATH, SELF_SIMULATION_ACTION } from '#shared/accounts/permissions.js';
import { repoPath } from './repo.js';

/**
 * The onboarding template a customer deploys in each AWS account it connects (one click, from the
 * quick-create link GET /v1/accounts/onboarding returns): a read-only role that trusts the
 * CloudOptima account only with the organization's ExternalId, allowed exactly the actions of
 * shared/accounts/permissions.ts, plus iam:SimulatePrincipalPolicy on itself for the connection
 * test. It is a stack of its own (it deploys in the customer's account, not with the platform),
 * rendered to JSON by `npm run build:onboarding` into shared/accounts/onboarding-template.json,
 * which the API serves; a unit test fails when the two drift.
 */
export class CustomerReadOnlyRoleStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, {
      description: 'CloudOptima read-only access: a role CloudOptima assumes with your ExternalId to read inventory and utilization',
      synthesizer: new BootstraplessSynthesizer(),
      ...props,
    });
    const externalId = new CfnParameter(this, 'ExternalId', {
      type: 'String',
      description: 'Your organization ExternalId, shown in the CloudOptima console (Govern > Accounts)',
      minLength: 2,
      maxLength: 1224,
      allowedPattern: '[\\w+=,.@:\\/-]*',
      noEcho: false,
    });
    const trustedAccount = new CfnParameter(this, 'CloudOptimaAccountId', {
      type: 'String',
      description: 'The AWS account CloudOptima runs in (from the quick-create link)',
      allowedPattern: '\\d{12}',
    });

    const role = new iam.Role(this, 'Role', {
      roleName: ROLE_NAME,
      path: ROLE_PATH,
      description: 'Read-only access for CloudOptima (inventory, utilization); no data plane, no writes',
      assumedBy: new iam.AccountPrincipal(trustedAccount.valueAsString),
      externalIds: [externalId.valueAsString],
    });
    const actions = REQUIRED_PERMISSIONS.map((p) => p.action);
    // Describe/List actions have no resource-level permissions; AWS documents Resource "*" for them.
    role.addToPolicy(new iam.PolicyStatement({ sid: 'ReadInventoryAndUtilization', actions, resources: ['*'] }));
    // The connection test asks IAM what this role may do, about this role only.
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'SimulateOwnPermissions',
        actions: [SELF_SIMULATION_ACTION],
        resources: [Fn.sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role${ROLE_PATH}${ROLE_NAME}`)],
      }),
    );
    new CfnOutput(this, 'RoleArn', { value: role.roleArn, description: 'Paste this into CloudOptima (Connect account)' });
  }
}

/** The template as CloudFormation JSON, synthesized by CDK without bootstrap or metadata. */
export function renderOnboardingTemplate(): Record<string, unknown> {
  const app = new App({ analyticsReporting: false, context: { '@aws-cdk/core:newStyleStackSynthesis': true } });
  const stack = new CustomerReadOnlyRoleStack(app, 'CloudOptimaReadOnly');
  const template = app.synth().getStackByName(stack.stackName).template as Record<string, unknown>;
  return template;
}

export const ONBOARDING_TEMPLATE_FILE = repoPath('shared', 'accounts', 'onboarding-template.json');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(ONBOARDING_TEMPLATE_FILE, `${JSON.stringify(renderOnboardingTemplate(), null, 2)}\n`);
  console.log(`wrote ${ONBOARDING_TEMPLATE_FILE}`);
}
