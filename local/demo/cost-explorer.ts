/**
 * The local Cost Explorer provider: a real implementation of the GetCostAndUsage API the collector
 * calls (functions/billing/collect/cost-explorer.ts), answering for the recorded demo accounts from
 * deterministic demo data. Only "Demo Sandbox", an account that is NOT in the demo billing export
 * (local/demo/billing.ts covers DEMO_ACCOUNTS), has charges: the seed connects it with Cost Explorer
 * collection on, so its costs reach the cost views through the collector, never twice.
 *
 * What it implements, in Cost Explorer's own shapes: TimePeriod (End exclusive), DAILY and MONTHLY
 * granularity, GroupBy on up to two dimensions (LINKED_ACCOUNT, SERVICE, USAGE_TYPE, RECORD_TYPE,
 * REGION), Filter expressions (Dimensions, And, Or, Not), the cost metrics and UsageQuantity,
 * DimensionValueAttributes naming linked accounts, `Estimated` for days of a month not final yet,
 * and pagination with NextPageToken (a page holds at most PAGE_GROUPS groups, so a month of one
 * account already spans pages). As in AWS, a member account's credentials see its own costs only,
 * and only the onboarding template's role in a recorded account can be assumed.
 */
import { createHash } from 'node:crypto';
import type { DimensionValuesWithAttributes, Expression, GetCostAndUsageCommand, GetCostAndUsageResponse, Group, ResultByTime } from '@aws-sdk/client-cost-explorer';
import { ROLE_NAME, ROLE_PATH } from '#shared/accounts/permissions.js';
import { AccountAccessError, type AccountTarget } from '#shared/inventory/provider.js';
import type { CostExplorerApi } from '#functions/billing/collect/cost-explorer.js';
import { DEMO_ACCOUNTS } from './dimensions.js';
import { hashString } from './prng.js';

/** The recorded account whose costs only Cost Explorer knows (12 digits, none of DEMO_ACCOUNTS). */
export const DEMO_SANDBOX = { id: '752019384610', name: 'demo-sandbox' } as const;

/** Groups per response page: small enough that one account's month spans several pages. */
export const PAGE_GROUPS = 200;
/** How far back the recorded data goes (Cost Explorer keeps 13 months of daily data). */
const HISTORY_DAYS = 400;
const SCALE = 10n ** 10n;
const DAY_MS = 86_400_000;

interface Meter {
  service: string;
  usageType: string;
  region: string;
  /** Daily cost in USD before the weekday shape and the day's jitter. */
  daily: number;
  unit: string;
  /** Units per USD of cost. */
  perDollar: number;
  /** Weekdays cost this much more than weekend days (a sandbox is used in working hours). */
  weekday: number;
}

const METERS: readonly Meter[] = [
  { service: 'Amazon Elastic Compute Cloud - Compute', usageType: 'BoxUsage:t3.medium', region: 'us-east-1', daily: 2.9952, unit: 'Hrs', perDollar: 24.0385, weekday: 1.0 },
  { service: 'Amazon Elastic Compute Cloud - Compute', usageType: 'USW2-BoxUsage:m6i.large', region: 'us-west-2', daily: 4.608, unit: 'Hrs', perDollar: 5.2083, weekday: 1.6 },
  { service: 'EC2 - Other', usageType: 'EBS:VolumeUsage.gp3', region: 'us-east-1', daily: 0.5333, unit: 'GB-Mo', perDollar: 12.5, weekday: 1.0 },
  { service: 'EC2 - Other', usageType: 'USW2-NatGateway-Hours', region: 'us-west-2', daily: 1.08, unit: 'Hrs', perDollar: 22.2222, weekday: 1.0 },
  { service: 'Amazon Simple Storage Service', usageType: 'TimedStorage-ByteHrs', region: 'us-east-1', daily: 0.3819, unit: 'GB-Mo', perDollar: 43.4783, weekday: 1.0 },
  { service: 'Amazon Simple Storage Service', usageType: 'Requests-Tier1', region: 'us-east-1', daily: 0.0875, unit: 'Requests', perDollar: 200000, weekday: 2.2 },
  { service: 'AWS Lambda', usageType: 'USW2-Lambda-GB-Second', region: 'us-west-2', daily: 0.6249, unit: 'Second', perDollar: 60000, weekday: 2.5 },
  { service: 'Amazon DynamoDB', usageType: 'USW2-ReadRequestUnits', region: 'us-west-2', daily: 0.2113, unit: 'ReadRequestUnits', perDollar: 4000000, weekday: 2.0 },
  { service: 'AmazonCloudWatch', usageType: 'CW:MetricMonitorUsage', region: 'us-east-1', daily: 0.3, unit: 'Metrics', perDollar: 3.3333, weekday: 1.0 },
  { service: 'AWS Key Management Service', usageType: 'eu-west-1-KMS-Requests', region: 'eu-west-1', daily: 0.0318, unit: 'Requests', perDollar: 33333.3, weekday: 1.8 },
];

