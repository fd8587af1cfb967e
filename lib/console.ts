import { existsSync, readFileSync } from 'node:fs';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { uploadToBucket } from './bucket-deployment.js';
import { acknowledge } from './nag.js';
import { repoPath } from './repo.js';
import { consoleCsp } from '../shared/http/csp.js';

export { consoleCsp };

/** The built console (`npm run build:web`, web/ → web/dist); `npm run synth` builds it first. */
export const CONSOLE_SOURCE = 'web/dist';

/** A domain of your own for the console, with its ACM certificate (which CloudFront needs in us-east-1). */
export interface ConsoleDomain {
  domainName: string;
  certificateArn: string;
}

export interface ConsoleProps {
  /** Origins the console may call: the API, and the hosted sign-in domain when federation is on. */
  connectSources: string[];
  customDomain?: ConsoleDomain;
}

/** What the console reads at start-up from `/config.json` to find the API and the user pool. */
export interface ConsoleConfig {
  apiUrl: string;
  region: string;
  userPoolId: string;
  userPoolClientId: string;
}

/**
 * The console: static files in a private bucket, served by CloudFront through origin access control,
 * with security headers and client-side routing. Access logs of both go to a logs bucket.
 */
export class Console extends Construct {
  readonly bucket: s3.Bucket;
  readonly logsBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** `https://<domain>`: the only origin the API accepts from a browser. */
  readonly origin: string;

  constructor(scope: Construct, id: string, { connectSources, customDomain }: ConsoleProps) {
    super(scope, id);

    // Access logs are evidence: kept when the stack goes, and expired after 90 days.
    this.logsBucket = new s3.Bucket(this, 'Logs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // S3 server access logs and CloudFront standard logs can only be written to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      // CloudFront standard logging writes with an ACL, so ACLs must stay enabled on this bucket.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 'site/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'CloudOptima console security headers',
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, preload: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        contentSecurityPolicy: {
          contentSecurityPolicy: consoleCsp(builtIndexHtml(), connectSources),
          override: true,
        },
      },
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'CloudOptima console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      // Client-side routes: a path the bucket does not have belongs to the app, so answer with the app.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(0),
      })),
      ...(customDomain
        ? {
            domainNames: [customDomain.domainName],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', customDomain.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logsBucket,
      logFilePrefix: 'cloudfront/',
    });
    this.origin = `https://${customDomain?.domainName ?? this.distribution.distributionDomainName}`;

    if (!customDomain) {
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR4',
        'Without a custom domain the console is served on *.cloudfront.net with the default certificate, where ' +
          'CloudFront fixes the minimum protocol; the consoleDomain option (own domain + ACM certificate) enforces TLSv1.2_2021.',
      );
    }
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR1',
      'The console is sold worldwide through AWS Marketplace and holds no data itself (everything comes from the API), so no geography is excluded.',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR2',
      'The console is static files with no server logic; the web ACL protects the API stage, where requests do work. ' +
        'A CloudFront web ACL must live in us-east-1, which a single-region one-click stack cannot create.',
    );
  }

  /** Uploads the console with its `config.json`, and invalidates CloudFront's copy. */
  publish(config: ConsoleConfig): s3deploy.BucketDeployment {
    return uploadToBucket(this, 'Deploy', {
      sources: [s3deploy.Source.asset(repoPath(CONSOLE_SOURCE)), s3deploy.Source.jsonData('config.json', config)],
      bucket: this.bucket,
      distribution: this.distribution,
      description: 'CloudOptima console upload',
      memoryLimit: 256,
    });
  }
}

function builtIndexHtml(): string {
  const file = repoPath(CONSOLE_SOURCE, 'index.html');
  if (!existsSync(file)) throw new Error(`The console is not built (${file} is missing): run \`npm run build:web\` (npm run synth does it for you).`);
  return readFileSync(file, 'utf8');
}
