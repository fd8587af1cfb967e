import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { SECRET_PREFIX } from '#shared/alerts/secrets.js';
import { FUNCTION_ACCESS, type FunctionName } from './function-access.js';
import { acknowledge } from './nag.js';

export interface AlertChannelsProps {
  functions: Readonly<Record<FunctionName, lambda.Function>>;
  /** Where alerts link back to. */
  consoleUrl: string;
}

/**
 * Tenants' alert channels (shared/alerts/): one SNS topic for every tenant's alert email, each
 * email channel a subscription whose filter policy accepts only its own tenant's and channel's
 * messages, and the Slack and webhook targets as Secrets Manager secrets under
 * `cloudoptima/alert-channels/<tenantId>/<channelId>`. The `alertChannels` rows of
 * lib/function-access.ts say who manages them (the alerts API) and who only sends (the workflow).
 * Apart from the operators' topic (lib/alerts.ts): tenants never receive the platform's alarms.
 */
export class AlertChannels extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, { functions, consoleUrl }: AlertChannelsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // The AWS managed SNS key: email subscribers need no key access, publishers none of their own.
    const key = kms.Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns');
    this.topic = new sns.Topic(this, 'TenantAlerts', { displayName: 'CloudOptima alerts', masterKey: key, enforceSSL: true });

    const secrets = stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${SECRET_PREFIX}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const subscriptions = `${this.topic.topicArn}:*`;
    const topicRef = `<${stack.resolve(stack.getLogicalId(this.topic.node.defaultChild as sns.CfnTopic))}>`;

    for (const [name, access] of Object.entries(FUNCTION_ACCESS) as Array<[FunctionName, (typeof FUNCTION_ACCESS)[FunctionName]]>) {
      if (!access.alertChannels) continue;
      const fn = functions[name];
      const manage = access.alertChannels === 'manage';
      fn.addToRolePolicy(
        new iam.PolicyStatement({ actions: manage ? ['secretsmanager:CreateSecret', 'secretsmanager:DeleteSecret', 'secretsmanager:GetSecretValue'] : ['secretsmanager:GetSecretValue'], resources: [secrets] }),
      );
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: manage ? ['sns:Publish', 'sns:Subscribe'] : ['sns:Publish'], resources: [this.topic.topicArn] }));
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: manage ? ['sns:GetSubscriptionAttributes', 'sns:Unsubscribe'] : ['sns:GetSubscriptionAttributes'], resources: [subscriptions] }));
      fn.addEnvironment('ALERTS_TOPIC_ARN', this.topic.topicArn);
      fn.addEnvironment('CONSOLE_URL', consoleUrl);
      acknowledge(
        fn.role!,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${SECRET_PREFIX}*]`,
        'Alert channel secrets are created at runtime, one per tenant and channel (cloudoptima/alert-channels/<tenantId>/<channelId>, ids checked in shared/alerts/secrets.ts): the grant is that prefix, nothing else in Secrets Manager.',
      );
      acknowledge(
        fn.role!,
        `AwsSolutions-IAM5[Resource::${topicRef}:*]`,
        "Email subscriptions are created at runtime, so Unsubscribe and GetSubscriptionAttributes are limited to this topic's own subscriptions (<topic ARN>:*).",
      );
    }
  }
}