/** One recorded charge: a day (or a month's first day, for tax) of one meter or charge. */
interface Charge {
  day: string;
  account: string;
  service: string;
  usageType: string;
  region: string;
  recordType: string;
  /** USD at 1e-10. */
  unblended: bigint;
  amortized: bigint;
  quantity: bigint;
  unit: string;
}

const toDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isWeekend = (day: string) => [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());
const scaled = (dollars: number) => BigInt(Math.round(dollars * 1e10));

function format(value: bigint): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const text = `${abs / SCALE}.${String(abs % SCALE).padStart(10, '0')}`;
  return negative ? `-${text}` : text;
}

/** The sandbox's charges of one day: usage per meter; on the 1st, the month's tax; on the 15th, a promotional credit. */
export function sandboxCharges(day: string): Charge[] {
  const charges: Charge[] = [];
  const account = DEMO_SANDBOX.id;
  for (const meter of METERS) {
    // ±15% per (meter, day): a fixed hash, so the same day always answers the same amounts.
    const jitter = 0.85 + (hashString(`${meter.usageType}|${day}`) % 3001) / 10000;
    const cost = scaled(meter.daily * (isWeekend(day) ? 1 : meter.weekday) * jitter);
    const quantity = (cost * scaled(meter.perDollar)) / SCALE;
    charges.push({ day, account, service: meter.service, usageType: meter.usageType, region: meter.region, recordType: 'Usage', unblended: cost, amortized: cost, quantity, unit: meter.unit });
  }
  if (day.endsWith('-01')) {
    charges.push({ day, account, service: 'Tax', usageType: 'NoUsageType', region: 'NoRegion', recordType: 'Tax', unblended: scaled(7.35), amortized: scaled(7.35), quantity: 0n, unit: 'N/A' });
  }
  if (day.endsWith('-15')) {
    charges.push({ day, account, service: 'AWS Lambda', usageType: 'NoUsageType', region: 'NoRegion', recordType: 'Credit', unblended: scaled(-5), amortized: scaled(-5), quantity: 0n, unit: 'N/A' });
  }
  return charges;
}

const DIMENSIONS = ['LINKED_ACCOUNT', 'SERVICE', 'USAGE_TYPE', 'RECORD_TYPE', 'REGION'] as const;
type Dimension = (typeof DIMENSIONS)[number];
const COST_METRICS = ['UnblendedCost', 'AmortizedCost', 'BlendedCost', 'NetUnblendedCost', 'NetAmortizedCost'] as const;

const valueOf = (charge: Charge, key: Dimension): string =>
  ({ LINKED_ACCOUNT: charge.account, SERVICE: charge.service, USAGE_TYPE: charge.usageType, RECORD_TYPE: charge.recordType, REGION: charge.region })[key];

function named(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client' as const });
}

function matches(charge: Charge, filter: Expression): boolean {
  const parts = [filter.Dimensions, filter.And, filter.Or, filter.Not, filter.Tags, filter.CostCategories].filter((p) => p !== undefined);
  if (parts.length !== 1) throw named('ValidationException', 'An expression must have exactly one of Dimensions, And, Or, Not, Tags or CostCategories.');
  if (filter.Dimensions) {
    const key = filter.Dimensions.Key as Dimension;
    if (!DIMENSIONS.includes(key)) throw named('ValidationException', `Dimension ${String(key)} is not supported here.`);
    if (filter.Dimensions.MatchOptions && !filter.Dimensions.MatchOptions.every((m) => m === 'EQUALS')) throw named('ValidationException', 'Only EQUALS matching is recorded.');
    return (filter.Dimensions.Values ?? []).includes(valueOf(charge, key));
  }
  if (filter.And) return filter.And.every((f) => matches(charge, f));
  if (filter.Or) return filter.Or.some((f) => matches(charge, f));
  if (filter.Not) return !matches(charge, filter.Not);
  throw named('ValidationException', 'Tag and cost category filters are not recorded.');
}

