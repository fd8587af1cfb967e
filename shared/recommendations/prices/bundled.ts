/**
 * The bundled price book: public list prices shipped with CloudOptima, for local runs and as the
 * fallback when the Price List API is not reachable. EC2 instance hours come from the Karpenter
 * project's table generated from the AWS Price List API (data/README.md, Apache-2.0), us-east-1,
 * Linux, shared tenancy; everything else from service-prices.ts (AWS public price pages).
 *
 * EC2 outside us-east-1: us-east-2 and us-west-2 are priced like us-east-1 for the families AWS
 * prices alike there; eu-west-1 and ap-southeast-2 apply a fixed regional factor, an APPROXIMATION
 * of AWS's regional differences (about +11.5% and +25% for general-purpose types), said so in the
 * price source. The demo billing generator (local/demo/ec2-prices.ts) uses the same table and factors.
 */
import { formatDecimal } from '../../money.js';
import { money, times } from '../calc.js';
import type { PriceBook } from '../model.js';
import { EC2_ONDEMAND_US_EAST_1 } from './data/ec2-ondemand-us-east-1.js';
import { RDS_HOURLY_US_EAST_1, SERVICE_PRICES } from './service-prices.js';

export const EC2_TABLE_SOURCE = 'AWS Price List API via karpenter-provider-aws zz_generated.pricing_aws.go @1d927085 (Apache-2.0), us-east-1 Linux on-demand';
export const SERVICE_PRICES_SOURCE = 'AWS public price pages (EBS, VPC, ELB, RDS, Lambda, S3, CloudWatch), bundled table';

/** EC2 regional factor in per mille of the us-east-1 price (1000 = same price). */
export const EC2_REGION_PRICE_FACTORS: Readonly<Record<string, number>> = {
  'us-east-1': 1000,
  'us-east-2': 1000,
  'us-west-2': 1000,
  'eu-west-1': 1115,
  'ap-southeast-2': 1250,
};

let ec2Table: ReadonlyMap<string, string> | undefined;

/** instance type -> hourly USD as published ("0.384000"), parsed once from the bundled module (data/README.md). */
export function ec2OnDemandTable(): ReadonlyMap<string, string> {
  if (ec2Table) return ec2Table;
  const map = new Map<string, string>();
  for (const line of EC2_ONDEMAND_US_EAST_1.split('\n')) {
    const [instanceType, price] = line.split(' ');
    if (!instanceType || !price) throw new Error(`ec2-ondemand-us-east-1: bad line ${line}`);
    map.set(instanceType, price);
  }
  ec2Table = map;
  return map;
}

const scaled = (price: string, permille: number): string =>
  permille === 1000 ? price : formatDecimal(times(money(price), BigInt(permille) * 10n ** 9n), { minFractionDigits: 0 });

export class BundledPriceBook implements PriceBook {
  source(region: string): string {
    const ec2Factor = EC2_REGION_PRICE_FACTORS[region];
    const service = SERVICE_PRICES[region];
    const parts = [`bundled price table, ${region}`, `EC2: ${EC2_TABLE_SOURCE}`];
    if (ec2Factor !== undefined && ec2Factor !== 1000) parts.push(`EC2 ${region} APPROXIMATED as us-east-1 x${ec2Factor / 1000}`);
    parts.push(`other services: ${SERVICE_PRICES_SOURCE}`);
    if (service?.approximated.length) parts.push(`APPROXIMATED: ${service.approximated.join(', ')}`);
    return parts.join('; ');
  }

  ec2Hourly(instanceType: string, region: string): string | null {
    const price = ec2OnDemandTable().get(instanceType);
    const factor = EC2_REGION_PRICE_FACTORS[region];
    return price === undefined || factor === undefined ? null : scaled(price, factor);
  }

  ebsMonthly(volumeType: string, region: string) {
    const p = SERVICE_PRICES[region]?.ebs[volumeType as 'gp3'];
    return p ? { ...p } : null;
  }

  snapshotMonthlyPerGiB(region: string) {
    return SERVICE_PRICES[region]?.snapshotPerGiB ?? null;
  }

  publicIpv4Hourly(region: string) {
    return SERVICE_PRICES[region]?.publicIpv4Hourly ?? null;
  }

  natGatewayHourly(region: string) {
    return SERVICE_PRICES[region]?.natGatewayHourly ?? null;
  }

  loadBalancerHourly(kind: 'application' | 'network' | 'gateway' | 'classic', region: string) {
    return SERVICE_PRICES[region]?.loadBalancerHourly[kind] ?? null;
  }

  rdsHourly(instanceClass: string, engine: string, multiAz: boolean, region: string): string | null {
    const service = SERVICE_PRICES[region];
    const single = RDS_HOURLY_US_EAST_1[engine]?.[instanceClass];
    if (!service || single === undefined) return null;
    const regional = scaled(single, service.rdsFactorPermille);
    return multiAz ? formatDecimal(money(regional) * 2n, { minFractionDigits: 0 }) : regional;
  }

  lambdaGbSecond(architecture: 'x86_64' | 'arm64', region: string) {
    return SERVICE_PRICES[region]?.lambdaGbSecond[architecture] ?? null;
  }

  s3MonthlyPerGiB(storageClass: string, region: string) {
    return SERVICE_PRICES[region]?.s3PerGiB[storageClass] ?? null;
  }

  logsMonthlyPerGiBStored(region: string) {
    return SERVICE_PRICES[region]?.logsStoredPerGiB ?? null;
  }
}
