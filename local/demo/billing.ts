/**
 * Deterministic FOCUS 1.2 billing export for the demo tenant "Demo Corp".
 *
 * Rows are generated lazily, day by day, so any size streams in bounded memory. Every amount is an
 * integer of 1e-10 USD (money.ts) and every random draw comes from a seeded counter-based hash
 * (prng.ts): the same options give byte-identical output, and the summary is exact.
 *
 * What the data holds: see local/demo/README.md.
 */
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { ANOMALY_SPECS, anomalyOnlyMeterKeys } from './anomalies.js';
import {
  buildCatalog,
  type Catalog,
  FLEET_ROWS_PER_MEMBER_PER_DAY,
  type MeterSpec,
  RDS_RI_RATE_PER_HOUR,
  RDS_RI_START_MONTHS_BEFORE_END,
  RDS_RI_TERM_DAYS,
  type ResourceSpec,
  SP_COMMITMENT_PER_HOUR,
  SP_RATE_PERMILLE,
  SP_START_MONTHS_BEFORE_END,
  type Tags,
} from './catalog.js';
import { type AccountKey, CURRENCY, DEMO_ACCOUNTS, DEMO_BILLING_ACCOUNT, DEMO_REGIONS, DEMO_SERVICES, PROVIDER, type ServiceKey } from './dimensions.js';
import { COLUMN_INDEX, DEMO_COLUMNS, type DemoColumn } from './focus-columns.js';
import { divRound, ExactSum, formatScaled, formatUnits, parseUnits, pow10, UNITS_PER_USD } from './money.js';
import { alnumFrom, hashString, hashUnit } from './prng.js';

export { DEMO_COLUMNS, FOCUS_VERSION } from './focus-columns.js';

/** The end date `npm start` uses: fixed, so the demo is the same on every machine. */
export const DEFAULT_END_DATE = '2026-10-31';
export const DEFAULT_MONTHS = 15;
export const DEFAULT_SEED = 20_251_031;
/** Sales tax on each account's monthly charges per service, in percent. */
export const TAX_RATE_PERCENT = 6;

export interface DemoBillingOptions {
  /** PRNG seed (default DEFAULT_SEED). Changes the daily noise, not the resources. */
  seed?: number;
  /** Last day of data, YYYY-MM-DD (inclusive). Required: "yesterday" would not be deterministic. */
  endDate: string;
  /** Calendar months of data, the last one ending at endDate (default 15). */
  months?: number;
  /** Approximate number of rows wanted: adds a batch fleet (2 rows per member per day) to reach it. */
  rowsTarget?: number;
  /** Inject the DEMO_ANOMALIES spikes (default true). */
  includeAnomalies?: boolean;
}

export interface DemoTotals {
  /** Exact decimal strings (up to 10 places), sums of the column over the rows. */
  billed: string;
  effective: string;
  list: string;
  contracted: string;
  rows: number;
}

export interface DemoSummary {
  /** False until the rows have been iterated to the end. */
  complete: boolean;
  seed: number;
  startDate: string;
  endDate: string;
  months: number;
  days: number;
  currency: 'USD';
  rowCount: number;
  total: DemoTotals;
  /** By billing period (BillingPeriodStart's YYYY-MM). */
  byMonth: Record<string, DemoTotals>;
  /** By ChargePeriodStart's date (monthly charges land on their period's first day). */
  byDay: Record<string, DemoTotals>;
  /** By ServiceName. */
  byService: Record<string, DemoTotals>;
  /** By SubAccountId. */
  byAccount: Record<string, DemoTotals>;
  byChargeCategory: Record<string, DemoTotals>;
}

export interface DemoBilling {
  header: readonly string[];
  /** Lazily generated rows (FOCUS values; empty string = null). Each iteration regenerates them. */
  rows: Iterable<string[]>;
  /** Filled in (exactly) when an iteration of `rows` completes. */
  summary: DemoSummary;
  window: DemoWindow;
  /** Members of the batch fleet added for rowsTarget. */
  fleetSize: number;
}

export interface DemoWindow {
  startDate: string;
  endDate: string;
  months: number;
  days: number;
}

// ---------------------------------------------------------------------------------------------
// calendar

const DAY_MS = 86_400_000;

interface MonthInfo {
  idx: number;
  key: string;
  start: string;
  end: string;
  daysInMonth: number;
  /** Months before the end date's month (0 = the last month). */
  monthsBeforeEnd: number;
  firstDay: number;
  lastDay: number;
  /** The window holds the whole month (so its invoice is issued and its tax charged). */
  complete: boolean;
  invoiceId: string;
}

interface DayInfo {
  idx: number;
  epochDay: number;
  date: string;
  start: string;
  end: string;
  /** 0 = Sunday ... 6 = Saturday. */
  weekday: number;
  daysAgo: number;
  month: MonthInfo;
}

