import { Stack } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { acknowledge, nagArn } from './nag.js';
import { LOG_RETENTION } from './observability.js';

export interface BucketUploadProps {
  sources: s3deploy.ISource[];
  bucket: s3.IBucket;
  destinationKeyPrefix?: string;
  distribution?: cloudfront.IDistribution;
  /** What the upload is, for the role's description. */
  description: string;
  /**
   * CDK shares one upload function per memory size in a stack: uploads with their own size get
   * their own function and role, so each role reaches its own bucket only.
   */
  memoryLimit: number;
}

/**
 * A CDK BucketDeployment with a role of our own (its log group and nothing from an AWS managed
 * policy), and the cdk-nag acknowledgements its generated grants need, with the reasons.
 */
export function uploadToBucket(scope: Construct, id: string, props: BucketUploadProps): s3deploy.BucketDeployment {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: LOG_RETENTION });
  const role = new iam.Role(scope, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: `${props.description} (CDK BucketDeployment)` });
  logGroup.grantWrite(role);
  const deployment = new s3deploy.BucketDeployment(scope, id, {
    sources: props.sources,
    destinationBucket: props.bucket,
    destinationKeyPrefix: props.destinationKeyPrefix,
    ...(props.distribution ? { distribution: props.distribution, distributionPaths: ['/*'] } : {}),
    role,
    logGroup,
    memoryLimit: props.memoryLimit,
  });

  acknowledge(
    role,
    `AwsSolutions-IAM5[Resource::${nagArn(props.bucket)}/*]`,
    'CDK BucketDeployment replaces every object it uploads to its bucket (and prunes stale ones); the role reaches that bucket only.',
  );
  for (const finding of ['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', 'Action::s3:DeleteObject*', 'Action::s3:Abort*']) {
    acknowledge(
      role,
      `AwsSolutions-IAM5[${finding}]`,
      "CDK BucketDeployment's generated grant (grantRead on the CDK asset bucket, grantReadWrite on its destination bucket); its resources are those two buckets only.",
    );
  }
  acknowledge(
    role,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]`,
    'Reads the files from the CDK bootstrap asset bucket, which is where cdk deploy uploads them.',
  );
  if (props.distribution) {
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'CDK BucketDeployment grants cloudfront:CreateInvalidation and GetInvalidation on "*" to refresh the distribution ' +
        'after an upload; invalidating cached static files is the only thing those actions can do.',
    );
  }
  const stack = Stack.of(scope);
  for (const handler of stack.node.children.filter((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'))) {
    acknowledge(
      handler,
      'AwsSolutions-L1',
      "The runtime of CDK's own BucketDeployment function (Python, with the AWS CLI layer) is chosen by aws-cdk-lib and moves with it.",
    );
  }
  return deployment;
}
