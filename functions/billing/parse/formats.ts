/**
 * The mapping from each export format to the FOCUS model, as data.
 *
 * FOCUS columns and the version that introduced them come from the FOCUS specification's column
 * definitions (../shared/data/focus-spec/columns/*.md, "Introduced (version)"). The CUR rules follow
 * the FinOps Foundation's conversion rules (../shared/data/focus-converters/conversion-rules/
 * aws-cur.csv for legacy CUR names, aws.csv for CUR 2.0 names); where we depart from them the
 * entry says why. `mapper.ts` compiles these tables against a file's header once.
 */
import type { BillingFormat, ChargeCategory } from './types.js';

export type Dialect = 'focus' | 'cur-legacy' | 'cur-snake';

/** Where a text field comes from: a column, or a key inside a map / JSON-object column. */
export type TextSource = string | { readonly map: string; readonly key: string };

/** Text fields of the normalized row; each lists its sources, first non-null wins. */
export type TextField =
  | 'provider'
  | 'billingAccountId'
  | 'billingAccountName'
  | 'subAccountId'
  | 'subAccountName'
  | 'serviceName'
  | 'serviceCategory'
  | 'regionId'
  | 'usageType'
  | 'resourceId'
  | 'consumedUnit';

/** A money expression over columns (used by CUR, where EffectiveCost depends on the line item type). */
export type MoneyExpr =
  | { readonly col: string }
  | { readonly add: readonly [string, string] }
  | { readonly sub: readonly [string, string] }
  | { readonly mul: readonly [string, string] }
  | { readonly zero: true }
  /** 0 when the named column has a value, else `otherwise`. */
  | { readonly zeroIfPresent: string; readonly otherwise: MoneyExpr };

export interface FormatRules {
  readonly dialect: Dialect;
  /** Columns without which the file is refused (MISSING_COLUMN); first listed name is reported. */
  readonly required: readonly (readonly string[])[];
  readonly billingPeriodStart: readonly string[];
  readonly chargePeriodStart: readonly string[];
  readonly chargePeriodEnd: readonly string[];
  readonly currency: readonly string[];
  /** Columns whose values betray the currency when the file has no currency column. */
  readonly currencyEvidence: readonly string[];
  readonly chargeCategory: readonly string[];
  /** FOCUS: value as is (validated); CUR: looked up in `chargeCategoryMap`. */
  readonly chargeCategoryMap?: Readonly<Record<string, ChargeCategory>>;
  /** CUR: line item types that are corrections of a previous invoice. */
  readonly correctionTypes?: ReadonlySet<string>;
  readonly chargeClass?: readonly string[];
  readonly billedCost: MoneyExpr;
  /** Keyed by the charge-category source value (CUR line item type); `default` otherwise. */
  readonly effectiveCost: { readonly byType?: Readonly<Record<string, MoneyExpr>>; readonly default: MoneyExpr };
  /** Tried in order; `'billed'` means "same as BilledCost"; null list cost when nothing applies. */
  readonly listCost: readonly (MoneyExpr | 'billed')[];
  readonly consumedQuantity: readonly string[];
  /** CUR: quantity only on Usage rows (FOCUS: ConsumedQuantity is null for other categories). */
  readonly quantityOnlyForUsage: boolean;
  readonly text: Readonly<Record<TextField, readonly TextSource[]>>;
  readonly constants?: Readonly<Partial<Record<TextField, string>>>;
  /** JSON / map tag columns. */
  readonly tagColumns: readonly string[];
  /** Prefix of one-column-per-tag columns (legacy CUR `resourceTags/`). */
  readonly tagColumnPrefix?: string;
  readonly tagKey: (key: string) => string;
}

// ---------------------------------------------------------------------------------------------
// FOCUS

type FocusVersion = '1.0-preview' | '1.0' | '1.1' | '1.2' | '1.3';