interface Window {
  days: DayInfo[];
  months: MonthInfo[];
  endEpoch: number;
  startEpoch: number;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function epochDayOf(date: string): number {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`expected a YYYY-MM-DD date, got ${JSON.stringify(date)}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (isoDate(ms / DAY_MS) !== date) throw new RangeError(`not a calendar date: ${date}`);
  return ms / DAY_MS;
}

function isoDate(epochDay: number): string {
  return new Date(epochDay * DAY_MS).toISOString().slice(0, 10);
}

const stamp = (epochDay: number) => `${isoDate(epochDay)}T00:00:00Z`;

function monthStartEpoch(year: number, month0: number): number {
  return Date.UTC(year, month0, 1) / DAY_MS;
}

function resolveWindow(endDate: string, months: number): Window {
  if (!Number.isInteger(months) || months < 1 || months > 120) throw new RangeError(`months must be an integer from 1 to 120, got ${months}`);
  const endEpoch = epochDayOf(endDate);
  const end = new Date(endEpoch * DAY_MS);
  const endYear = end.getUTCFullYear();
  const endMonth = end.getUTCMonth();
  const startEpoch = monthStartEpoch(endYear, endMonth - (months - 1));
  const monthInfos: MonthInfo[] = [];
  for (let i = 0; i < months; i++) {
    const first = monthStartEpoch(endYear, endMonth - (months - 1) + i);
    const next = monthStartEpoch(endYear, endMonth - (months - 1) + i + 1);
    const key = isoDate(first).slice(0, 7);
    monthInfos.push({
      idx: i,
      key,
      start: stamp(first),
      end: stamp(next),
      daysInMonth: next - first,
      monthsBeforeEnd: months - 1 - i,
      firstDay: first - startEpoch,
      lastDay: Math.min(next, endEpoch + 1) - 1 - startEpoch,
      complete: next - 1 <= endEpoch,
      invoiceId: String(1_000_000_000 + (hashString(`invoice/${DEMO_BILLING_ACCOUNT.id}/${key}`) % 8_999_999_999)),
    });
  }
  const days: DayInfo[] = [];
  for (let e = startEpoch, m = 0; e <= endEpoch; e++) {
    while (e > monthInfos[m]!.lastDay + startEpoch) m++;
    days.push({
      idx: e - startEpoch,
      epochDay: e,
      date: isoDate(e),
      start: stamp(e),
      end: stamp(e + 1),
      weekday: (((e + 4) % 7) + 7) % 7,
      daysAgo: endEpoch - e,
      month: monthInfos[m]!,
    });
  }
  return { days, months: monthInfos, endEpoch, startEpoch };
}

/** First day (epoch) of the month `monthsBefore` months before the end date's month. */
function monthsBeforeEndEpoch(endEpoch: number, monthsBefore: number): number {
  const end = new Date(endEpoch * DAY_MS);
  return monthStartEpoch(end.getUTCFullYear(), end.getUTCMonth() - monthsBefore);
}

// ---------------------------------------------------------------------------------------------
// row templates

interface Template {
  fields: string[];
  /** The static CSV text around the DYNAMIC columns: line = seg0 + v0 + seg1 + v1 + ... + segN. */
  segments: string[];
  /** The template's own (escaped) values of the dynamic columns, used when a row leaves one unset. */
  dynamicDefaults: string[];
}

const I = COLUMN_INDEX;
const NEEDS_QUOTE = /[",\r\n]/;

/** Columns whose values come from each row rather than its template. Their values never need CSV quoting. */
const DYNAMIC = [
  'BillingPeriodStart',
  'BillingPeriodEnd',
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'BilledCost',
  'EffectiveCost',
  'ListCost',
  'ContractedCost',
  'PricingCategory',
  'PricingQuantity',
  'ListUnitPrice',
  'ContractedUnitPrice',
  'ConsumedQuantity',
  'InvoiceId',
  'CommitmentDiscountId',
  'CommitmentDiscountName',
  'CommitmentDiscountCategory',
  'CommitmentDiscountType',
  'CommitmentDiscountStatus',
  'CommitmentDiscountQuantity',
  'CommitmentDiscountUnit',
] as const satisfies readonly DemoColumn[];
const D = Object.fromEntries(DYNAMIC.map((c, k) => [c, k])) as Record<(typeof DYNAMIC)[number], number>;
const DYNAMIC_INDEX = DYNAMIC.map((c) => I[c]);

const escapeCsv = (v: string) => (NEEDS_QUOTE.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

function makeTemplate(values: Partial<Record<DemoColumn, string>>): Template {
  const fields = new Array<string>(DEMO_COLUMNS.length).fill('');
  const base: Partial<Record<DemoColumn, string>> = {
    BillingAccountId: DEMO_BILLING_ACCOUNT.id,
    BillingAccountName: DEMO_BILLING_ACCOUNT.name,
    BillingAccountType: DEMO_BILLING_ACCOUNT.type,
    BillingCurrency: CURRENCY,
    ProviderName: PROVIDER,
    PublisherName: PROVIDER,
    InvoiceIssuerName: PROVIDER,
    ServiceProviderName: PROVIDER,
    HostProviderName: PROVIDER,
  };
  for (const [column, value] of Object.entries({ ...base, ...values })) fields[I[column as DemoColumn]] = value ?? '';
  const escaped = fields.map(escapeCsv);
  const marker = '\u0000';
  const segments = escaped.map((v, i) => (DYNAMIC_INDEX.includes(i) ? marker : v)).join(',').split(marker);
  return { fields, segments, dynamicDefaults: DYNAMIC_INDEX.map((i) => escaped[i]!) };
}

function accountColumns(key: AccountKey): Partial<Record<DemoColumn, string>> {
  const account = DEMO_ACCOUNTS[key];
  return { SubAccountId: account.id, SubAccountName: account.name, SubAccountType: account.type };
}

function serviceColumns(key: ServiceKey): Partial<Record<DemoColumn, string>> {
  const service = DEMO_SERVICES[key];
  return { ServiceName: service.name, ServiceCategory: service.category, ServiceSubcategory: service.subcategory, x_ServiceCode: service.code };
}

function tagsJson(tags: Tags | null): string {
  return tags && Object.keys(tags).length > 0 ? JSON.stringify(tags) : '';
}

const ON_DEMAND_TERM = 'JRTCKXETXF.6YS6EN2CT7';

function skuOf(serviceCode: string, usageType: string, operation: string): string {
  return alnumFrom(`sku/${serviceCode}/${usageType}/${operation}`, 16);
}

function meterTemplate(m: MeterSpec): Template {
  const region = m.region ? DEMO_REGIONS[m.region] : null;
  const service = DEMO_SERVICES[m.service];
  const sku = skuOf(service.code, m.usageType, m.operation);
  const resource = m.resource;
  const instanceType = resource?.kind === 'ec2-instance' ? resource.size : null;
  return makeTemplate({
    ...accountColumns(m.account),
    ...serviceColumns(m.service),
    ChargeCategory: 'Usage',
    ChargeDescription: m.description,
    ChargeFrequency: 'Usage-Based',
    PricingUnit: m.pricingUnit,
    ListUnitPrice: formatUnits(m.listPrice),
    ContractedUnitPrice: formatUnits(m.contractedPrice),
    ConsumedUnit: m.consumedUnit,
    RegionId: region?.id ?? '',
    RegionName: region?.name ?? '',
    AvailabilityZone: m.availabilityZone ?? '',
    ResourceId: resource?.id ?? '',
    ResourceName: resource?.name ?? '',
    ResourceType: resource?.resourceType ?? '',
    SkuId: sku,
    SkuMeter: m.skuMeter,
    SkuPriceId: `${sku}.${ON_DEMAND_TERM}`,
    SkuPriceDetails: instanceType
      ? JSON.stringify({ InstanceType: instanceType, InstanceSeries: instanceType.split('.')[0]!.toUpperCase(), OperatingSystem: 'Linux' })
      : '',
    Tags: tagsJson(m.tags),
    x_UsageType: m.usageType,
    x_Operation: m.operation,
  });
}

// ---------------------------------------------------------------------------------------------
// the plan: the catalog resolved against a window

interface MeterPlan {
  spec: MeterSpec;
  t: Template;
  firstDay: number;
  lastDay: number;
  scale: number;
  /** Price per quantity step (10^-decimals of the unit), in units: price x quantity stays integer. */
  listStep: number;
  contractedStep: number;
  commitStep: number;
  serviceIdx: number;
  accountIdx: number;
  /** Extra quantity (in steps) by epoch day: injected spikes. */
  spikes: Map<number, number> | null;
}

interface Commitment {
  t: Template;
  id: string;
  name: string;
  category: 'Spend' | 'Usage';
  type: string;
}

interface Context {
  seed: number;
  window: Window;
  plans: MeterPlan[];
  catalog: Catalog;
  spStart: number;
  riStart: number;
  savingsPlan: Commitment;
  rdsRi: Commitment;
  templates: SpecialTemplates;
  fleetSize: number;
}

interface SpecialTemplates {
  spPurchase: Template;
  spUnused: Template;
  riPurchase: Template;
  support: Template;
  mapCredit: Template;
  slaCredit: Template;
  correction: Template;
  tax: Map<string, Template>;
}

const SERVICE_KEYS = Object.keys(DEMO_SERVICES) as ServiceKey[];
const ACCOUNT_KEYS = Object.keys(DEMO_ACCOUNTS) as AccountKey[];
const CHARGE_CATEGORIES = ['Usage', 'Purchase', 'Tax', 'Credit', 'Adjustment'] as const;

let baseCatalog: Catalog | undefined;

function catalogFor(fleetSize: number): Catalog {
  if (fleetSize === 0) return (baseCatalog ??= buildCatalog(0));
  return buildCatalog(fleetSize);
}

function buildContext(options: DemoBillingOptions, fleetSize: number): Context {
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (typeof options.endDate !== 'string') throw new RangeError('endDate (YYYY-MM-DD) is required: pass DEFAULT_END_DATE for the standard demo');
  const window = resolveWindow(options.endDate, options.months ?? DEFAULT_MONTHS);
  const catalog = catalogFor(fleetSize);
  const includeAnomalies = options.includeAnomalies ?? true;
  const anomalyOnly = anomalyOnlyMeterKeys();
  const n = window.days.length;

  const spikes = new Map<string, Map<number, number>>();
  if (includeAnomalies) {
    for (const spec of ANOMALY_SPECS) {
      if (spec.kind !== 'extra-quantity') continue;
      for (const key of spec.meterKeys) {
        const meter = catalog.meters.find((m) => m.key === key);
        if (!meter) throw new Error(`anomaly ${spec.id}: no meter ${key}`);
        const steps = extraSteps(meter, spec.extraUsdPerDay!);
        const byDay = spikes.get(key) ?? new Map<number, number>();
        for (let k = 0; k < spec.days; k++) byDay.set(window.endEpoch - spec.daysAgo + k, steps);
        spikes.set(key, byDay);
      }
    }
  }

  const plans: MeterPlan[] = [];
  for (const spec of catalog.meters) {
    if (!includeAnomalies && anomalyOnly.has(spec.key)) continue;
    const firstDay = spec.sinceDaysAgo === null ? 0 : Math.max(0, n - 1 - spec.sinceDaysAgo);
    const lastDay = spec.untilDaysAgo === null ? n - 1 : n - 2 - spec.untilDaysAgo;
    if (firstDay > lastDay) continue;
    const scale = pow10(spec.quantityDecimals);
    const commitRate =
      spec.commitment === 'savings-plan' ? (spec.listPrice * SP_RATE_PERMILLE) / 1000 : spec.commitment === 'rds-ri' ? RDS_RI_RATE_PER_HOUR : 0;
    const step = (price: number) => {
      const s = price / scale;
      if (!Number.isInteger(s)) throw new Error(`${spec.key}: price ${price} is not a multiple of 10^${spec.quantityDecimals}`);
      return s;
    };
    plans.push({
      spec,
      t: meterTemplate(spec),
      firstDay,
      lastDay,
      scale,
      listStep: step(spec.listPrice),
      contractedStep: step(spec.contractedPrice),
      commitStep: step(commitRate),
      serviceIdx: SERVICE_KEYS.indexOf(spec.service),
      accountIdx: ACCOUNT_KEYS.indexOf(spec.account),
      spikes: spikes.get(spec.key) ?? null,
    });
  }

  const sp = catalog.savingsPlan;
  const ri = catalog.rdsReservedInstance;
  const savingsPlan: Commitment = { t: makeTemplate({}), id: sp.id, name: 'Compute Savings Plan 1yr No Upfront', category: 'Spend', type: 'Compute Savings Plan' };
  const rdsRi: Commitment = { t: makeTemplate({}), id: ri.id, name: 'RDS RI db.r6g.xlarge Multi-AZ MySQL 1yr All Upfront', category: 'Usage', type: 'Reserved Instance' };
  return {
    seed,
    window,
    plans,
    catalog,
    spStart: monthsBeforeEndEpoch(window.endEpoch, SP_START_MONTHS_BEFORE_END),
    riStart: monthsBeforeEndEpoch(window.endEpoch, RDS_RI_START_MONTHS_BEFORE_END),
    savingsPlan,
    rdsRi,
    templates: specialTemplates(catalog, savingsPlan, rdsRi),
    fleetSize,
  };
}

/** Quantity steps whose list cost is (as close as the meter's precision allows to) `usd`. */
function extraSteps(meter: MeterSpec, usd: string): number {
  const units = parseUnits(usd);
  const stepPrice = BigInt(meter.listPrice / pow10(meter.quantityDecimals));
  return Number(divRound(units, stepPrice));
}

function specialTemplates(catalog: Catalog, savingsPlan: Commitment, rdsRi: Commitment): SpecialTemplates {
  const spSku = skuOf('ComputeSavingsPlans', 'ComputeSP:1yrNoUpfront', '');
  const commitmentColumns = (c: Commitment) => ({
    CommitmentDiscountId: c.id,
    CommitmentDiscountName: c.name,
    CommitmentDiscountCategory: c.category,
    CommitmentDiscountType: c.type,
  });
  const spResource = { ResourceId: catalog.savingsPlan.id, ResourceName: catalog.savingsPlan.name, ResourceType: catalog.savingsPlan.resourceType };
  const spPurchase = makeTemplate({
    ...accountColumns('management'),
    ...serviceColumns('savingsplans'),
    ...spResource,
    ...commitmentColumns(savingsPlan),
    ChargeCategory: 'Purchase',
    ChargeFrequency: 'Recurring',
    ChargeDescription: `1 year No Upfront Compute Savings Plan with ${formatUnits(SP_COMMITMENT_PER_HOUR)} USD hourly commitment`,
    PricingCategory: 'Standard',
    PricingUnit: 'Hours',
    ListUnitPrice: formatUnits(SP_COMMITMENT_PER_HOUR),
    ContractedUnitPrice: formatUnits(SP_COMMITMENT_PER_HOUR),
    CommitmentDiscountUnit: 'USD',
    SkuId: spSku,
    SkuMeter: 'Savings Plan',
    SkuPriceId: `${spSku}.${ON_DEMAND_TERM}`,
    x_UsageType: 'ComputeSP:1yrNoUpfront',
    x_Operation: '',
  });
  const spUnused = makeTemplate({
    ...accountColumns('management'),
    ...serviceColumns('savingsplans'),
    ...spResource,
    ...commitmentColumns(savingsPlan),
    ChargeCategory: 'Usage',
    ChargeFrequency: 'Usage-Based',
    ChargeDescription: 'Unused Savings Plan commitment',
    PricingCategory: 'Committed',
    PricingUnit: 'USD',
    ListUnitPrice: '0',
    ContractedUnitPrice: '0',
    CommitmentDiscountStatus: 'Unused',
    CommitmentDiscountUnit: 'USD',
    SkuId: spSku,
    SkuMeter: 'Savings Plan',
    SkuPriceId: `${spSku}.${ON_DEMAND_TERM}`,
    x_UsageType: 'ComputeSP:1yrNoUpfront',
    x_Operation: 'UnusedCommitment',
  });
  const ri = catalog.rdsReservedInstance;
  const riSku = skuOf('AmazonRDS', 'USE1-HeavyUsage:db.r6g.xl', 'CreateDBInstance:0002');
  const riPurchase = makeTemplate({
    ...accountColumns(ri.account),
    ...serviceColumns('rds'),
    ...commitmentColumns(rdsRi),
    ResourceId: ri.id,
    ResourceName: ri.name,
    ResourceType: ri.resourceType,
    RegionId: 'us-east-1',
    RegionName: DEMO_REGIONS['us-east-1'].name,
    ChargeCategory: 'Purchase',
    ChargeFrequency: 'One-Time',
    ChargeDescription: 'Upfront fee for 1 year All Upfront Reserved Instance db.r6g.xlarge Multi-AZ MySQL',
    PricingCategory: 'Standard',
    PricingUnit: 'Hours',
    ListUnitPrice: formatUnits(RDS_RI_RATE_PER_HOUR),
    ContractedUnitPrice: formatUnits(RDS_RI_RATE_PER_HOUR),
    CommitmentDiscountUnit: 'Hours',
    SkuId: riSku,
    SkuMeter: 'Reserved Instance',
    SkuPriceId: `${riSku}.6QCMYABX3D.NQ3QZPMQV9`,
    Tags: tagsJson(ri.tags),
    x_UsageType: 'USE1-HeavyUsage:db.r6g.xl',
    x_Operation: 'CreateDBInstance:0002',
  });
  const supportSku = skuOf('AWSSupportBusiness', 'Dollar', '');
  const support = makeTemplate({
    ...accountColumns('management'),
    ...serviceColumns('support'),
    ChargeCategory: 'Purchase',
    ChargeFrequency: 'Recurring',
    ChargeDescription: "AWS Support (Business): the greater of $100 or 10%/7%/5%/3% tiers of the previous month's AWS charges",
    PricingCategory: 'Standard',
    PricingUnit: 'Months',
    SkuId: supportSku,
    SkuMeter: 'Support',
    SkuPriceId: `${supportSku}.${ON_DEMAND_TERM}`,
    x_UsageType: 'Dollar',
    x_Operation: '',
  });
  const mapCredit = makeTemplate({
    ...accountColumns('data'),
    ...serviceColumns('redshift'),
    RegionId: 'us-west-2',
    RegionName: DEMO_REGIONS['us-west-2'].name,
    ChargeCategory: 'Credit',
    ChargeFrequency: 'Usage-Based',
    ChargeDescription: 'AWS Migration Acceleration Program credit: 15% of Amazon Redshift usage',
    x_UsageType: 'USW2-Node:ra3.xlplus',
    x_Operation: 'Credit',
  });
  const slaCredit = makeTemplate({
    ...accountColumns('prod'),
    ...serviceColumns('ec2'),
    RegionId: 'us-east-1',
    RegionName: DEMO_REGIONS['us-east-1'].name,
    ChargeCategory: 'Credit',
    ChargeFrequency: 'One-Time',
    ChargeDescription: 'Amazon EC2 Service Level Agreement credit',
    x_Operation: 'Credit',
  });
  const bucket = catalog.resources.find((r) => r.id === 'demo-corp-data-lake-raw')!;
  const storageSku = skuOf('AmazonS3', 'USW2-TimedStorage-ByteHrs', 'StandardStorage');
  const correction = makeTemplate({
    ...accountColumns('data'),
    ...serviceColumns('s3'),
    RegionId: 'us-west-2',
    RegionName: DEMO_REGIONS['us-west-2'].name,
    ResourceId: bucket.id,
    ResourceName: bucket.name,
    ResourceType: bucket.resourceType,
    ChargeCategory: 'Usage',
    ChargeClass: 'Correction',
    ChargeFrequency: 'Usage-Based',
    ChargeDescription: 'Correction: S3 storage re-rated for a previous billing period',
    PricingCategory: 'Standard',
    SkuId: storageSku,
    SkuMeter: 'Storage',
    SkuPriceId: `${storageSku}.${ON_DEMAND_TERM}`,
    Tags: tagsJson(bucket.tags),
    x_UsageType: 'USW2-TimedStorage-ByteHrs',
    x_Operation: 'StandardStorage',
  });
  const tax = new Map<string, Template>();
  for (const account of ACCOUNT_KEYS) {
    for (const service of SERVICE_KEYS) {
      tax.set(
        `${account}/${service}`,
        makeTemplate({
          ...accountColumns(account),
          ...serviceColumns(service),
          ChargeCategory: 'Tax',
          ChargeFrequency: 'Recurring',
          ChargeDescription: `Tax for product code ${DEMO_SERVICES[service].code}`,
          x_Operation: '',
        }),
      );
    }
  }
  return { spPurchase, spUnused, riPurchase, support, mapCredit, slaCredit, correction, tax };
}

// ---------------------------------------------------------------------------------------------
// the generator core

/** One generated row: numbers and a template; turned into fields only when asked. */
interface Row {
  t: Template;
  billingMonth: MonthInfo;
  chargeStart: string;
  chargeEnd: string;
  /** Window day index of ChargePeriodStart. */
  dayIdx: number;
  billed: number;
  effective: number;
  list: number;
  contracted: number;
  category: (typeof CHARGE_CATEGORIES)[number];
  serviceIdx: number;
  accountIdx: number;
  /** PricingQuantity in 10^-decimals steps, or null. */
  quantity: number | null;
  decimals: number;
  consumed: boolean;
  pricingCategory: '' | 'Standard' | 'Committed' | 'Dynamic';
  contractedUnitPrice: number | null;
  listUnitPrice: number | null;
  commitment: Commitment | null;
  commitmentStatus: '' | 'Used' | 'Unused';
  /** CommitmentDiscountQuantity (units of 1e-10 for USD, steps for hours). */
  commitmentQuantity: string;
}

const WEEKDAY_SHAPE = [1, 1, 1.03, 1.04, 1.02, 0.96, 1];

/** Daily quantity of a meter, in steps of 10^-decimals. */
function quantitySteps(seed: number, plan: MeterPlan, day: DayInfo): number {
  const q = plan.spec.quantity;
  switch (q.kind) {
    case 'hours':
      return q.hours * plan.scale;
    case 'monthly': {
      const level = q.perMonth / (1 + (q.growth * day.daysAgo) / 30);
      return Math.max(1, Math.round((level / day.month.daysInMonth) * plan.scale));
    }
    case 'usage': {
      const id = plan.spec.noiseId;
      const u = hashUnit(seed, id, day.epochDay, 0) + hashUnit(seed, id, day.epochDay, 1) + hashUnit(seed, id, day.epochDay, 2);
      const noise = 1 + (q.noise * (u - 1.5)) / 0.5;
      const weekly = day.weekday === 0 || day.weekday === 6 ? q.weekend : q.weekend < 1 ? WEEKDAY_SHAPE[day.weekday]! : 1;
      const level = q.perDay / (1 + (q.growth * day.daysAgo) / 30);
      return Math.max(1, Math.round(level * weekly * Math.max(0.05, noise) * plan.scale));
    }
  }
}

/** `percent`% of an amount in units, rounded half away from zero to the cent. */
function percentInCents(units: bigint, percent: bigint): number {
  return Number(divRound(units * percent, 100n * 100_000_000n)) * 100_000_000;
}

/** AWS Business support: the greater of $100 or 10% / 7% / 5% / 3% of the month's charges in tiers. */
function businessSupportFee(baseUnits: bigint): number {
  const usd = (n: number) => BigInt(n) * BigInt(UNITS_PER_USD);
  const tiers: Array<[from: bigint, to: bigint | null, percent: bigint]> = [
    [0n, usd(10_000), 10n],
    [usd(10_000), usd(80_000), 7n],
    [usd(80_000), usd(250_000), 5n],
    [usd(250_000), null, 3n],
  ];
  let feeTimes100 = 0n;
  for (const [from, to, percent] of tiers) {
    if (baseUnits <= from) break;
    const top = to === null || baseUnits < to ? baseUnits : to;
    feeTimes100 += (top - from) * percent;
  }
  return Math.max(percentInCents(feeTimes100, 1n), 100 * UNITS_PER_USD);
}

const SLA_CREDIT_DAYS_AGO = 300;
const SLA_CREDIT = -250 * UNITS_PER_USD;
const CORRECTION_DAYS_AGO = 100;
const CORRECTION = -Number(parseUnits('37.42'));
/** MAP credits run for the months this many months before the end month (inclusive range). */
const MAP_CREDIT_MONTHS = [11, 14] as const;

function* core(ctx: Context): Generator<Row> {
  const { seed, window, plans, templates } = ctx;
  const n = window.days.length;
  const redshiftIdx = SERVICE_KEYS.indexOf('redshift');
  const dataIdx = ACCOUNT_KEYS.indexOf('data');
  const spDaily = SP_COMMITMENT_PER_HOUR * 24;
  // Per month: billed Usage and the Savings Plan fee (support's base), and per account x service sums (tax's base).
  const usageBilled: bigint[] = window.months.map(() => 0n);
  const recurringBilled: bigint[] = window.months.map(() => 0n);
  const taxBase = new Map<string, { billed: ExactSum; effective: ExactSum; list: ExactSum; contracted: ExactSum }>();
  const serviceCount = SERVICE_KEYS.length;
  const svc = (key: ServiceKey) => SERVICE_KEYS.indexOf(key);
  const acc = (key: AccountKey) => ACCOUNT_KEYS.indexOf(key);

  const track = (row: Row) => {
    if (row.category !== 'Tax') {
      const key = row.accountIdx * serviceCount + row.serviceIdx;
      const mapKey = `${row.billingMonth.idx}/${key}`;
      let sums = taxBase.get(mapKey);
      if (!sums) taxBase.set(mapKey, (sums = { billed: new ExactSum(), effective: new ExactSum(), list: new ExactSum(), contracted: new ExactSum() }));
      sums.billed.add(row.billed);
      sums.effective.add(row.effective);
      sums.list.add(row.list);
      sums.contracted.add(row.contracted);
    }
    if (row.category === 'Usage') usageBilled[row.billingMonth.idx]! += BigInt(row.billed);
    else if (row.t === templates.spPurchase) recurringBilled[row.billingMonth.idx]! += BigInt(row.billed);
  };

  const simple = (t: Template, day: DayInfo, category: Row['category'], serviceIdx: number, accountIdx: number, amount: number): Row => ({
    t,
    billingMonth: day.month,
    chargeStart: day.start,
    chargeEnd: day.end,
    dayIdx: day.idx,
    billed: amount,
    effective: amount,
    list: amount,
    contracted: amount,
    category,
    serviceIdx,
    accountIdx,
    quantity: null,
    decimals: 0,
    consumed: false,
    pricingCategory: '',
    contractedUnitPrice: null,
    listUnitPrice: null,
    commitment: null,
    commitmentStatus: '',
    commitmentQuantity: '',
  });

  for (let d = 0; d < n; d++) {
    const day = window.days[d]!;
    const weekend = day.weekday === 0 || day.weekday === 6;
    const spActive = day.epochDay >= ctx.spStart;
    const riActive = day.epochDay >= ctx.riStart;
    let spUsed = 0;
    let redshiftBilled = 0;

    for (const p of plans) {
      if (d < p.firstDay || d > p.lastDay) continue;
      const spec = p.spec;
      if (spec.weekdaysOnly && weekend) continue;
      let steps = quantitySteps(seed, p, day);
      if (p.spikes) steps += p.spikes.get(day.epochDay) ?? 0;
      const list = p.listStep * steps;
      let contracted = p.contractedStep * steps;
      let billed = contracted;
      let effective = contracted;
      let pricingCategory: Row['pricingCategory'] = 'Standard';
      let commitment: Commitment | null = null;
      let commitmentQuantity = '';
      let contractedUnitPrice = spec.contractedPrice;
      if (spec.spotPermille !== null) {
        // Spot prices move daily around their average discount; kept to 4 decimals.
        const f = 0.9 + 0.2 * hashUnit(seed, spec.noiseId, day.epochDay, 7);
        const spot = Math.round((spec.listPrice * spec.spotPermille * f) / 1000 / 1_000_000) * 1_000_000;
        contractedUnitPrice = spot;
        contracted = billed = effective = spot * steps;
        pricingCategory = 'Dynamic';
      } else if ((spec.commitment === 'savings-plan' && spActive) || (spec.commitment === 'rds-ri' && riActive)) {
        const isSp = spec.commitment === 'savings-plan';
        effective = p.commitStep * steps;
        billed = 0;
        pricingCategory = 'Committed';
        commitment = isSp ? ctx.savingsPlan : ctx.rdsRi;
        if (isSp) {
          spUsed += effective;
          commitmentQuantity = formatUnits(effective);
        } else {
          commitmentQuantity = formatScaled(steps, spec.quantityDecimals);
        }
      }
      if (p.serviceIdx === redshiftIdx && p.accountIdx === dataIdx) redshiftBilled += billed;
      const row: Row = {
        t: p.t,
        billingMonth: day.month,
        chargeStart: day.start,
        chargeEnd: day.end,
        dayIdx: d,
        billed,
        effective,
        list,
        contracted,
        category: 'Usage',
        serviceIdx: p.serviceIdx,
        accountIdx: p.accountIdx,
        quantity: steps,
        decimals: spec.quantityDecimals,
        consumed: true,
        pricingCategory,
        contractedUnitPrice,
        listUnitPrice: spec.listPrice,
        commitment,
        commitmentStatus: commitment ? 'Used' : '',
        commitmentQuantity,
      };
      track(row);
      yield row;
    }

    // The Savings Plan's unused commitment for the day.
    if (spActive) {
      const unused = spDaily - spUsed;
      if (unused < 0) throw new Error(`Savings Plan over-applied on ${day.date}`);
      const row: Row = {
        ...simple(templates.spUnused, day, 'Usage', svc('savingsplans'), acc('management'), 0),
        effective: unused,
        list: 0,
        contracted: 0,
        quantity: unused,
        decimals: 10,
        pricingCategory: 'Committed',
        listUnitPrice: 0,
        contractedUnitPrice: 0,
        commitment: ctx.savingsPlan,
        commitmentStatus: 'Unused',
        commitmentQuantity: formatUnits(unused),
      };
      track(row);
      yield row;
    }

    // Migration credits on Redshift in the first months of the window.
    const monthsBefore = day.month.monthsBeforeEnd;
    if (monthsBefore >= MAP_CREDIT_MONTHS[0] && monthsBefore <= MAP_CREDIT_MONTHS[1] && redshiftBilled > 0) {
      const credit = -percentInCents(BigInt(redshiftBilled), 15n);
      const row = simple(templates.mapCredit, day, 'Credit', redshiftIdx, dataIdx, credit);
      track(row);
      yield row;
    }
    if (day.daysAgo === SLA_CREDIT_DAYS_AGO) {
      const row = simple(templates.slaCredit, day, 'Credit', svc('ec2'), acc('prod'), SLA_CREDIT);
      track(row);
      yield row;
    }
    if (day.daysAgo === CORRECTION_DAYS_AGO) {
      const corrected = day.epochDay - (d - day.month.firstDay) - 10;
      if (corrected >= window.startEpoch) {
        const row: Row = {
          ...simple(templates.correction, day, 'Usage', svc('s3'), acc('data'), CORRECTION),
          chargeStart: stamp(corrected),
          chargeEnd: stamp(corrected + 1),
          dayIdx: corrected - window.startEpoch,
          pricingCategory: 'Standard',
        };
        track(row);
        yield row;
      }
    }

    // Month-start charges: the Savings Plan's monthly fee and Business support.
    if (d === day.month.firstDay) {
      const month = day.month;
      const monthDay = { ...day, start: month.start, end: month.end };
      if (spActive) {
        const hours = month.daysInMonth * 24;
        const fee = SP_COMMITMENT_PER_HOUR * hours;
        const row: Row = {
          ...simple(templates.spPurchase, monthDay, 'Purchase', svc('savingsplans'), acc('management'), fee),
          effective: 0,
          quantity: hours,
          decimals: 0,
          pricingCategory: 'Standard',
          listUnitPrice: SP_COMMITMENT_PER_HOUR,
          contractedUnitPrice: SP_COMMITMENT_PER_HOUR,
          commitment: ctx.savingsPlan,
          commitmentQuantity: formatUnits(fee),
        };
        track(row);
        yield row;
      }
      // Support is charged on the first of the month on the previous month's charges; the window's
      // first month has no previous month in the file, so it estimates from its first day.
      const base =
        month.idx > 0
          ? usageBilled[month.idx - 1]! + recurringBilled[month.idx - 1]!
          : usageBilled[0]! * BigInt(month.daysInMonth) + recurringBilled[0]!;
      const fee = businessSupportFee(base);
      const row: Row = {
        ...simple(templates.support, monthDay, 'Purchase', svc('support'), acc('management'), fee),
        quantity: 1,
        decimals: 0,
        pricingCategory: 'Standard',
        listUnitPrice: fee,
        contractedUnitPrice: fee,
      };
      track(row);
      yield row;
    }

    // The RDS Reserved Instance's upfront fee, on each purchase (and renewal) day.
    if (day.epochDay >= ctx.riStart && (day.epochDay - ctx.riStart) % RDS_RI_TERM_DAYS === 0) {
      const hours = RDS_RI_TERM_DAYS * 24;
      const fee = RDS_RI_RATE_PER_HOUR * hours;
      const row: Row = {
        ...simple(templates.riPurchase, { ...day, end: stamp(day.epochDay + RDS_RI_TERM_DAYS) }, 'Purchase', svc('rds'), acc('prod'), fee),
        effective: 0,
        quantity: hours,
        decimals: 0,
        pricingCategory: 'Standard',
        listUnitPrice: RDS_RI_RATE_PER_HOUR,
        contractedUnitPrice: RDS_RI_RATE_PER_HOUR,
        commitment: ctx.rdsRi,
        commitmentQuantity: String(hours),
      };
      track(row);
      yield row;
    }

    // Month end: tax per account and service, for months the window holds entirely.
    if (d === day.month.lastDay && day.month.complete) {
      const month = day.month;
      const monthDay = { ...day, idx: month.firstDay, start: month.start, end: month.end };
      for (let a = 0; a < ACCOUNT_KEYS.length; a++) {
        for (let s = 0; s < serviceCount; s++) {
          const sums = taxBase.get(`${month.idx}/${a * serviceCount + s}`);
          if (!sums) continue;
          const billed = sums.billed.value();
          if (billed <= 0n) continue;
          const rate = (v: bigint) => percentInCents(v, BigInt(TAX_RATE_PERCENT));
          const row: Row = {
            ...simple(templates.tax.get(`${ACCOUNT_KEYS[a]}/${SERVICE_KEYS[s]}`)!, monthDay, 'Tax', s, a, rate(billed)),
            dayIdx: month.firstDay,
            effective: rate(sums.effective.value()),
            list: rate(sums.list.value()),
            contracted: rate(sums.contracted.value()),
          };
          yield row;
        }
      }
      for (const key of [...taxBase.keys()]) if (key.startsWith(`${month.idx}/`)) taxBase.delete(key);
    }
  }
}

/** The row's values of the DYNAMIC columns (undefined: keep the template's). */
function dynamicValues(row: Row): Array<string | undefined> {
  const v = new Array<string | undefined>(DYNAMIC.length);
  v[D.BillingPeriodStart] = row.billingMonth.start;
  v[D.BillingPeriodEnd] = row.billingMonth.end;
  v[D.ChargePeriodStart] = row.chargeStart;
  v[D.ChargePeriodEnd] = row.chargeEnd;
  v[D.BilledCost] = formatUnits(row.billed);
  v[D.EffectiveCost] = formatUnits(row.effective);
  v[D.ListCost] = formatUnits(row.list);
  v[D.ContractedCost] = formatUnits(row.contracted);
  if (row.billingMonth.complete) v[D.InvoiceId] = row.billingMonth.invoiceId;
  if (row.quantity !== null) {
    const q = formatScaled(row.quantity, row.decimals);
    v[D.PricingQuantity] = q;
    if (row.consumed) v[D.ConsumedQuantity] = q;
  }
  if (row.pricingCategory) v[D.PricingCategory] = row.pricingCategory;
  if (row.listUnitPrice !== null) v[D.ListUnitPrice] = formatUnits(row.listUnitPrice);
  if (row.contractedUnitPrice !== null) v[D.ContractedUnitPrice] = formatUnits(row.contractedUnitPrice);
  const c = row.commitment;
  if (c) {
    v[D.CommitmentDiscountId] = c.id;
    v[D.CommitmentDiscountName] = c.name;
    v[D.CommitmentDiscountCategory] = c.category;
    v[D.CommitmentDiscountType] = c.type;
    v[D.CommitmentDiscountQuantity] = row.commitmentQuantity;
    v[D.CommitmentDiscountUnit] = c.category === 'Spend' ? 'USD' : 'Hours';
    if (row.commitmentStatus) v[D.CommitmentDiscountStatus] = row.commitmentStatus;
  }
  return v;
}

function formatRow(row: Row): string[] {
  const f = row.t.fields.slice();
  const v = dynamicValues(row);
  for (let k = 0; k < v.length; k++) if (v[k] !== undefined) f[DYNAMIC_INDEX[k]!] = v[k]!;
  return f;
}

function csvLine(row: Row): string {
  const { segments, dynamicDefaults } = row.t;
  const v = dynamicValues(row);
  let line = segments[0]!;
  for (let k = 0; k < v.length; k++) line += (v[k] ?? dynamicDefaults[k]!) + segments[k + 1]!;
  return line;
}

// ---------------------------------------------------------------------------------------------
// summary

class Totals {
  billed = new ExactSum();
  effective = new ExactSum();
  list = new ExactSum();
  contracted = new ExactSum();
  rows = 0;

  add(row: Row): void {
    this.billed.add(row.billed);
    this.effective.add(row.effective);
    this.list.add(row.list);
    this.contracted.add(row.contracted);
    this.rows++;
  }

  toJSON(): DemoTotals {
    return {
      billed: formatUnits(this.billed.value()),
      effective: formatUnits(this.effective.value()),
      list: formatUnits(this.list.value()),
      contracted: formatUnits(this.contracted.value()),
      rows: this.rows,
    };
  }
}

class SummaryBuilder {
  readonly total = new Totals();
  readonly months: Totals[];
  readonly days: Totals[];
  readonly services = SERVICE_KEYS.map(() => new Totals());
  readonly accounts = ACCOUNT_KEYS.map(() => new Totals());
  readonly categories = CHARGE_CATEGORIES.map(() => new Totals());

  constructor(private readonly ctx: Context) {
    this.months = ctx.window.months.map(() => new Totals());
    this.days = ctx.window.days.map(() => new Totals());
  }

  add(row: Row): void {
    this.total.add(row);
    this.months[row.billingMonth.idx]!.add(row);
    this.days[row.dayIdx]!.add(row);
    this.services[row.serviceIdx]!.add(row);
    this.accounts[row.accountIdx]!.add(row);
    this.categories[CHARGE_CATEGORIES.indexOf(row.category)]!.add(row);
  }

  build(): DemoSummary {
    const { window } = this.ctx;
    const pick = <K>(keys: readonly K[], totals: Totals[], name: (k: K) => string) =>
      Object.fromEntries(keys.flatMap((k, i) => (totals[i]!.rows > 0 ? [[name(k), totals[i]!.toJSON()]] : [])));
    return {
      complete: true,
      seed: this.ctx.seed,
      startDate: window.days[0]!.date,
      endDate: window.days[window.days.length - 1]!.date,
      months: window.months.length,
      days: window.days.length,
      currency: 'USD',
      rowCount: this.total.rows,
      total: this.total.toJSON(),
      byMonth: pick(window.months, this.months, (m) => m.key),
      byDay: pick(window.days, this.days, (d) => d.date),
      byService: pick(SERVICE_KEYS, this.services, (s) => DEMO_SERVICES[s].name),
      byAccount: pick(ACCOUNT_KEYS, this.accounts, (a) => DEMO_ACCOUNTS[a].id),
      byChargeCategory: pick(CHARGE_CATEGORIES, this.categories, (c) => c),
    };
  }
}

function emptySummary(ctx: Context): DemoSummary {
  const zero: DemoTotals = { billed: '0', effective: '0', list: '0', contracted: '0', rows: 0 };
  const { window } = ctx;
  return {
    complete: false,
    seed: ctx.seed,
    startDate: window.days[0]!.date,
    endDate: window.days[window.days.length - 1]!.date,
    months: window.months.length,
    days: window.days.length,
    currency: 'USD',
    rowCount: 0,
    total: zero,
    byMonth: {},
    byDay: {},
    byService: {},
    byAccount: {},
    byChargeCategory: {},
  };
}

// ---------------------------------------------------------------------------------------------
// public API

function contextFor(options: DemoBillingOptions): Context {
  if (options.rowsTarget === undefined) return buildContext(options, 0);
  const target = options.rowsTarget;
  if (!Number.isInteger(target) || target < 1) throw new RangeError(`rowsTarget must be a positive integer, got ${target}`);
  const base = buildContext(options, 0);
  let baseRows = 0;
  for (const _ of core(base)) baseRows++;
  const days = base.window.days.length;
  if (target < Math.floor(baseRows * 0.9)) {
    throw new RangeError(
      `rowsTarget ${target} is below the ${baseRows} rows of the demo's ${base.window.months.length} months: ask for more rows or fewer months`,
    );
  }
  const fleetSize = Math.max(0, Math.round((target - baseRows) / (FLEET_ROWS_PER_MEMBER_PER_DAY * days)));
  return fleetSize === 0 ? base : buildContext(options, fleetSize);
}

