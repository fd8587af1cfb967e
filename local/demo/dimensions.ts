/**
 * The fixed dimensions of the demo tenant "Demo Corp": its AWS billing account, linked accounts,
 * regions, services and tag vocabulary. Everything else in the demo data refers to these.
 */

export const DEMO_BILLING_ACCOUNT = { id: '210987654321', name: 'Demo Corp', type: 'Management Account' } as const;

export interface DemoAccount {
  id: string;
  name: string;
  /** SubAccountType. */
  type: 'Management Account' | 'Member Account';
  /** The environment the account hosts. */
  env: 'prod' | 'staging' | 'data' | 'shared' | 'management';
}

export const DEMO_ACCOUNTS = {
  management: { id: '210987654321', name: 'demo-corp-management', type: 'Management Account', env: 'management' },
  prod: { id: '318274650192', name: 'demo-prod', type: 'Member Account', env: 'prod' },
  staging: { id: '427183920465', name: 'demo-staging', type: 'Member Account', env: 'staging' },
  data: { id: '536092811734', name: 'demo-data', type: 'Member Account', env: 'data' },
  shared: { id: '645901702843', name: 'demo-shared-services', type: 'Member Account', env: 'shared' },
} as const satisfies Record<string, DemoAccount>;

export type AccountKey = keyof typeof DEMO_ACCOUNTS;

export interface DemoRegion {
  id: string;
  name: string;
  /** Usage-type prefix, as in `USE1-BoxUsage:m5.xlarge`. */
  prefix: string;
  /** Non-EC2 list prices: per mille of the us-east-1 price (an approximation of AWS's regional prices). */
  priceFactor: number;
}

export const DEMO_REGIONS = {
  'us-east-1': { id: 'us-east-1', name: 'US East (N. Virginia)', prefix: 'USE1', priceFactor: 1000 },
  'us-west-2': { id: 'us-west-2', name: 'US West (Oregon)', prefix: 'USW2', priceFactor: 1000 },
  'eu-west-1': { id: 'eu-west-1', name: 'Europe (Ireland)', prefix: 'EUW1', priceFactor: 1100 },
  'ap-southeast-2': { id: 'ap-southeast-2', name: 'Asia Pacific (Sydney)', prefix: 'APS2', priceFactor: 1200 },
} as const satisfies Record<string, DemoRegion>;

export type RegionKey = keyof typeof DEMO_REGIONS;

export interface DemoService {
  /** ServiceName. */
  name: string;
  /** x_ServiceCode: the AWS product code. */
  code: string;
  /** ServiceCategory and ServiceSubcategory (FOCUS 1.2 allowed values). */
  category: string;
  subcategory: string;
}

