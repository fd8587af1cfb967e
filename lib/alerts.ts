import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './nag.js';

export interface AlertsProps {
  /** Subscribes this address to the operator topic (it must confirm the subscription). */
  email?: string;
}

/**
 * Where the platform tells its operators something is wrong: an encrypted SNS topic the alarms
 * publish to, and the dead-letter queue that asynchronous failures land in (EventBridge targets and
 * async invocations attach to it in later issues).
 */
export class Alerts extends Construct {
  readonly topic: sns.Topic;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, { email }: AlertsProps) {
    super(scope, id);

    // Notifications are transient: the key goes with the stack (after KMS's waiting period).
    const key = new kms.Key(this, 'Key', {
      description: 'CloudOptima operator alerts',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // CloudWatch alarms publish to the topic, so CloudWatch must be able to use its key.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'CloudOptima alerts', masterKey: key, enforceSSL: true });
    if (email) this.topic.addSubscription(new subscriptions.EmailSubscription(email));

    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      // SQS-managed keys: senders (Lambda, EventBridge) need no key policy of their own.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.deadLetters,
      'AwsSolutions-SQS3',
      'This queue is the dead-letter destination itself (async Lambda invocations and EventBridge targets); a DLQ ' +
        'behind it would only move the problem, and its depth alarms instead (lib/observability.ts).',
    );
  }
}