function windowOf(ctx: Context): DemoWindow {
  const { window } = ctx;
  return { startDate: window.days[0]!.date, endDate: window.days[window.days.length - 1]!.date, months: window.months.length, days: window.days.length };
}

/**
 * The demo billing export: header, lazily generated rows and the summary (filled in exactly when
 * an iteration of the rows completes). Same options, same bytes.
 */
export function generateDemoBilling(options: DemoBillingOptions): DemoBilling {
  const ctx = contextFor(options);
  const summary = emptySummary(ctx);
  const rows: Iterable<string[]> = {
    *[Symbol.iterator]() {
      const builder = new SummaryBuilder(ctx);
      for (const row of core(ctx)) {
        builder.add(row);
        yield formatRow(row);
      }
      Object.assign(summary, builder.build());
    },
  };
  return { header: DEMO_COLUMNS, rows, summary, window: windowOf(ctx), fleetSize: ctx.fleetSize };
}

/** The exact summary of the export for these options, without formatting any row. */
export function computeDemoSummary(options: DemoBillingOptions): DemoSummary {
  const ctx = contextFor(options);
  const builder = new SummaryBuilder(ctx);
  for (const row of core(ctx)) builder.add(row);
  return builder.build();
}

export interface DemoCsv {
  header: readonly string[];
  /** CSV text in chunks of about 1 MiB: header line first, '\n' line ends. Each iteration regenerates. */
  chunks: Iterable<string>;
  summary: DemoSummary;
  window: DemoWindow;
  fleetSize: number;
}

