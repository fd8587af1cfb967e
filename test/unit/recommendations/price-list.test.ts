import { readFileSync } from 'node:fs';
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { BundledPriceBook } from '#shared/recommendations/prices/bundled.js';
import { ec2ProductFilters, parseEc2Product, PriceListPriceBook } from '#shared/recommendations/prices/price-list.js';

/** The Price List API price book, stubbed with a recorded real GetProducts answer (m5.large, us-east-1). */
const recorded = readFileSync(new URL('../../fixtures/aws-pricing/GetProducts_m5_large.json', import.meta.url), 'utf8');
const pricing = mockClient(PricingClient);

describe('PriceListPriceBook', () => {
  beforeEach(() => pricing.reset());

  it('reads the on-demand hourly price from a recorded GetProducts product', () => {
    expect(parseEc2Product(recorded)).toEqual({ instanceType: 'm5.large', usdPerHour: '0.096' });
  });

  it('loads a region with the Linux shared on-demand filters, pages through NextToken, and caches for a day', async () => {
    const m5xl = JSON.parse(recorded);
    m5xl.product.attributes.instanceType = 'm5.xlarge';
    const onDemand = Object.values(m5xl.terms.OnDemand)[0] as { priceDimensions: Record<string, { pricePerUnit: { USD: string } }> };
    Object.values(onDemand.priceDimensions)[0]!.pricePerUnit.USD = '0.1920000000';
    pricing.on(GetProductsCommand).resolvesOnce({ PriceList: [recorded], NextToken: 'page2' }).resolvesOnce({ PriceList: [JSON.stringify(m5xl)] });
    let now = Date.parse('2026-11-01T00:00:00Z');
    const book = new PriceListPriceBook(new PricingClient({ region: 'us-east-1' }), new BundledPriceBook(), () => now);
    await book.prepare(['us-east-1', 'us-east-1']);
    const calls = pricing.commandCalls(GetProductsCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.args[0].input).toMatchObject({ ServiceCode: 'AmazonEC2', Filters: ec2ProductFilters('us-east-1'), FormatVersion: 'aws_v1' });
    expect(calls[1]!.args[0].input.NextToken).toBe('page2');
    expect(book.ec2Hourly('m5.large', 'us-east-1')).toBe('0.096');
    expect(book.ec2Hourly('m5.xlarge', 'us-east-1')).toBe('0.192');
    expect(book.ec2Hourly('m5.2xlarge', 'us-east-1')).toBeNull(); // loaded region: only what the API answered
    expect(book.source('us-east-1')).toMatch(/AWS Price List API \(GetProducts AmazonEC2, us-east-1/);
    now += 3_600_000;
    await book.prepare(['us-east-1']);
    expect(pricing.commandCalls(GetProductsCommand)).toHaveLength(2);
    now += 86_400_000;
    pricing.on(GetProductsCommand).resolves({ PriceList: [recorded] });
    await book.prepare(['us-east-1']);
    expect(pricing.commandCalls(GetProductsCommand)).toHaveLength(3);
  });

  it('falls back to the bundled book for regions not loaded and for the other services, and says so', () => {
    const bundled = new BundledPriceBook();
    const book = new PriceListPriceBook(new PricingClient({ region: 'us-east-1' }), bundled);
    expect(book.ec2Hourly('m5.2xlarge', 'eu-west-1')).toBe(bundled.ec2Hourly('m5.2xlarge', 'eu-west-1'));
    expect(book.ebsMonthly('gp3', 'us-east-1')).toEqual({ perGiB: '0.08', perIops: '0.005', perMiBps: '0.04' });
    expect(book.source('eu-west-1')).toMatch(/APPROXIMATED as us-east-1 x1.115/);
    expect(pricing.calls()).toHaveLength(0);
  });
});

describe('BundledPriceBook', () => {
  const book = new BundledPriceBook();
  it('prices EC2 from the Price List table, other regions by the stated factor, and other services from the table', () => {
    expect(book.ec2Hourly('m5.2xlarge', 'us-east-1')).toBe('0.384000');
    // 0.384 x 1.115 = 0.42816
    expect(book.ec2Hourly('m5.2xlarge', 'eu-west-1')).toBe('0.42816');
    expect(book.ec2Hourly('m5.2xlarge', 'sa-east-1')).toBeNull();
    expect(book.rdsHourly('db.r5.2xlarge', 'postgres', true, 'us-east-1')).toBe('2');
    // 0.068 x 1.2 = 0.0816
    expect(book.rdsHourly('db.t3.medium', 'mysql', false, 'ap-southeast-2')).toBe('0.0816');
    expect(book.publicIpv4Hourly('eu-west-1')).toBe('0.005');
    expect(book.lambdaGbSecond('arm64', 'us-west-2')).toBe('0.0000133334');
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2']) {
      for (const type of ['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1']) expect(book.ebsMonthly(type, region), `${type} ${region}`).not.toBeNull();
      expect(book.snapshotMonthlyPerGiB(region)).not.toBeNull();
      expect(book.natGatewayHourly(region)).not.toBeNull();
      expect(book.loadBalancerHourly('network', region)).not.toBeNull();
      expect(book.s3MonthlyPerGiB('GLACIER_IR', region)).not.toBeNull();
      expect(book.logsMonthlyPerGiBStored(region)).not.toBeNull();
    }
  });
});