/**
 * Columns that mark a FOCUS version: present means "at least this version". From the spec's
 * "Introduced (version)" sections, plus the 1.0 renames (ProviderName, PublisherName,
 * InvoiceIssuerName replaced Provider, Publisher, InvoiceIssuer) and the 1.3 renames
 * (ServiceProviderName, HostProviderName; not in the spec copy we hold, which is 1.2).
 */
export const FOCUS_VERSION_MARKERS: Readonly<Record<string, FocusVersion>> = {
  ChargeClass: '1.0',
  CommitmentDiscountStatus: '1.0',
  ConsumedQuantity: '1.0',
  ConsumedUnit: '1.0',
  ContractedCost: '1.0',
  ContractedUnitPrice: '1.0',
  RegionId: '1.0',
  RegionName: '1.0',
  ProviderName: '1.0',
  PublisherName: '1.0',
  InvoiceIssuerName: '1.0',
  CapacityReservationId: '1.1',
  CapacityReservationStatus: '1.1',
  CommitmentDiscountQuantity: '1.1',
  CommitmentDiscountUnit: '1.1',
  ServiceSubcategory: '1.1',
  SkuMeter: '1.1',
  SkuPriceDetails: '1.1',
  BillingAccountType: '1.2',
  SubAccountType: '1.2',
  InvoiceId: '1.2',
  PricingCurrency: '1.2',
  PricingCurrencyContractedUnitPrice: '1.2',
  PricingCurrencyEffectiveCost: '1.2',
  PricingCurrencyListUnitPrice: '1.2',
  ServiceProviderName: '1.3',
  HostProviderName: '1.3',
};

const VERSION_ORDER: readonly FocusVersion[] = ['1.0-preview', '1.0', '1.1', '1.2', '1.3'];

/** Every FOCUS column name we know (all versions), for format detection. */
export const FOCUS_COLUMNS: ReadonlySet<string> = new Set([
  ...Object.keys(FOCUS_VERSION_MARKERS),
  'AvailabilityZone', 'BilledCost', 'BillingAccountId', 'BillingAccountName', 'BillingCurrency',
  'BillingPeriodEnd', 'BillingPeriodStart', 'ChargeCategory', 'ChargeDescription', 'ChargeFrequency',
  'ChargePeriodEnd', 'ChargePeriodStart', 'CommitmentDiscountCategory', 'CommitmentDiscountId',
  'CommitmentDiscountName', 'CommitmentDiscountType', 'EffectiveCost', 'ListCost', 'ListUnitPrice',
  'PricingCategory', 'PricingQuantity', 'PricingUnit', 'ResourceId', 'ResourceName', 'ResourceType',
  'ServiceCategory', 'ServiceName', 'SkuId', 'SkuPriceId', 'SubAccountId', 'SubAccountName', 'Tags',
  // 1.0-preview / 0.5 names, still found beside newer ones
  'Provider', 'Publisher', 'InvoiceIssuer', 'Region', 'UsageQuantity', 'UsageUnit', 'ChargeSubcategory',
  'ChargeType', 'AmortizedCost',
]);

/** The FOCUS version a header shows: the newest version any of its columns belongs to. */
export function focusVersion(present: (name: string) => boolean): BillingFormat {
  let best = 0;
  for (const [column, version] of Object.entries(FOCUS_VERSION_MARKERS)) {
    if (present(column)) best = Math.max(best, VERSION_ORDER.indexOf(version));
  }
  return `focus-${VERSION_ORDER[best]}` as BillingFormat;
}

