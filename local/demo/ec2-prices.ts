/**
 * EC2 on-demand list prices for the demo data.
 *
 * Source: shared/recommendations/prices/data/ec2-ondemand-us-east-1.csv (shared with the recommendations' price book), converted from the price table the Karpenter project
 * generates from the AWS Price List API (github.com/aws/karpenter-provider-aws,
 * pkg/providers/pricing/zz_generated.pricing_aws.go, commit 1d927085dd81a9df9301e613f371dac5b4d16bfe),
 * Apache-2.0 (LICENSE-ec2-ondemand beside it). Linux, shared tenancy, us-east-1.
 *
 * us-west-2 uses the us-east-1 price (AWS prices the two alike for the families used here).
 * eu-west-1 and ap-southeast-2 apply a fixed regional factor: an APPROXIMATION of AWS's regional
 * price differences (about +11.5% and +25% for general-purpose types), not a published price.
 */
import { EC2_REGION_PRICE_FACTORS, ec2OnDemandTable } from '#shared/recommendations/prices/bundled.js';
import { parseUnits } from './money.js';

export const EC2_PRICE_SOURCE =
  'AWS Price List API via karpenter-provider-aws zz_generated.pricing_aws.go @1d927085 (Apache-2.0), us-east-1 Linux on-demand';

/** Regional factor in per mille of the us-east-1 price (1000 = same price): the recommendations' price book's. */
export { EC2_REGION_PRICE_FACTORS };

export interface Ec2Price {
  instanceType: string;
  /** The published hourly price, as written in the source ("0.192000"). */
  usdPerHour: string;
  /** The same price in units of 1e-10 USD. */
  units: number;
}

let table: ReadonlyMap<string, Ec2Price> | undefined;

/** Every instance type of the bundled us-east-1 price table (1,367 types), read once. */
export function ec2OnDemandPrices(): ReadonlyMap<string, Ec2Price> {
  if (table) return table;
  const map = new Map<string, Ec2Price>();
  for (const [instanceType, price] of ec2OnDemandTable()) map.set(instanceType, { instanceType, usdPerHour: price, units: Number(parseUnits(price)) });
  table = map;
  return map;
}

/** Hourly on-demand list price of an instance type in a region, in units of 1e-10 USD. */
export function ec2HourlyPriceUnits(instanceType: string, regionId: string): number {
  const price = ec2OnDemandPrices().get(instanceType);
  if (!price) throw new Error(`no on-demand price for ${instanceType}`);
  const factor = EC2_REGION_PRICE_FACTORS[regionId];
  if (factor === undefined) throw new Error(`no EC2 price factor for region ${regionId}`);
  // us-east-1 prices have at most 6 decimals (multiples of 10^4 units): the factor keeps it exact.
  return (price.units / 1000) * factor;
}
