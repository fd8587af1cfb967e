/**
 * Bundled public list prices (USD) for everything but EC2 instances (those come from the
 * Karpenter-generated Price List table in data/): the local stand-in for the AWS Price List API.
 *
 * Source: AWS's public price pages, transcribed by hand (not machine-generated) as published in
 * 2025 and re-read in 2026: aws.amazon.com/ebs/pricing (volumes, provisioned IOPS/throughput,
 * snapshots), /vpc/pricing (public IPv4 $0.005/h, NAT gateway hour), /elasticloadbalancing/pricing
 * (load balancer hour; LCUs are usage and not included), /rds/mysql/pricing and /rds/postgresql/pricing
 * (On-Demand Single-AZ instance hour, us-east-1; Multi-AZ with one standby is twice that, as AWS
 * prices it), /lambda/pricing (GB-second, first tier), /s3/pricing (first 50 TB tier),
 * /cloudwatch/pricing (logs archived storage).
 *
 * Where a regional price is not a published one it is marked APPROX and the price book says so in
 * its priceSource: RDS outside us-east-1/us-west-2 applies a regional factor to the us-east-1 table.
 */

export interface EbsPrice {
  perGiB: string;
  /** Per provisioned IOPS-month (io1/io2 all IOPS, first tier; gp3 IOPS above the 3,000 included). */
  perIops: string | null;
  /** Per provisioned MiB/s-month (gp3 above the 125 MiB/s included). */
  perMiBps: string | null;
}

export interface RegionPrices {
  ebs: Record<'gp3' | 'gp2' | 'io1' | 'io2' | 'st1' | 'sc1' | 'standard', EbsPrice>;
  snapshotPerGiB: string;
  publicIpv4Hourly: string;
  natGatewayHourly: string;
  loadBalancerHourly: Record<'application' | 'network' | 'gateway' | 'classic', string>;
  lambdaGbSecond: Record<'x86_64' | 'arm64', string>;
  s3PerGiB: Record<string, string>;
  logsStoredPerGiB: string;
  /** RDS instance-hour prices: per mille of the us-east-1 table (1000 = published same price). */
  rdsFactorPermille: number;
  /** Which of this region's values are approximations (named in the price source). */
  approximated: string[];
}

const US_EBS: RegionPrices['ebs'] = {
  gp3: { perGiB: '0.08', perIops: '0.005', perMiBps: '0.04' },
  gp2: { perGiB: '0.10', perIops: null, perMiBps: null },
  io1: { perGiB: '0.125', perIops: '0.065', perMiBps: null },
  io2: { perGiB: '0.125', perIops: '0.065', perMiBps: null },
  st1: { perGiB: '0.045', perIops: null, perMiBps: null },
  sc1: { perGiB: '0.015', perIops: null, perMiBps: null },
  standard: { perGiB: '0.05', perIops: null, perMiBps: null },
};

const US_S3 = { STANDARD: '0.023', INTELLIGENT_TIERING: '0.023', STANDARD_IA: '0.0125', ONEZONE_IA: '0.01', GLACIER_IR: '0.004', GLACIER: '0.0036', DEEP_ARCHIVE: '0.00099' };

const us = (): RegionPrices => ({
  ebs: US_EBS,
  snapshotPerGiB: '0.05',
  publicIpv4Hourly: '0.005',
  natGatewayHourly: '0.045',
  loadBalancerHourly: { application: '0.0225', network: '0.0225', gateway: '0.0125', classic: '0.025' },
  lambdaGbSecond: { x86_64: '0.0000166667', arm64: '0.0000133334' },
  s3PerGiB: US_S3,
  logsStoredPerGiB: '0.03',
  rdsFactorPermille: 1000,
  approximated: [],
});

export const SERVICE_PRICES: Readonly<Record<string, RegionPrices>> = {
  'us-east-1': us(),
  'us-east-2': us(),
  'us-west-2': us(),
  'eu-west-1': {
    ebs: {
      gp3: { perGiB: '0.088', perIops: '0.0055', perMiBps: '0.044' },
      gp2: { perGiB: '0.11', perIops: null, perMiBps: null },
      io1: { perGiB: '0.138', perIops: '0.072', perMiBps: null },
      io2: { perGiB: '0.138', perIops: '0.072', perMiBps: null },
      st1: { perGiB: '0.05', perIops: null, perMiBps: null },
      sc1: { perGiB: '0.0168', perIops: null, perMiBps: null },
      standard: { perGiB: '0.055', perIops: null, perMiBps: null },
    },
    snapshotPerGiB: '0.05',
    publicIpv4Hourly: '0.005',
    natGatewayHourly: '0.048',
    loadBalancerHourly: { application: '0.0252', network: '0.0252', gateway: '0.014', classic: '0.028' },
    lambdaGbSecond: { x86_64: '0.0000166667', arm64: '0.0000133334' },
    s3PerGiB: { ...US_S3 },
    logsStoredPerGiB: '0.03',
    rdsFactorPermille: 1100,
    approximated: ['RDS instance hours (us-east-1 x1.10)'],
  },
  'ap-southeast-2': {
    ebs: {
      gp3: { perGiB: '0.096', perIops: '0.006', perMiBps: '0.048' },
      gp2: { perGiB: '0.12', perIops: null, perMiBps: null },
      io1: { perGiB: '0.138', perIops: '0.072', perMiBps: null },
      io2: { perGiB: '0.138', perIops: '0.072', perMiBps: null },
      st1: { perGiB: '0.054', perIops: null, perMiBps: null },
      sc1: { perGiB: '0.018', perIops: null, perMiBps: null },
      standard: { perGiB: '0.06', perIops: null, perMiBps: null },
    },
    snapshotPerGiB: '0.055',
    publicIpv4Hourly: '0.005',
    natGatewayHourly: '0.059',
    loadBalancerHourly: { application: '0.0252', network: '0.0252', gateway: '0.014', classic: '0.028' },
    lambdaGbSecond: { x86_64: '0.0000166667', arm64: '0.0000133334' },
    s3PerGiB: { STANDARD: '0.025', INTELLIGENT_TIERING: '0.025', STANDARD_IA: '0.0138', ONEZONE_IA: '0.011', GLACIER_IR: '0.005', GLACIER: '0.0045', DEEP_ARCHIVE: '0.00099' },
    logsStoredPerGiB: '0.03',
    rdsFactorPermille: 1200,
    approximated: ['RDS instance hours (us-east-1 x1.20)'],
  },
};

