import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, BootstraplessSynthesizer, CfnCondition, CfnOutput, CfnParameter, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EXPORT_EVENT_BUS_NAME } from '#shared/billing/export-bucket.js';
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
    this.billingExports(role);
  }

  /**
   * Optional, when a billing export bucket is given: read access to the bucket under its prefix,
   * and a rule forwarding S3's "Object Created" events for it to CloudOptima's event bus, so new
   * export files are ingested as they land (the bucket's "Send notifications to Amazon
   * EventBridge" setting must be on; CloudOptima's daily scan catches up on anything missed). The
   * stack must be deployed in the bucket's region: S3 emits its events there.
   */
  private billingExports(role: iam.Role): void {
    const bucket = new CfnParameter(this, 'ExportBucket', {
      type: 'String',
      default: '',
      description: 'Optional: the S3 bucket your billing exports (CUR 2.0, FOCUS) are delivered to',
      allowedPattern: '^$|^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
    });
    const prefix = new CfnParameter(this, 'ExportPrefix', {
      type: 'String',
      default: '',
      description: 'Optional: the prefix of the exports in that bucket, e.g. cur2/acme/',
      allowedPattern: '[\\w!\\-.*\'()/=]*',
    });
    // Named in the bus ARN below (Fn::Sub), beside the CloudOptimaAccountId parameter.
    new CfnParameter(this, 'CloudOptimaRegion', {
      type: 'String',
      default: 'us-east-1',
      description: 'The AWS region CloudOptima runs in (from the quick-create link)',
      allowedPattern: '[a-z]{2}(-[a-z]+)+-\\d',
    });
    const hasBucket = new CfnCondition(this, 'HasExportBucket', { expression: Fn.conditionNot(Fn.conditionEquals(bucket.valueAsString, '')) });

    const read = new iam.Policy(this, 'ReadBillingExports', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          sid: 'ListExports',
          actions: ['s3:ListBucket'],
          resources: [Fn.sub('arn:${AWS::Partition}:s3:::${ExportBucket}')],
          conditions: { StringLike: { 's3:prefix': [Fn.sub('${ExportPrefix}*')] } },
        }),
        new iam.PolicyStatement({ sid: 'GetExports', actions: ['s3:GetObject'], resources: [Fn.sub('arn:${AWS::Partition}:s3:::${ExportBucket}/${ExportPrefix}*')] }),
      ],
    });
    (read.node.defaultChild as iam.CfnPolicy).cfnOptions.condition = hasBucket;

    const busArn = Fn.sub(`arn:\${AWS::Partition}:events:\${CloudOptimaRegion}:\${CloudOptimaAccountId}:event-bus/${EXPORT_EVENT_BUS_NAME}`);
    const forwarder = new iam.CfnRole(this, 'ForwardExportEventsRole', {
      description: 'Lets EventBridge forward the export bucket events to CloudOptima',
      assumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      policies: [{ policyName: 'PutEventsToCloudOptima', policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn }] } }],
    });
    forwarder.cfnOptions.condition = hasBucket;
    const rule = new events.CfnRule(this, 'ForwardExportEvents', {
      description: 'Forwards new billing export files to CloudOptima, which ingests them',
      eventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [bucket.valueAsString] }, object: { key: [{ prefix: prefix.valueAsString }] } },
      },
      targets: [{ id: 'CloudOptima', arn: busArn, roleArn: forwarder.attrArn }],
    });
    rule.cfnOptions.condition = hasBucket;
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
