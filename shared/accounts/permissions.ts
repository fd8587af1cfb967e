/**
 * The read-only permissions CloudOptima needs in a connected AWS account, in one table: the
 * onboarding template's role policy is built from it (lib/onboarding.ts), the connection test
 * checks each of them (functions/accounts/access.ts), and the collectors call exactly these APIs.
 */
export interface RequiredPermission {
  /** The IAM action, e.g. `ec2:DescribeInstances`. */
  action: string;
  /** What it is used for, shown in the connection test's report. */
  purpose: string;
}

export const REQUIRED_PERMISSIONS: readonly RequiredPermission[] = [
  { action: 'ec2:DescribeRegions', purpose: 'List the regions enabled in the account' },
  { action: 'ec2:DescribeInstances', purpose: 'EC2 instances: type, state, platform, launch time' },
  { action: 'ec2:DescribeInstanceTypes', purpose: 'vCPUs and memory of the instance types in use (rightsizing)' },
  { action: 'ec2:DescribeVolumes', purpose: 'EBS volumes: type, size, IOPS, attachment' },
  { action: 'ec2:DescribeSnapshots', purpose: 'EBS snapshots owned by the account: age, source volume' },
  { action: 'ec2:DescribeAddresses', purpose: 'Elastic IPs and whether they are associated' },
  { action: 'ec2:DescribeNatGateways', purpose: 'NAT gateways' },
  { action: 'elasticloadbalancing:DescribeLoadBalancers', purpose: 'Application, network and gateway load balancers' },
  { action: 'elasticloadbalancing:DescribeTargetGroups', purpose: 'Target groups of each load balancer' },
  { action: 'elasticloadbalancing:DescribeTargetHealth', purpose: 'Healthy targets behind each load balancer' },
  { action: 'rds:DescribeDBInstances', purpose: 'RDS instances: class, engine, storage, Multi-AZ' },
  { action: 'lambda:ListFunctions', purpose: 'Lambda functions: memory, architecture, runtime' },
  { action: 's3:ListAllMyBuckets', purpose: 'S3 buckets of the account' },
  { action: 's3:GetBucketLocation', purpose: 'The region of each bucket' },
  { action: 's3:GetLifecycleConfiguration', purpose: 'Whether each bucket has lifecycle rules' },
  { action: 'logs:DescribeLogGroups', purpose: 'CloudWatch log groups: retention and stored bytes' },
  { action: 'cloudwatch:GetMetricData', purpose: 'Utilization: CPU, network, IOPS, connections, invocations, Lambda Insights memory where enabled (30 days)' },
  { action: 'ce:GetCostAndUsage', purpose: 'Daily costs of an account without a billing export, when Cost Explorer collection is on' },
  {
    action: 'cost-optimization-hub:ListRecommendations',
    purpose: "The account's own Cost Optimization Hub and Compute Optimizer recommendations, imported beside ours (deduplicated), when the account has enrolled",
  },
];

/**
 * Lets the connection test ask IAM which of the permissions above the role holds (one call, no
 * side effects, SCPs and permission boundaries included); the template allows it on the role
 * itself only.
 */
export const SELF_SIMULATION_ACTION = 'iam:SimulatePrincipalPolicy';

/** Where the onboarding template creates the role; the collectors may assume roles on this path only. */
export const ROLE_PATH = '/cloudoptima/';
export const ROLE_NAME = 'CloudOptimaReadOnly';
