/**
 * The columns of the demo FOCUS export, in file order.
 *
 * Every FOCUS 1.2 column is present except the four PricingCurrency* columns, which a provider
 * that prices and bills in one currency (AWS, USD) leaves out: when present they must not be null.
 * ServiceProviderName and HostProviderName are the FOCUS 1.3 successors of ProviderName and
 * PublisherName; they are written beside them (same value) so readers of either version find
 * theirs. x_ServiceCode, x_UsageType and x_Operation are AWS's custom columns (CUR's
 * lineItem/ProductCode, lineItem/UsageType, lineItem/Operation).
 */

export const FOCUS_VERSION = '1.2';

export const DEMO_COLUMNS = [
  'BillingAccountId',
  'BillingAccountName',
  'BillingAccountType',
  'SubAccountId',
  'SubAccountName',
  'SubAccountType',
  'BillingPeriodStart',
  'BillingPeriodEnd',
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'BillingCurrency',
  'BilledCost',
  'EffectiveCost',
  'ListCost',
  'ContractedCost',
  'ChargeCategory',
  'ChargeClass',
  'ChargeDescription',
  'ChargeFrequency',
  'PricingCategory',
  'PricingQuantity',
  'PricingUnit',
  'ListUnitPrice',
  'ContractedUnitPrice',
  'ConsumedQuantity',
  'ConsumedUnit',
  'ProviderName',
  'PublisherName',
  'InvoiceIssuerName',
  'ServiceProviderName',
  'HostProviderName',
  'InvoiceId',
  'ServiceName',
  'ServiceCategory',
  'ServiceSubcategory',
  'RegionId',
  'RegionName',
  'AvailabilityZone',
  'ResourceId',
  'ResourceName',
  'ResourceType',
  'SkuId',
  'SkuMeter',
  'SkuPriceId',
  'SkuPriceDetails',
  'CommitmentDiscountId',
  'CommitmentDiscountName',
  'CommitmentDiscountCategory',
  'CommitmentDiscountType',
  'CommitmentDiscountStatus',
  'CommitmentDiscountQuantity',
  'CommitmentDiscountUnit',
  'CapacityReservationId',
  'CapacityReservationStatus',
  'Tags',
  'x_ServiceCode',
  'x_UsageType',
  'x_Operation',
] as const;

export type DemoColumn = (typeof DEMO_COLUMNS)[number];

/** Column name -> position. */
export const COLUMN_INDEX = Object.fromEntries(DEMO_COLUMNS.map((name, i) => [name, i])) as Record<DemoColumn, number>;