/** The export as CSV text chunks (RFC 4180 quoting), for streaming into a file, an upload or a parser. */
export function demoBillingCsv(options: DemoBillingOptions): DemoCsv {
  const ctx = contextFor(options);
  const summary = emptySummary(ctx);
  const headerLine = DEMO_COLUMNS.join(',');
  const chunks: Iterable<string> = {
    *[Symbol.iterator]() {
      const builder = new SummaryBuilder(ctx);
      let chunk = `${headerLine}\n`;
      for (const row of core(ctx)) {
        builder.add(row);
        chunk += `${csvLine(row)}\n`;
        if (chunk.length >= 1 << 20) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
      Object.assign(summary, builder.build());
    },
  };
  return { header: DEMO_COLUMNS, chunks, summary, window: windowOf(ctx), fleetSize: ctx.fleetSize };
}

export interface WrittenDemoCsv {
  path: string;
  summary: DemoSummary;
  rows: number;
  /** Size of the file written (compressed when gzip). */
  bytes: number;
  fleetSize: number;
}

/** Writes the export to a CSV file (gzip-compressed when `gzip`), streaming. */
export async function writeDemoBillingCsv(path: string, options: DemoBillingOptions & { gzip?: boolean }): Promise<WrittenDemoCsv> {
  const csv = demoBillingCsv(options);
  const source = Readable.from(csv.chunks, { objectMode: false });
  if (options.gzip) await pipeline(source, createGzip({ level: 6 }), createWriteStream(path));
  else await pipeline(source, createWriteStream(path));
  const { size } = await stat(path);
  return { path, summary: csv.summary, rows: csv.summary.rowCount, bytes: size, fleetSize: csv.fleetSize };
}

// ---------------------------------------------------------------------------------------------
// resources and anomalies, resolved to dates

export interface DemoResource {
  /** The ResourceId the billing rows carry. */
  id: string;
  name: string;
  kind: ResourceSpec['kind'];
  /** The ResourceType column. */
  resourceType: string;
  serviceName: string;
  accountId: string;
  accountName: string;
  regionId: string | null;
  availabilityZone: string | null;
  tags: Tags | null;
  /** Instance type, DB class, node type, volume type, storage class... */
  size: string | null;
  config: ResourceSpec['config'];
  /** Utilization the recorded inventory should report (CPU %, connections, invocations...). */
  utilization: ResourceSpec['utilization'];
  /** What the recommendation rules should find here (descriptive hints, not rule ids). */
  waste: readonly string[];
  createdAt: string;
  deletedAt: string | null;
  stoppedAt: string | null;
  /** The x_UsageType values of its billing rows. */
  usageTypes: readonly string[];
  /** Nominal list cost per day of the meters still running on the end date (before noise and spikes). */
  dailyCostBasis: string;
}

function nominalDailyUnits(m: MeterSpec): number {
  const q = m.quantity;
  const scale = pow10(m.quantityDecimals);
  const step = m.listPrice / scale;
  switch (q.kind) {
    case 'hours':
      return step * q.hours * scale * (m.weekdaysOnly ? 5 / 7 : 1);
    case 'monthly':
      return step * Math.round(((q.perMonth * 12) / 365) * scale);
    case 'usage':
      return step * Math.round(((q.perDay * (5 + 2 * q.weekend)) / 7) * scale);
  }
}

/** The resource catalog for these options (the batch fleet included when rowsTarget asks for one). */
export function demoResources(options: Pick<DemoBillingOptions, 'endDate' | 'months' | 'rowsTarget'>): DemoResource[] {
  const ctx = contextFor({ ...options, includeAnomalies: true });
  const endEpoch = ctx.window.endEpoch;
  const metersByResource = new Map<ResourceSpec, MeterSpec[]>();
  for (const m of ctx.catalog.meters) {
    if (!m.resource) continue;
    const list = metersByResource.get(m.resource) ?? [];
    list.push(m);
    metersByResource.set(m.resource, list);
  }
  return ctx.catalog.resources.map((r) => {
    const meters = metersByResource.get(r) ?? [];
    let daily = 0;
    for (const m of meters) if (m.untilDaysAgo === null) daily += nominalDailyUnits(m);
    const account = DEMO_ACCOUNTS[r.account];
    const created = r.createdDaysAgo !== null ? endEpoch - r.createdDaysAgo : ctx.window.startEpoch - 30 - (hashString(r.id) % 400);
    return {
      id: r.id,
      name: r.name,
      kind: r.kind,
      resourceType: r.resourceType,
      serviceName: DEMO_SERVICES[r.service].name,
      accountId: account.id,
      accountName: account.name,
      regionId: r.region,
      availabilityZone: r.availabilityZone,
      tags: r.tags,
      size: r.size,
      config: r.config,
      utilization: r.utilization,
      waste: r.waste,
      createdAt: isoDate(created),
      deletedAt: r.deletedDaysAgo !== null ? isoDate(endEpoch - r.deletedDaysAgo) : null,
      stoppedAt: r.stoppedDaysAgo !== null ? isoDate(endEpoch - r.stoppedDaysAgo) : null,
      usageTypes: [...new Set(meters.map((m) => m.usageType))],
      dailyCostBasis: formatUnits(Math.round(daily)),
    };
  });
}

export interface DemoAnomaly {
  id: string;
  description: string;
  /** First and last spike day (inclusive), and every spike day. */
  startDate: string;
  endDate: string;
  dates: readonly string[];
  serviceName: string;
  subAccountId: string;
  subAccountName: string;
  regionId: string | null;
  /** The x_UsageType whose daily cost jumps. */
  usageType: string;
  resourceIds: readonly string[];
  /** Exact extra cost per spike day in that usage type (BilledCost = EffectiveCost = ListCost). */
  extraCostPerDay: string;
}

/** The injected spikes that fall inside the window of these options, with their exact size. */
export function demoAnomalies(options: Pick<DemoBillingOptions, 'endDate' | 'months'>): DemoAnomaly[] {
  const ctx = buildContext({ ...options, includeAnomalies: true }, 0);
  const { window } = ctx;
  const out: DemoAnomaly[] = [];
  for (const spec of ANOMALY_SPECS) {
    const first = window.endEpoch - spec.daysAgo;
    const epochs = Array.from({ length: spec.days }, (_, k) => first + k);
    if (epochs.some((e) => e < window.startEpoch || e > window.endEpoch)) continue;
    const meters = spec.meterKeys.map((key) => {
      const m = ctx.catalog.meters.find((x) => x.key === key);
      if (!m) throw new Error(`anomaly ${spec.id}: no meter ${key}`);
      return m;
    });
    const first0 = meters[0]!;
    if (meters.some((m) => m.usageType !== first0.usageType || m.account !== first0.account || m.service !== first0.service)) {
      throw new Error(`anomaly ${spec.id}: its meters must share service, account and usage type`);
    }
    let extra = 0;
    for (const m of meters) {
      if (spec.kind === 'extra-quantity') extra += (m.listPrice / pow10(m.quantityDecimals)) * extraSteps(m, spec.extraUsdPerDay!);
      else if (m.quantity.kind === 'hours') extra += m.listPrice * m.quantity.hours;
      else throw new Error(`anomaly ${spec.id}: new-resources meters must be hourly`);
    }
    const account = DEMO_ACCOUNTS[first0.account];
    out.push({
      id: spec.id,
      description: spec.description,
      startDate: isoDate(first),
      endDate: isoDate(first + spec.days - 1),
      dates: epochs.map(isoDate),
      serviceName: DEMO_SERVICES[first0.service].name,
      subAccountId: account.id,
      subAccountName: account.name,
      regionId: first0.region,
      usageType: first0.usageType,
      resourceIds: [...new Set(meters.flatMap((m) => (m.resource ? [m.resource.id] : [])))],
      extraCostPerDay: formatUnits(extra),
    });
  }
  return out;
}

/** The resource catalog of the standard demo (DEFAULT_END_DATE, 15 months). */
export const DEMO_RESOURCES: readonly DemoResource[] = demoResources({ endDate: DEFAULT_END_DATE });
/** The injected spikes of the standard demo (DEFAULT_END_DATE, 15 months). */
export const DEMO_ANOMALIES: readonly DemoAnomaly[] = demoAnomalies({ endDate: DEFAULT_END_DATE });