export const FOCUS_RULES: FormatRules = {
  dialect: 'focus',
  required: [
    ['BilledCost'],
    ['EffectiveCost', 'AmortizedCost'],
    ['BillingPeriodStart'],
    ['ChargePeriodStart'],
    ['ChargePeriodEnd'],
    ['ChargeCategory', 'ChargeType'],
  ],
  billingPeriodStart: ['BillingPeriodStart'],
  chargePeriodStart: ['ChargePeriodStart'],
  chargePeriodEnd: ['ChargePeriodEnd'],
  currency: ['BillingCurrency'],
  currencyEvidence: ['PricingCurrency'],
  chargeCategory: ['ChargeCategory', 'ChargeType'],
  chargeClass: ['ChargeClass'],
  billedCost: { col: 'BilledCost' },
  effectiveCost: { default: { col: 'EffectiveCost' } },
  listCost: [{ col: 'ListCost' }],
  consumedQuantity: ['ConsumedQuantity', 'UsageQuantity'],
  quantityOnlyForUsage: false,
  text: {
    provider: ['ServiceProviderName', 'ProviderName', 'Provider'],
    billingAccountId: ['BillingAccountId'],
    billingAccountName: ['BillingAccountName'],
    subAccountId: ['SubAccountId'],
    subAccountName: ['SubAccountName'],
    serviceName: ['ServiceName'],
    serviceCategory: ['ServiceCategory'],
    regionId: ['RegionId', 'Region'],
    // ARCHITECTURE "usageType": the provider's usage type where the export has one, else SkuId.
    usageType: ['x_UsageType', 'SkuId'],
    resourceId: ['ResourceId'],
    consumedUnit: ['ConsumedUnit', 'UsageUnit'],
  },
  tagColumns: ['Tags'],
  tagKey: (k) => k,
};

// ---------------------------------------------------------------------------------------------
// AWS CUR: one rule set, two spellings of every column (legacy `lineItem/UnblendedCost`, and the
// snake case of CUR 2.0 and of legacy CUR's Parquet/Athena delivery, `line_item_unblended_cost`).

type CurColumn = keyof typeof CUR_COLUMNS;

const CUR_COLUMNS = {
  unblendedCost: ['lineItem/UnblendedCost', 'line_item_unblended_cost'],
  usageAmount: ['lineItem/UsageAmount', 'line_item_usage_amount'],
  lineItemType: ['lineItem/LineItemType', 'line_item_line_item_type'],
  usageStart: ['lineItem/UsageStartDate', 'line_item_usage_start_date'],
  usageEnd: ['lineItem/UsageEndDate', 'line_item_usage_end_date'],
  billingPeriodStart: ['bill/BillingPeriodStartDate', 'bill_billing_period_start_date'],
  currencyCode: ['lineItem/CurrencyCode', 'line_item_currency_code'],
  pricingCurrency: ['pricing/currency', 'pricing_currency'],
  payerAccountId: ['bill/PayerAccountId', 'bill_payer_account_id'],
  payerAccountName: ['bill/PayerAccountName', 'bill_payer_account_name'],
  usageAccountId: ['lineItem/UsageAccountId', 'line_item_usage_account_id'],
  usageAccountName: ['lineItem/UsageAccountName', 'line_item_usage_account_name'],
  productName: ['product/ProductName', 'product_product_name'],
  productServiceName: ['product/servicename', 'product_servicename'],
  productCode: ['lineItem/ProductCode', 'line_item_product_code'],
  region: ['product/region', 'product_region'],
  regionCode: ['product/regionCode', 'product_region_code'],
  usageType: ['lineItem/UsageType', 'line_item_usage_type'],
  resourceId: ['lineItem/ResourceId', 'line_item_resource_id'],
  pricingUnit: ['pricing/unit', 'pricing_unit'],
  publicOnDemandCost: ['pricing/publicOnDemandCost', 'pricing_public_on_demand_cost'],
  publicOnDemandRate: ['pricing/publicOnDemandRate', 'pricing_public_on_demand_rate'],
  spEffectiveCost: ['savingsPlan/SavingsPlanEffectiveCost', 'savings_plan_savings_plan_effective_cost'],
  spTotalCommitmentToDate: ['savingsPlan/TotalCommitmentToDate', 'savings_plan_total_commitment_to_date'],
  spUsedCommitment: ['savingsPlan/UsedCommitment', 'savings_plan_used_commitment'],
  riEffectiveCost: ['reservation/EffectiveCost', 'reservation_effective_cost'],
  riUnusedAmortizedUpfront: [
    'reservation/UnusedAmortizedUpfrontFeeForBillingPeriod',
    'reservation_unused_amortized_upfront_fee_for_billing_period',
  ],
  riUnusedRecurringFee: ['reservation/UnusedRecurringFee', 'reservation_unused_recurring_fee'],
  // CUR 2.0 spells it reservation_reservation_a_r_n; the converter's aws.csv uses both spellings.
  riArn: ['reservation/ReservationARN', 'reservation_reservation_a_r_n', 'reservation_reservation_arn'],
} as const;