export const DEMO_SERVICES = {
  ec2: { name: 'Amazon Elastic Compute Cloud', code: 'AmazonEC2', category: 'Compute', subcategory: 'Virtual Machines' },
  s3: { name: 'Amazon Simple Storage Service', code: 'AmazonS3', category: 'Storage', subcategory: 'Object Storage' },
  rds: { name: 'Amazon Relational Database Service', code: 'AmazonRDS', category: 'Databases', subcategory: 'Relational Databases' },
  lambda: { name: 'AWS Lambda', code: 'AWSLambda', category: 'Compute', subcategory: 'Serverless Compute' },
  dynamodb: { name: 'Amazon DynamoDB', code: 'AmazonDynamoDB', category: 'Databases', subcategory: 'NoSQL Databases' },
  cloudfront: { name: 'Amazon CloudFront', code: 'AmazonCloudFront', category: 'Networking', subcategory: 'Content Delivery' },
  vpc: { name: 'Amazon Virtual Private Cloud', code: 'AmazonVPC', category: 'Networking', subcategory: 'Network Infrastructure' },
  elb: { name: 'Elastic Load Balancing', code: 'AWSELB', category: 'Networking', subcategory: 'Application Networking' },
  cloudwatch: { name: 'Amazon CloudWatch', code: 'AmazonCloudWatch', category: 'Management and Governance', subcategory: 'Observability' },
  eks: { name: 'Amazon Elastic Kubernetes Service', code: 'AmazonEKS', category: 'Compute', subcategory: 'Containers' },
  ecs: { name: 'Amazon Elastic Container Service', code: 'AmazonECS', category: 'Compute', subcategory: 'Containers' },
  ecr: { name: 'Amazon Elastic Container Registry', code: 'AmazonECR', category: 'Compute', subcategory: 'Containers' },
  sqs: { name: 'Amazon Simple Queue Service', code: 'AWSQueueService', category: 'Integration', subcategory: 'Messaging' },
  sns: { name: 'Amazon Simple Notification Service', code: 'AmazonSNS', category: 'Integration', subcategory: 'Messaging' },
  kms: { name: 'AWS Key Management Service', code: 'awskms', category: 'Security', subcategory: 'Secret Management' },
  secrets: { name: 'AWS Secrets Manager', code: 'AWSSecretsManager', category: 'Security', subcategory: 'Secret Management' },
  route53: { name: 'Amazon Route 53', code: 'AmazonRoute53', category: 'Networking', subcategory: 'Network Routing' },
  apigateway: { name: 'Amazon API Gateway', code: 'AmazonApiGateway', category: 'Integration', subcategory: 'API Management' },
  stepfunctions: { name: 'AWS Step Functions', code: 'AmazonStates', category: 'Integration', subcategory: 'Workflow Orchestration' },
  athena: { name: 'Amazon Athena', code: 'AmazonAthena', category: 'Analytics', subcategory: 'Analytics Platforms' },
  glue: { name: 'AWS Glue', code: 'AWSGlue', category: 'Analytics', subcategory: 'Data Processing' },
  redshift: { name: 'Amazon Redshift', code: 'AmazonRedshift', category: 'Databases', subcategory: 'Data Warehouses' },
  opensearch: { name: 'Amazon OpenSearch Service', code: 'AmazonES', category: 'Analytics', subcategory: 'Search' },
  elasticache: { name: 'Amazon ElastiCache', code: 'AmazonElastiCache', category: 'Databases', subcategory: 'Caching' },
  kinesis: { name: 'Amazon Kinesis', code: 'AmazonKinesis', category: 'Analytics', subcategory: 'Streaming Analytics' },
  backup: { name: 'AWS Backup', code: 'AWSBackup', category: 'Storage', subcategory: 'Backup Storage' },
  config: { name: 'AWS Config', code: 'AWSConfig', category: 'Management and Governance', subcategory: 'Compliance' },
  guardduty: { name: 'Amazon GuardDuty', code: 'AmazonGuardDuty', category: 'Security', subcategory: 'Threat Detection and Response' },
  cloudtrail: { name: 'AWS CloudTrail', code: 'AWSCloudTrail', category: 'Management and Governance', subcategory: 'Observability' },
  waf: { name: 'AWS WAF', code: 'awswaf', category: 'Networking', subcategory: 'Network Security' },
  datatransfer: { name: 'AWS Data Transfer', code: 'AWSDataTransfer', category: 'Networking', subcategory: 'Network Connectivity' },
  support: { name: 'AWS Support (Business)', code: 'AWSSupportBusiness', category: 'Management and Governance', subcategory: 'Support' },
  savingsplans: { name: 'Savings Plans for AWS Compute usage', code: 'ComputeSavingsPlans', category: 'Compute', subcategory: 'Other (Compute)' },
} as const satisfies Record<string, DemoService>;

export type ServiceKey = keyof typeof DEMO_SERVICES;

/** Teams and their cost centers: the `team` and `cost-center` tag values. */
export const DEMO_TEAMS = {
  web: 'CC-1001',
  payments: 'CC-1002',
  search: 'CC-1003',
  'data-platform': 'CC-2001',
  ml: 'CC-2002',
  platform: 'CC-3001',
  security: 'CC-3002',
} as const;

export type TeamKey = keyof typeof DEMO_TEAMS;

/** The provider columns of every row (ProviderName, PublisherName, InvoiceIssuerName, ...). */
export const PROVIDER = 'AWS';
export const CURRENCY = 'USD';