/** On-Demand Single-AZ instance hour in us-east-1 (and us-west-2, priced alike), by engine table. */
const MYSQL: Record<string, string> = {
  'db.t2.micro': '0.017', 'db.t2.small': '0.034', 'db.t2.medium': '0.068', 'db.t2.large': '0.136',
  'db.t3.micro': '0.017', 'db.t3.small': '0.034', 'db.t3.medium': '0.068', 'db.t3.large': '0.136', 'db.t3.xlarge': '0.272', 'db.t3.2xlarge': '0.544',
  'db.t4g.micro': '0.016', 'db.t4g.small': '0.032', 'db.t4g.medium': '0.065', 'db.t4g.large': '0.129', 'db.t4g.xlarge': '0.258', 'db.t4g.2xlarge': '0.517',
  'db.m4.large': '0.175', 'db.m4.xlarge': '0.35', 'db.m4.2xlarge': '0.70', 'db.m4.4xlarge': '1.401',
  'db.m5.large': '0.171', 'db.m5.xlarge': '0.342', 'db.m5.2xlarge': '0.684', 'db.m5.4xlarge': '1.368', 'db.m5.8xlarge': '2.736', 'db.m5.12xlarge': '4.104',
  'db.m6i.large': '0.171', 'db.m6i.xlarge': '0.342', 'db.m6i.2xlarge': '0.684', 'db.m6i.4xlarge': '1.368', 'db.m6i.8xlarge': '2.736',
  'db.m6g.large': '0.152', 'db.m6g.xlarge': '0.304', 'db.m6g.2xlarge': '0.608', 'db.m6g.4xlarge': '1.216', 'db.m6g.8xlarge': '2.432',
  'db.r4.large': '0.24', 'db.r4.xlarge': '0.48', 'db.r4.2xlarge': '0.96', 'db.r4.4xlarge': '1.92',
  'db.r5.large': '0.24', 'db.r5.xlarge': '0.48', 'db.r5.2xlarge': '0.96', 'db.r5.4xlarge': '1.92', 'db.r5.8xlarge': '3.84',
  'db.r6i.large': '0.24', 'db.r6i.xlarge': '0.48', 'db.r6i.2xlarge': '0.96', 'db.r6i.4xlarge': '1.92',
  'db.r6g.large': '0.215', 'db.r6g.xlarge': '0.43', 'db.r6g.2xlarge': '0.86', 'db.r6g.4xlarge': '1.72', 'db.r6g.8xlarge': '3.44',
};
const POSTGRES: Record<string, string> = {
  'db.t2.micro': '0.018', 'db.t2.small': '0.036', 'db.t2.medium': '0.073', 'db.t2.large': '0.145',
  'db.t3.micro': '0.018', 'db.t3.small': '0.036', 'db.t3.medium': '0.072', 'db.t3.large': '0.145', 'db.t3.xlarge': '0.29', 'db.t3.2xlarge': '0.579',
  'db.t4g.micro': '0.016', 'db.t4g.small': '0.032', 'db.t4g.medium': '0.065', 'db.t4g.large': '0.129', 'db.t4g.xlarge': '0.258', 'db.t4g.2xlarge': '0.517',
  'db.m4.large': '0.182', 'db.m4.xlarge': '0.365', 'db.m4.2xlarge': '0.73', 'db.m4.4xlarge': '1.461',
  'db.m5.large': '0.178', 'db.m5.xlarge': '0.356', 'db.m5.2xlarge': '0.712', 'db.m5.4xlarge': '1.424', 'db.m5.8xlarge': '2.848', 'db.m5.12xlarge': '4.272',
  'db.m6i.large': '0.178', 'db.m6i.xlarge': '0.356', 'db.m6i.2xlarge': '0.712', 'db.m6i.4xlarge': '1.424', 'db.m6i.8xlarge': '2.848',
  'db.m6g.large': '0.159', 'db.m6g.xlarge': '0.318', 'db.m6g.2xlarge': '0.636', 'db.m6g.4xlarge': '1.272', 'db.m6g.8xlarge': '2.544',
  'db.r4.large': '0.26', 'db.r4.xlarge': '0.52', 'db.r4.2xlarge': '1.04', 'db.r4.4xlarge': '2.08',
  'db.r5.large': '0.25', 'db.r5.xlarge': '0.50', 'db.r5.2xlarge': '1.00', 'db.r5.4xlarge': '2.00', 'db.r5.8xlarge': '4.00',
  'db.r6i.large': '0.25', 'db.r6i.xlarge': '0.50', 'db.r6i.2xlarge': '1.00', 'db.r6i.4xlarge': '2.00',
  'db.r6g.large': '0.225', 'db.r6g.xlarge': '0.45', 'db.r6g.2xlarge': '0.899', 'db.r6g.4xlarge': '1.798', 'db.r6g.8xlarge': '3.597',
};

/** Engine names as RDS reports them -> the table priced like them. */
export const RDS_HOURLY_US_EAST_1: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  mysql: MYSQL,
  mariadb: MYSQL,
  postgres: POSTGRES,
};