/** Column names of one logical CUR column in a dialect (legacy: the first; snake: the rest). */
function cur(dialect: 'cur-legacy' | 'cur-snake', column: CurColumn): string[] {
  const names = CUR_COLUMNS[column] as readonly string[];
  return dialect === 'cur-legacy' ? [names[0]!] : names.slice(1);
}

/**
 * lineItem/LineItemType -> ChargeCategory. From the converter's ChargeCategory rule, except:
 * Credit -> Credit (FOCUS 1.0 added the Credit category; the converter predates it and says
 * Adjustment), and RiVolumeDiscount (absent from the converter) joins the other discounts.
 * Types not listed map to Adjustment ("charges that do not fall into other category values")
 * and are named in the file's notes.
 */
export const CUR_CHARGE_CATEGORY: Readonly<Record<string, ChargeCategory>> = {
  Tax: 'Tax',
  Fee: 'Purchase',
  RIFee: 'Purchase',
  SavingsPlanUpfrontFee: 'Purchase',
  SavingsPlanRecurringFee: 'Purchase',
  Usage: 'Usage',
  SavingsPlanCoveredUsage: 'Usage',
  SavingsPlanNegation: 'Usage',
  DiscountedUsage: 'Usage',
  BundledDiscount: 'Usage',
  Discount: 'Usage',
  PrivateRateDiscount: 'Usage',
  EdpDiscount: 'Usage',
  RiVolumeDiscount: 'Usage',
  Credit: 'Credit',
  Refund: 'Adjustment',
};

/** Refunds give back money of an invoiced period: FOCUS ChargeClass "Correction". */
const CUR_CORRECTION_TYPES: ReadonlySet<string> = new Set(['Refund']);

