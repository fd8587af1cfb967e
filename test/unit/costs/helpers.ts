import type { CostReader } from '#shared/costs/query.js';
import { codec, NONE, type PeriodMeta, type RollupKind } from '#shared/costs/rollups.js';
import type { PeriodVersion } from '#shared/costs/store.js';

/**
 * Test doubles for the cost engine: line items ("facts") are aggregated into the stored rollups the
 * way ingestion does, and a recording in-memory reader serves them. Expectations are computed from
 * the facts directly, with the independent decimal helpers below (not shared/money.ts).
 */

export interface Fact {
  date: string;
  /** Billing period the fact is stored under; default: the month of `date`. */
  period?: string;
  account?: string;
  service?: string;
  region?: string;
  chargeCategory?: string;
  usageType?: string;
  currency?: string;
  billed: string;
  effective?: string;
  list?: string;
  tags?: Record<string, string>;
  resourceId?: string;
  source?: string;
}

// ---- Independent exact decimals: strings <-> bigint units of 1e-12 ----

const SCALE = 12;

export function units(text: string): bigint {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m) throw new Error(`bad decimal in a test: ${text}`);
  const frac = (m[3] ?? '').padEnd(SCALE, '0');
  if (frac.length > SCALE) throw new Error(`too many decimals in a test: ${text}`);
  const v = BigInt((m[2] || '0') + frac);
  return m[1] ? -v : v;
}

