import { formatDecimal, parseDecimal } from '../money.js';

/**
 * The stored shape of ingested costs. An ingestion aggregates a billing export into rollups per
 * billing period (month) and writes them as one VERSION of that period; a pointer per period names
 * the current version, flipped atomically once every item is written and reconciled. Readers look
 * only at current versions, so a period is replaced whole, never doubled and never half visible.
 *
 * Inside a version, each rollup kind is a list of rows stored in chunks (a DynamoDB item holds
 * 400 KB): daily one-dimension rollups answer the common views from few items; the daily cube
 * answers views filtered on several dimensions; tags and resources have their own.
 */
export const DIMENSIONS = ['service', 'account', 'region', 'chargeCategory', 'usageType'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Money triple, exact: units of 1e-12 (see shared/money.ts). */
export interface Amounts {
  billed: bigint;
  effective: bigint;
  list: bigint;
}

export const zeroAmounts = (): Amounts => ({ billed: 0n, effective: 0n, list: 0n });

export function addAmounts(into: Amounts, billed: bigint, effective: bigint, list: bigint): void {
  into.billed += billed;
  into.effective += effective;
  into.list += list;
}

/** One daily value of one dimension: e.g. 2026-10-03, service "Amazon EC2", USD. */
export interface DimensionRow extends Amounts {
  date: string;
  value: string;
  currency: string;
}

/** One daily cell of the cube: every dimension at once. */
export interface CubeRow extends Amounts {
  date: string;
  account: string;
  service: string;
  region: string;
  chargeCategory: string;
  usageType: string;
  currency: string;
}

/** Daily spend per tag key and value; untagged spend for a key is the total minus its tagged rows. */
export interface TagRow extends Amounts {
  date: string;
  key: string;
  value: string;
  currency: string;
}

/** A resource's spend in the period. */
export interface ResourceRow extends Amounts {
  resourceId: string;
  account: string;
  service: string;
  region: string;
  currency: string;
}

export interface PeriodMeta {
  /** Account id -> name, as the export names them. */
  accountNames: Record<string, string>;
  /** The period's totals per currency (what reconciliation compares). */
  totals: Array<Amounts & { currency: string; rows: number }>;
}

export type RollupKind = Dimension | 'cube' | 'tag' | 'resource';

/** Absent dimension values are stored as this, and shown as "(none)" by the APIs. */
export const NONE = '';

// ---- Codec: rows as compact JSON arrays, money as decimal strings (exact, and readable in the table) ----

const money = (a: Amounts) => [formatDecimal(a.billed, { minFractionDigits: 0 }), formatDecimal(a.effective, { minFractionDigits: 0 }), formatDecimal(a.list, { minFractionDigits: 0 })];
const amounts = (cells: unknown[], at: number): Amounts => ({
  billed: parseDecimal(String(cells[at])),
  effective: parseDecimal(String(cells[at + 1])),
  list: parseDecimal(String(cells[at + 2])),
});

export const codec = {
  dimension: {
    encode: (r: DimensionRow) => [r.date, r.value, r.currency, ...money(r)],
    decode: (c: unknown[]): DimensionRow => ({ date: String(c[0]), value: String(c[1]), currency: String(c[2]), ...amounts(c, 3) }),
  },
  cube: {
    encode: (r: CubeRow) => [r.date, r.account, r.service, r.region, r.chargeCategory, r.usageType, r.currency, ...money(r)],
    decode: (c: unknown[]): CubeRow => ({
      date: String(c[0]),
      account: String(c[1]),
      service: String(c[2]),
      region: String(c[3]),
      chargeCategory: String(c[4]),
      usageType: String(c[5]),
      currency: String(c[6]),
      ...amounts(c, 7),
    }),
  },
  tag: {
    encode: (r: TagRow) => [r.date, r.key, r.value, r.currency, ...money(r)],
    decode: (c: unknown[]): TagRow => ({ date: String(c[0]), key: String(c[1]), value: String(c[2]), currency: String(c[3]), ...amounts(c, 4) }),
  },
  resource: {
    encode: (r: ResourceRow) => [r.resourceId, r.account, r.service, r.region, r.currency, ...money(r)],
    decode: (c: unknown[]): ResourceRow => ({ resourceId: String(c[0]), account: String(c[1]), service: String(c[2]), region: String(c[3]), currency: String(c[4]), ...amounts(c, 5) }),
  },
} as const;

/** Bytes of row JSON per stored chunk: under DynamoDB's 400 KB item limit with room for keys. */
export const CHUNK_BYTES = 350_000;

/** Splits encoded rows into JSON chunks of at most CHUNK_BYTES each. */
export function chunkRows(rows: unknown[][]): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 2;
  for (const row of rows) {
    const json = JSON.stringify(row);
    if (size + json.length + 1 > CHUNK_BYTES && current.length) {
      chunks.push(`[${current.join(',')}]`);
      current = [];
      size = 2;
    }
    current.push(json);
    size += json.length + 1;
  }
  if (current.length || chunks.length === 0) chunks.push(`[${current.join(',')}]`);
  return chunks;
}