function curRules(dialect: 'cur-legacy' | 'cur-snake'): FormatRules {
  const c = (column: CurColumn) => cur(dialect, column);
  const one = (column: CurColumn) => c(column)[0]!;
  const col = (column: CurColumn): MoneyExpr => ({ col: one(column) });
  const snake = dialect === 'cur-snake';
  return {
    dialect,
    required: [c('unblendedCost'), c('usageStart'), c('usageEnd'), c('billingPeriodStart'), c('lineItemType')],
    billingPeriodStart: c('billingPeriodStart'),
    chargePeriodStart: c('usageStart'),
    chargePeriodEnd: c('usageEnd'),
    currency: c('currencyCode'),
    currencyEvidence: c('pricingCurrency'),
    chargeCategory: c('lineItemType'),
    chargeCategoryMap: CUR_CHARGE_CATEGORY,
    correctionTypes: CUR_CORRECTION_TYPES,
    // The converter prefers lineItem/NetUnblendedCost when present. We keep UnblendedCost: with
    // discount line items it already sums to the invoice, the net column exists only in some
    // exports (so BilledCost would change meaning with export settings), and the reconciliation
    // contract is "BilledCost per period = sum of lineItem/UnblendedCost".
    billedCost: col('unblendedCost'),
    // The converter's EffectiveCost CASE, entry by entry.
    effectiveCost: {
      byType: {
        SavingsPlanCoveredUsage: col('spEffectiveCost'),
        SavingsPlanRecurringFee: { sub: [one('spTotalCommitmentToDate'), one('spUsedCommitment')] },
        SavingsPlanNegation: { zero: true },
        SavingsPlanUpfrontFee: { zero: true },
        DiscountedUsage: col('riEffectiveCost'),
        RIFee: { add: [one('riUnusedAmortizedUpfront'), one('riUnusedRecurringFee')] },
        Fee: { zeroIfPresent: one('riArn'), otherwise: col('unblendedCost') },
      },
      default: col('unblendedCost'),
    },
    // pricing/publicOnDemandCost (AWS's own product of rate and amount); where it is empty, the
    // converter's rate x amount; where neither exists (credits, refunds), FOCUS says ListCost
    // "MUST match the BilledCost" for charges unrelated to list prices.
    listCost: [col('publicOnDemandCost'), { mul: [one('publicOnDemandRate'), one('usageAmount')] }, 'billed'],
    consumedQuantity: c('usageAmount'),
    quantityOnlyForUsage: true,
    text: {
      provider: [],
      billingAccountId: c('payerAccountId'),
      billingAccountName: c('payerAccountName'),
      subAccountId: c('usageAccountId'),
      subAccountName: c('usageAccountName'),
      // The product's name, as AWS's own FOCUS export shows it; the converter's lineItem/ProductCode last.
      serviceName: [...c('productName'), ...(snake ? [{ map: 'product', key: 'product_name' }] : []), ...c('productServiceName'), ...c('productCode')],
      serviceCategory: [], // the converter's lookup file is not part of the rules we hold
      regionId: [...c('region'), ...c('regionCode'), ...(snake ? [{ map: 'product', key: 'region' }] : [])],
      usageType: c('usageType'),
      resourceId: c('resourceId'),
      consumedUnit: c('pricingUnit'),
    },
    constants: { provider: 'AWS' },
    tagColumns: snake ? ['resource_tags'] : [],
    tagColumnPrefix: snake ? 'resource_tags_' : 'resourceTags/',
    tagKey: snake ? curSnakeKey : curLegacyKey,
  };
}

function curSnakeKey(k: string): string {
  if (k.startsWith('user_')) return k.slice(5);
  if (k.startsWith('aws_')) return `aws:${k.slice(4)}`;
  return k;
}

function curLegacyKey(k: string): string {
  return k.startsWith('user:') ? k.slice(5) : k;
}

export const CUR_LEGACY_RULES = curRules('cur-legacy');
export const CUR_SNAKE_RULES = curRules('cur-snake');

/** Columns only CUR 2.0 has (its map columns and added names); without them a snake-case CUR is legacy CUR's Parquet. */
export const CUR2_ONLY_COLUMNS: readonly string[] = [
  'resource_tags',
  'product',
  'cost_category',
  'discount',
  'bill_payer_account_name',
  'line_item_usage_account_name',
];

export const LEGACY_CUR_PREFIXES = ['identity/', 'bill/', 'lineItem/', 'product/', 'pricing/', 'reservation/', 'savingsPlan/', 'resourceTags/', 'costCategory/', 'discount/', 'splitLineItem/'];
export const SNAKE_CUR_PREFIXES = ['identity_', 'bill_', 'line_item_', 'product_', 'pricing_', 'reservation_', 'savings_plan_', 'resource_tags', 'cost_category', 'discount', 'split_line_item_'];

/** What each format's header must show, for the UNKNOWN_FORMAT message. */
export const SIGNATURES: Readonly<Record<string, string[]>> = {
  'FOCUS 1.x': ['BilledCost', 'EffectiveCost', 'BillingPeriodStart', 'ChargePeriodStart', 'ChargeCategory'],
  'AWS CUR 2.0': ['line_item_unblended_cost', 'line_item_usage_start_date', 'bill_billing_period_start_date', 'line_item_line_item_type'],
  'AWS legacy CUR': ['lineItem/UnblendedCost', 'lineItem/UsageStartDate', 'bill/BillingPeriodStartDate', 'lineItem/LineItemType'],
};
