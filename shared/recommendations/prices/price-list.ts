/**
 * The AWS Price List API behind the PriceBook interface. PriceBook reads are synchronous (the rules
 * are pure), so an analysis first awaits `prepare(regions)`, which loads each region's Linux,
 * shared-tenancy on-demand EC2 prices with GetProducts (paged, cached for a day per container);
 * the reads then come from that cache. Services not loaded from the API yet (EBS, RDS, Lambda, ...)
 * fall back to the bundled book, and the price source says which is which.
 */
import { GetProductsCommand, type Filter, type PricingClient } from '@aws-sdk/client-pricing';
import { formatDecimal, parseDecimal } from '../../money.js';
import type { PriceBook } from '../model.js';
import { BundledPriceBook } from './bundled.js';

const DAY_MS = 86_400_000;

/** The filters of one region's Linux, shared-tenancy, on-demand instance-hour products. */
export function ec2ProductFilters(region: string): Filter[] {
  const term = (Field: string, Value: string): Filter => ({ Type: 'TERM_MATCH', Field, Value });
  return [
    term('regionCode', region),
    term('operatingSystem', 'Linux'),
    term('tenancy', 'Shared'),
    term('preInstalledSw', 'NA'),
    term('capacitystatus', 'Used'),
    term('licenseModel', 'No License required'),
  ];
}

interface PriceListProduct {
  product?: { attributes?: Record<string, string> };
  terms?: { OnDemand?: Record<string, { priceDimensions?: Record<string, { unit?: string; pricePerUnit?: Record<string, string> }> }> };
}

/** instanceType and its hourly USD on-demand price from one GetProducts PriceList entry, or null. */
export function parseEc2Product(entry: string): { instanceType: string; usdPerHour: string } | null {
  const product = JSON.parse(entry) as PriceListProduct;
  const instanceType = product.product?.attributes?.instanceType;
  for (const term of Object.values(product.terms?.OnDemand ?? {})) {
    for (const dimension of Object.values(term.priceDimensions ?? {})) {
      const usd = dimension.pricePerUnit?.USD;
      if (instanceType && usd && dimension.unit === 'Hrs') return { instanceType, usdPerHour: formatDecimal(parseDecimal(usd), { minFractionDigits: 0 }) };
    }
  }
  return null;
}

export class PriceListPriceBook implements PriceBook {
  private readonly ec2 = new Map<string, { loadedAt: number; prices: Map<string, string> }>();

  constructor(
    private readonly client: PricingClient,
    private readonly fallback: PriceBook = new BundledPriceBook(),
    private readonly now: () => number = Date.now,
  ) {}

  /** Loads (or keeps, within a day) each region's EC2 on-demand prices. */
  async prepare(regions: Iterable<string>): Promise<void> {
    for (const region of new Set(regions)) {
      const cached = this.ec2.get(region);
      if (cached && this.now() - cached.loadedAt < DAY_MS) continue;
      const prices = new Map<string, string>();
      let NextToken: string | undefined;
      do {
        const page = await this.client.send(new GetProductsCommand({ ServiceCode: 'AmazonEC2', Filters: ec2ProductFilters(region), FormatVersion: 'aws_v1', MaxResults: 100, NextToken }));
        for (const entry of page.PriceList ?? []) {
          const parsed = parseEc2Product(entry);
          if (parsed) prices.set(parsed.instanceType, parsed.usdPerHour);
        }
        NextToken = page.NextToken;
      } while (NextToken);
      this.ec2.set(region, { loadedAt: this.now(), prices });
    }
  }

  source(region: string): string {
    return this.ec2.has(region)
      ? `AWS Price List API (GetProducts AmazonEC2, ${region}, Linux on-demand); other services: ${this.fallback.source(region)}`
      : this.fallback.source(region);
  }

  ec2Hourly(instanceType: string, region: string): string | null {
    const loaded = this.ec2.get(region);
    return loaded ? (loaded.prices.get(instanceType) ?? null) : this.fallback.ec2Hourly(instanceType, region);
  }

  ebsMonthly(volumeType: string, region: string) {
    return this.fallback.ebsMonthly(volumeType, region);
  }
  snapshotMonthlyPerGiB(region: string) {
    return this.fallback.snapshotMonthlyPerGiB(region);
  }
  publicIpv4Hourly(region: string) {
    return this.fallback.publicIpv4Hourly(region);
  }
  natGatewayHourly(region: string) {
    return this.fallback.natGatewayHourly(region);
  }
  loadBalancerHourly(kind: 'application' | 'network' | 'gateway' | 'classic', region: string) {
    return this.fallback.loadBalancerHourly(kind, region);
  }
  rdsHourly(instanceClass: string, engine: string, multiAz: boolean, region: string) {
    return this.fallback.rdsHourly(instanceClass, engine, multiAz, region);
  }
  lambdaGbSecond(architecture: 'x86_64' | 'arm64', region: string) {
    return this.fallback.lambdaGbSecond(architecture, region);
  }
  s3MonthlyPerGiB(storageClass: string, region: string) {
    return this.fallback.s3MonthlyPerGiB(storageClass, region);
  }
  logsMonthlyPerGiBStored(region: string) {
    return this.fallback.logsMonthlyPerGiBStored(region);
  }
}