/** Cost Explorer as one recorded account's credentials see it. */
export class LocalCostExplorer implements CostExplorerApi {
  /** Requests answered (each would be billed $0.01 in AWS). */
  requests = 0;

  constructor(
    private readonly accountId: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(command: GetCostAndUsageCommand): Promise<GetCostAndUsageResponse> {
    this.requests++;
    const input = command.input;
    const { Start, End } = input.TimePeriod ?? {};
    const day = /^\d{4}-\d{2}-\d{2}$/;
    if (!Start || !End || !day.test(Start) || !day.test(End) || Start >= End) throw named('ValidationException', 'TimePeriod needs Start < End, both YYYY-MM-DD.');
    const granularity = input.Granularity;
    if (granularity !== 'DAILY' && granularity !== 'MONTHLY') throw named('ValidationException', 'Granularity must be DAILY or MONTHLY here.');
    const metrics = input.Metrics ?? [];
    if (metrics.length === 0 || metrics.some((m) => !(COST_METRICS as readonly string[]).includes(m) && m !== 'UsageQuantity')) throw named('ValidationException', `Unknown or missing metrics: ${metrics.join(', ')}`);
    const groupBy = (input.GroupBy ?? []).map((g) => {
      if (g.Type !== 'DIMENSION' || !DIMENSIONS.includes(g.Key as Dimension)) throw named('ValidationException', `Grouping by ${g.Type} ${g.Key} is not recorded.`);
      return g.Key as Dimension;
    });
    if (groupBy.length > 2) throw named('ValidationException', 'At most two group-by dimensions.');

    // One result per day or per month overlapping the period; the recorded days end yesterday.
    const today = toDay(this.now().getTime());
    const first = toDay(this.now().getTime() - HISTORY_DAYS * DAY_MS);
    const buckets: Array<{ start: string; end: string; charges: Charge[] }> = [];
    for (let ms = Date.parse(`${Start}T00:00:00Z`); toDay(ms) < End; ms += DAY_MS) {
      const d = toDay(ms);
      const charges = d >= first && d < today ? sandboxCharges(d).filter((c) => c.account === this.accountId) : [];
      const filtered = input.Filter ? charges.filter((c) => matches(c, input.Filter!)) : charges;
      if (granularity === 'DAILY') buckets.push({ start: d, end: toDay(ms + DAY_MS), charges: filtered });
      else {
        const last = buckets.at(-1);
        if (last && last.start.slice(0, 7) === d.slice(0, 7)) {
          last.charges.push(...filtered);
          last.end = toDay(ms + DAY_MS);
        } else buckets.push({ start: d, end: toDay(ms + DAY_MS), charges: [...filtered] });
      }
    }

    const results: Array<ResultByTime & { Groups: Group[] }> = buckets.map((b) => {
      const [year, month] = b.start.split('-').map(Number) as [number, number];
      // Cost Explorer estimates a month until its bill is final (the ingestion's rule: 5 days after it ends).
      const estimated = this.now().getTime() <= Date.UTC(year, month, 6);
      return { TimePeriod: { Start: b.start, End: b.end }, Estimated: estimated, ...this.aggregate(b.charges, groupBy, metrics) };
    });

    const requestHash = createHash('sha256').update(JSON.stringify({ ...input, NextPageToken: undefined })).digest('hex').slice(0, 16);
    let page = 0;
    if (input.NextPageToken) {
      try {
        const token = JSON.parse(Buffer.from(input.NextPageToken, 'base64url').toString('utf8')) as { h: string; p: number };
        if (token.h !== requestHash || !Number.isInteger(token.p) || token.p < 1) throw new Error('mismatch');
        page = token.p;
      } catch {
        throw named('InvalidNextTokenException', 'The pagination token is invalid for this request.');
      }
    }
    // Pages of at most PAGE_GROUPS groups; a result whose groups span pages is repeated with the rest.
    const pages: Array<Array<ResultByTime & { Groups: Group[] }>> = [[]];
    let room = PAGE_GROUPS;
    for (const result of results) {
      if (result.Groups.length === 0 || groupBy.length === 0) {
        pages.at(-1)!.push(result);
        continue;
      }
      let rest = result.Groups;
      while (rest.length) {
        if (room === 0) {
          pages.push([]);
          room = PAGE_GROUPS;
        }
        pages.at(-1)!.push({ ...result, Groups: rest.slice(0, room) });
        const taken = Math.min(room, rest.length);
        rest = rest.slice(taken);
        room -= taken;
      }
    }
    if (page >= pages.length) throw named('InvalidNextTokenException', 'The pagination token is past the last page.');
    const accounts = groupBy.includes('LINKED_ACCOUNT') ? this.accountAttributes(pages[page]!) : [];
    return {
      GroupDefinitions: groupBy.map((Key) => ({ Type: 'DIMENSION', Key })),
      ResultsByTime: pages[page],
      DimensionValueAttributes: accounts,
      ...(page + 1 < pages.length ? { NextPageToken: Buffer.from(JSON.stringify({ h: requestHash, p: page + 1 })).toString('base64url') } : {}),
    };
  }

  private aggregate(charges: Charge[], groupBy: Dimension[], metrics: readonly string[]): { Total: ResultByTime['Total']; Groups: Group[] } {
    const metricsOf = (list: Charge[]) => {
      const out: Record<string, { Amount: string; Unit: string }> = {};
      for (const metric of metrics) {
        if (metric === 'UsageQuantity') {
          const units = new Set(list.map((c) => c.unit));
          out[metric] = { Amount: format(list.reduce((s, c) => s + c.quantity, 0n)), Unit: units.size === 1 ? [...units][0]! : 'N/A' };
        } else {
          const amortized = metric === 'AmortizedCost' || metric === 'NetAmortizedCost';
          out[metric] = { Amount: format(list.reduce((s, c) => s + (amortized ? c.amortized : c.unblended), 0n)), Unit: 'USD' };
        }
      }
      return out;
    };
    if (groupBy.length === 0) return { Total: metricsOf(charges), Groups: [] };
    const groups = new Map<string, { keys: string[]; charges: Charge[] }>();
    for (const charge of charges) {
      const keys = groupBy.map((k) => valueOf(charge, k));
      const id = keys.join('\u0000');
      const group = groups.get(id) ?? { keys, charges: [] };
      group.charges.push(charge);
      groups.set(id, group);
    }
    // With GroupBy, Cost Explorer answers an empty Total.
    return { Total: {}, Groups: [...groups.values()].sort((a, b) => a.keys.join().localeCompare(b.keys.join())).map((g) => ({ Keys: g.keys, Metrics: metricsOf(g.charges) })) };
  }

  private accountAttributes(page: Array<ResultByTime & { Groups: Group[] }>): DimensionValuesWithAttributes[] {
    const ids = new Set(page.flatMap((r) => r.Groups.flatMap((g) => g.Keys ?? [])).filter((k) => /^\d{12}$/.test(k)));
    return [...ids].sort().map((id) => ({ Value: id, Attributes: { description: id === DEMO_SANDBOX.id ? DEMO_SANDBOX.name : (Object.values(DEMO_ACCOUNTS).find((a) => a.id === id)?.name ?? id) } }));
  }
}

/** The role the onboarding template creates in an account. */
const templateRole = (accountId: string) => `arn:aws:iam::${accountId}:role${ROLE_PATH}${ROLE_NAME}`;

/** Whether a recorded account answers for `accountId`: the demo accounts and the sandbox. */
export const isRecordedAccount = (accountId: string): boolean => accountId === DEMO_SANDBOX.id || Object.values(DEMO_ACCOUNTS).some((a) => a.id === accountId);

/**
 * What the platform registers (functions/billing/collect/aws.ts useLocalCostExplorer): AssumeRole
 * as the recorded accounts allow it (the template's role in a recorded account), then that
 * account's Cost Explorer. One client per account, as the AWS factory keeps one per role.
 */
export function localCostExplorerClients(now: () => Date = () => new Date()): (target: AccountTarget) => CostExplorerApi {
  const clients = new Map<string, LocalCostExplorer>();
  return (target) => {
    if (!isRecordedAccount(target.accountId) || target.roleArn !== templateRole(target.accountId)) {
      // Raised when the client is used, as the AWS client's credentials provider does.
      return {
        send: async () => {
          throw new AccountAccessError('ASSUME_ROLE_FAILED', `AssumeRole on ${target.roleArn} failed: AccessDenied (local: only the recorded demo accounts' ${ROLE_PATH}${ROLE_NAME} roles answer)`);
        },
      };
    }
    let client = clients.get(target.accountId);
    if (!client) clients.set(target.accountId, (client = new LocalCostExplorer(target.accountId, now)));
    return client;
  };
}
