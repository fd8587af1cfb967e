import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { uploadToBucket } from './bucket-deployment.js';
import { acknowledge } from './nag.js';
import { ONBOARDING_TEMPLATE_FILE } from './onboarding.js';
import { ORGANIZATION_TEMPLATE_FILE } from './onboarding-organization.js';

export interface OnboardingTemplatesProps {
  /** Where S3 writes this bucket's access logs. */
  accessLogs: s3.IBucket;
}

/**
 * Publishes the two onboarding templates (shared/accounts/onboarding-template.json and
 * organization-template.json) where customers' CloudFormation can read them: CloudFormation's
 * quick-create link takes an S3 URL only, read with the customer's own credentials, so the
 * objects are public. The bucket holds nothing else: a public read on the `onboarding/` prefix,
 * ACLs blocked, TLS only. Each version of the templates gets its own key (a hash of both), so a
 * link a customer opened keeps the template it showed while a newer version deploys.
 */
export class OnboardingTemplates extends Construct {
  readonly bucket: s3.Bucket;
  readonly memberTemplateUrl: string;
  readonly organizationTemplateUrl: string;

  constructor(scope: Construct, id: string, { accessLogs }: OnboardingTemplatesProps) {
    super(scope, id);
    const member = readFileSync(ONBOARDING_TEMPLATE_FILE, 'utf8');
    const organization = readFileSync(ORGANIZATION_TEMPLATE_FILE, 'utf8');
    const version = createHash('sha256').update(member).update(organization).digest('hex').slice(0, 16);
    const prefix = `onboarding/${version}/`;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      // Public through the bucket policy below only; objects can never be made public by ACL.
      blockPublicAccess: new s3.BlockPublicAccess({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: false, restrictPublicBuckets: false }),
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'onboarding-templates/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'PublicOnboardingTemplates',
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects('onboarding/*')],
      }),
    );
    acknowledge(
      this.bucket,
      'AwsSolutions-S2',
      "CloudFormation quick-create reads a template from an S3 URL with the customer's credentials, so the onboarding templates are public; " +
        'the bucket policy allows s3:GetObject on onboarding/* only, the bucket holds only those templates (no customer data), and ACLs stay blocked.',
    );

    uploadToBucket(this, 'Upload', {
      sources: [s3deploy.Source.data('onboarding-template.json', member), s3deploy.Source.data('organization-template.json', organization)],
      bucket: this.bucket,
      destinationKeyPrefix: prefix,
      description: 'CloudOptima onboarding templates upload',
      memoryLimit: 128,
    });
    const base = `https://${this.bucket.bucketRegionalDomainName}/${prefix}`;
    this.memberTemplateUrl = `${base}onboarding-template.json`;
    this.organizationTemplateUrl = `${base}organization-template.json`;
  }
}