export function text(v: bigint): string {
  const negative = v < 0n;
  const digits = (negative ? -v : v).toString().padStart(SCALE + 1, '0');
  let frac = digits.slice(-SCALE).replace(/0+$/, '');
  if (frac.length < 2) frac = frac.padEnd(2, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -SCALE)}.${frac}`;
}

export const sumOf = (facts: readonly Fact[], metric: 'billed' | 'effective' | 'list' = 'billed'): bigint =>
  facts.reduce((s, f) => s + units(metric === 'billed' ? f.billed : (f[metric] ?? f.billed)), 0n);

// ---- Rollups from facts ----

const D = (f: Fact) => ({
  account: f.account ?? NONE,
  service: f.service ?? NONE,
  region: f.region ?? NONE,
  chargeCategory: f.chargeCategory ?? 'Usage',
  usageType: f.usageType ?? NONE,
  currency: f.currency ?? 'USD',
});

interface Sums {
  billed: bigint;
  effective: bigint;
  list: bigint;
}

function add(map: Map<string, { key: unknown[]; sums: Sums }>, key: unknown[], f: Fact) {
  const id = JSON.stringify(key);
  let e = map.get(id);
  if (!e) map.set(id, (e = { key, sums: { billed: 0n, effective: 0n, list: 0n } }));
  e.sums.billed += units(f.billed);
  e.sums.effective += units(f.effective ?? f.billed);
  e.sums.list += units(f.list ?? f.billed);
}

/** Encoded rows of every rollup kind for one (source, period), aggregated from its facts. */
export function rollupsOf(facts: readonly Fact[]): Record<RollupKind, unknown[][]> {
  const dims = { service: new Map(), account: new Map(), region: new Map(), chargeCategory: new Map(), usageType: new Map() } as Record<
    'service' | 'account' | 'region' | 'chargeCategory' | 'usageType',
    Map<string, { key: unknown[]; sums: Sums }>
  >;
  const cube = new Map<string, { key: unknown[]; sums: Sums }>();
  const tag = new Map<string, { key: unknown[]; sums: Sums }>();
  const resource = new Map<string, { key: unknown[]; sums: Sums }>();
  for (const f of facts) {
    const d = D(f);
    for (const dim of Object.keys(dims) as Array<keyof typeof dims>) add(dims[dim], [f.date, d[dim], d.currency], f);
    add(cube, [f.date, d.account, d.service, d.region, d.chargeCategory, d.usageType, d.currency], f);
    for (const [k, v] of Object.entries(f.tags ?? {})) add(tag, [f.date, k, v, d.currency], f);
    add(resource, [f.resourceId ?? NONE, d.account, d.service, d.region, d.currency], f);
  }
  const rows = <T>(map: Map<string, { key: unknown[]; sums: Sums }>, build: (key: any[], s: Sums) => T, encode: (r: T) => unknown[]) =>
    [...map.values()].map(({ key, sums }) => encode(build(key, sums)));
  const dimRows = (m: Map<string, { key: unknown[]; sums: Sums }>) =>
    rows(m, ([date, value, currency], s) => ({ date, value, currency, ...s }), codec.dimension.encode);
  return {
    service: dimRows(dims.service),
    account: dimRows(dims.account),
    region: dimRows(dims.region),
    chargeCategory: dimRows(dims.chargeCategory),
    usageType: dimRows(dims.usageType),
    cube: rows(cube, ([date, account, service, region, chargeCategory, usageType, currency], s) => ({ date, account, service, region, chargeCategory, usageType, currency, ...s }), codec.cube.encode),
    tag: rows(tag, ([date, key, value, currency], s) => ({ date, key, value, currency, ...s }), codec.tag.encode),
    resource: rows(resource, ([resourceId, account, service, region, currency], s) => ({ resourceId, account, service, region, currency, ...s }), codec.resource.encode),
  };
}

// ---- The recording reader ----

export interface Read {
  sourceId: string;
  period: string;
  kind: RollupKind;
}

export class MemoryCostReader implements CostReader {
  readonly pointers: PeriodVersion[] = [];
  private readonly rows = new Map<string, unknown[][]>();
  private readonly metas = new Map<string, PeriodMeta>();
  readonly pointerQueries: Array<[string, string]> = [];
  readonly reads: Read[] = [];
  readonly metaReads: string[] = [];
  /** Set to omit readMeta (a store without meta). */
  withMeta = true;

  /** Stores facts as the current version of each (source, period) they belong to. */
  static of(facts: readonly Fact[], options: { status?: 'estimated' | 'final'; accountNames?: Record<string, string> } = {}): MemoryCostReader {
    const reader = new MemoryCostReader();
    const groups = new Map<string, Fact[]>();
    for (const f of facts) {
      const id = `${f.source ?? 'src-1'}|${f.period ?? f.date.slice(0, 7)}`;
      (groups.get(id) ?? groups.set(id, []).get(id)!).push(f);
    }
    for (const [id, group] of groups) {
      const [sourceId, period] = id.split('|') as [string, string];
      reader.putVersion(sourceId, period, 'v1', rollupsOf(group), options.status ?? 'final', { accountNames: options.accountNames ?? {}, totals: [] });
    }
    return reader;
  }

  putVersion(sourceId: string, period: string, version: string, rollups: Partial<Record<RollupKind, unknown[][]>>, status: 'estimated' | 'final' = 'final', meta?: PeriodMeta) {
    this.pointers.push({ sourceId, period, version, status, updatedAt: `${period}-28T00:00:00.000Z` });
    for (const [kind, rows] of Object.entries(rollups)) this.rows.set(`${sourceId}|${period}|${version}|${kind}`, rows ?? []);
    if (meta) this.metas.set(`${sourceId}|${period}|${version}`, meta);
  }

  async currentVersions(_tenantId: string, fromPeriod: string, toPeriod: string): Promise<PeriodVersion[]> {
    this.pointerQueries.push([fromPeriod, toPeriod]);
    return this.pointers.filter((p) => p.period >= fromPeriod && p.period <= toPeriod);
  }

  async readRows(_tenantId: string, sourceId: string, period: string, version: string, kind: RollupKind): Promise<unknown[][]> {
    this.reads.push({ sourceId, period, kind });
    // A copy, as a store would hand out fresh rows.
    return structuredClone(this.rows.get(`${sourceId}|${period}|${version}|${kind}`) ?? []);
  }

  get readMeta() {
    if (!this.withMeta) return undefined;
    return async (_tenantId: string, sourceId: string, period: string, version: string): Promise<PeriodMeta | null> => {
      this.metaReads.push(`${sourceId}|${period}`);
      return this.metas.get(`${sourceId}|${period}|${version}`) ?? null;
    };
  }

  kindsRead(): RollupKind[] {
    return [...new Set(this.reads.map((r) => r.kind))].sort();
  }

  periodsRead(): string[] {
    return [...new Set(this.reads.map((r) => r.period))].sort();
  }
}

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}
