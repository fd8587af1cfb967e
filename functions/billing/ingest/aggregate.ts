import { deserialize, serialize } from 'node:v8';
import { own } from '../parse/cells.js';
import type { CostRow, RowRejection, SourceTotals } from '../parse/index.js';
import { addAmounts, DIMENSIONS, NONE, zeroAmounts, type Amounts, type RollupKind } from '#shared/costs/rollups.js';
import { formatDecimal, parseDecimal } from '#shared/money.js';

/**
 * Folds normalized cost rows into the rollups of each billing period (rollups.ts). Memory grows
 * with the number of distinct rollup cells, never with the number of rows. Sums are exact.
 */
export const MAX_REJECTIONS_KEPT = 100;

export interface Rejection {
  file: string;
  line: number;
  code: string;
  column: string | null;
  message: string;
}

/**
 * Per row only three cells are summed: the cube cell (day, account, service, region, category,
 * usage type, currency), one cell per (day, currency, tag set), and the resource cell. The
 * one-dimension rollups and the totals are sums of cube cells, and every tag of a row lands in
 * the (day, currency) of its tag set, so those are derived in toPartial(), in the order a
 * row-by-row fold would have created them (first appearance): the partial is the same.
 *
 * Memory and garbage: a held cell's strings are interned (service, region, account, usage type,
 * date and currency values repeat across thousands of cells: one copy each), and its sums are
 * kept as a BigInt plus an exact integer in a double (`b`, `e`, `l`): a row's amount below 2^52
 * units (about 4,500 of the currency) is added to the double in place, which is exact, and the
 * double is moved into the BigInt before it can reach 2^53. `a += amount` on a BigInt allocates
 * a new BigInt held by a long-lived cell, i.e. old-generation garbage, nine per row; the doubles
 * allocate nothing. Sums stay exact: every addition is of integers below 2^53.
 */
interface Sums {
  billed: bigint;
  effective: bigint;
  list: bigint;
  /** Parts of the sums not yet in the BigInts: exact integers, |x| < 2^52 between rows. */
  b: number;
  e: number;
  l: number;
}
interface CubeCell extends Sums {
  /** Ids (CostAggregator.idOf) of date, value of each dimension and currency, for derived keys. */
  ids: CubeIds;
  date: string;
  account: string;
  service: string;
  region: string;
  chargeCategory: string;
  usageType: string;
  currency: string;
  rows: number;
}
interface TagSetCell extends Sums {
  date: string;
  currency: string;
  tags: Readonly<Record<string, string>>;
}
interface ResourceCell extends Sums {
  resourceId: string;
  account: string;
  service: string;
  region: string;
  currency: string;
}
interface PeriodAggregate {
  cube: Map<string, CubeCell>;
  tagSets: Map<string, TagSetCell>;
  /** Resource cells by currency, then id (the id is held once: key and cell share it). */
  resources: Map<string, Map<string, ResourceCell>>;
  /** Every resource cell, in the order they were created (the partial's order). */
  resourceOrder: ResourceCell[];
  accountNames: Map<string, string>;
}

const SEP = '\u0000';

/** Position in CubeIds of each of DIMENSIONS (service, account, region, chargeCategory, usageType). */
const DIMENSION_AT = [2, 1, 3, 4, 5];

/** Ids of a cube cell's values: date, account, service, region, charge category, usage type, currency. */
type CubeIds = [number, number, number, number, number, number, number];

/**
 * One character for an id below 2^15, else two (the first with its top bit set): a prefix-free
 * code, so a key of several ids in fixed positions is equal exactly when the ids are.
 */
function idChars(id: number): string {
  return id < 0x8000 ? String.fromCharCode(id) : String.fromCharCode(0x8000 | (id >>> 15), id & 0x7fff);
}
function key3(a: number, b: number, c: number): string {
  return a < 0x8000 && b < 0x8000 && c < 0x8000 ? String.fromCharCode(a, b, c) : idChars(a) + idChars(b) + idChars(c);
}
function key4(a: number, b: number, c: number, d: number): string {
  return a < 0x8000 && b < 0x8000 && c < 0x8000 && d < 0x8000 ? String.fromCharCode(a, b, c, d) : idChars(a) + idChars(b) + idChars(c) + idChars(d);
}
function cubeKey(i: CubeIds): string {
  const [a, b, c, d, e, f, g] = i;
  return a < 0x8000 && b < 0x8000 && c < 0x8000 && d < 0x8000 && e < 0x8000 && f < 0x8000 && g < 0x8000
    ? String.fromCharCode(a, b, c, d, e, f, g)
    : idChars(a) + idChars(b) + idChars(c) + idChars(d) + idChars(e) + idChars(f) + idChars(g);
}
/** Amounts (units of 1e-12) with |x| below this are exact as doubles, and so is a sum of two. */
const SMALL = 2n ** 52n;
const LIMIT = 2 ** 52;

/** A row's amount as a double when exact (see Sums), else NaN (added to the BigInt instead). */
const small = (x: bigint): number => (x < SMALL && x > -SMALL ? Number(x) : NaN);

function addSums(cell: Sums, bn: number, en: number, ln: number, billed: bigint, effective: bigint, list: bigint): void {
  if (bn === bn) {
    const b = cell.b + bn;
    if (b < LIMIT && b > -LIMIT) cell.b = b;
    else {
      cell.billed += BigInt(b);
      cell.b = 0;
    }
  } else cell.billed += billed;
  if (en === en) {
    const e = cell.e + en;
    if (e < LIMIT && e > -LIMIT) cell.e = e;
    else {
      cell.effective += BigInt(e);
      cell.e = 0;
    }
  } else cell.effective += effective;
  if (ln === ln) {
    const l = cell.l + ln;
    if (l < LIMIT && l > -LIMIT) cell.l = l;
    else {
      cell.list += BigInt(l);
      cell.l = 0;
    }
  } else cell.list += list;
}

/** A cell's exact sums. */
const amountsOf = (c: Sums): Amounts => ({ billed: c.billed + BigInt(c.b), effective: c.effective + BigInt(c.e), list: c.list + BigInt(c.l) });

/** What one file (or the merge of several) sums to, in a form a later step can read back. */
export interface PartialAggregate {
  /** `units`: work units the file was read in (plan.ts); `note`: why a large file was not split. */
  files: Array<{ fileName: string; format: string; container: string; records: number; units?: number; note?: string | null }>;
  recordsRead: number;
  rowsRejected: number;
  rejections: Rejection[];
  /** The source files' own totals, per billing period month and currency, as decimal strings. */
  sourceTotals: Array<{ period: string | null; currency: string | null; rows: number; billed: string; effective: string; list: string }>;
  periods: Record<string, { rollups: Record<RollupKind, unknown[][]>; accountNames: Record<string, string>; totals: Array<{ currency: string; rows: number; billed: string; effective: string; list: string }> }>;
}

/** One period's held cells as flat arrays: cube cells (11 values each), tag-set cells (6), resource cells (8), account names (2). */
interface PeriodCells {
  cube: unknown[];
  tagSets: unknown[];
  resources: unknown[];
  accountNames: string[];
}

/**
 * The held cells of an aggregator, compact: how a range worker hands its cells to the thread
 * that merges them (`exportCells` / `importCells`), without the rollup rows a partial would
 * derive from them. Each period's cells are V8-serialized bytes (off the heap, a fraction of
 * the objects' size), read back only when that period is merged.
 */
export interface CellDump {
  periods: Array<{ period: string; bytes: Uint8Array }>;
  rowsRejected: number;
  rejections: Rejection[];
}

const dec = (v: bigint) => formatDecimal(v, { minFractionDigits: 0 });

/**
 * `dec` as a flat string. formatDecimal joins its parts with `+`, which V8 keeps as a tree of
 * cons strings (two 32-byte nodes and the parts) once 13 characters or longer; a partial holds
 * three per rollup row. Joining an array makes one flat string. Same text.
 */
function money(v: bigint): string {
  if (v === 0n) return '0';
  const s = dec(v);
  return s.length < 13 ? s : [s.slice(0, 6), s.slice(6)].join('');
}

const moneyOf = (c: Sums): [string, string, string] => [money(c.billed + BigInt(c.b)), money(c.effective + BigInt(c.e)), money(c.list + BigInt(c.l))];

interface DimensionCell extends Sums {
  date: string;
  value: string;
  currency: string;
}
interface TagCell extends Sums {
  date: string;
  key: string;
  value: string;
  currency: string;
}

export class CostAggregator {
  private readonly periods = new Map<string, PeriodAggregate>();
  private readonly files: PartialAggregate['files'] = [];
  private readonly sourceTotals = new Map<string, { period: string | null; currency: string | null; rows: number } & Amounts>();
  private rejections: Rejection[] = [];
  private rowsRejected = 0;
  private recordsRead = 0;
  /**
   * One copy of each value held by cells (never a slice of a parser chunk), and its id: cell keys
   * are a few characters made of ids (`cubeKey`, `key3`), not the values joined.
   */
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [];
  /** Tag sets' ids by their content (`tagsKey`); 0 is the empty set. */
  private readonly tagSetIds = new Map<string, number>([['', 0]]);
  /** Per cube position: the previous row's value (an interned copy) and its id (consecutive rows repeat most values). */
  private readonly lastText: Array<string | null> = [null, null, null, null, null, null, null];
  private readonly lastId = [0, 0, 0, 0, 0, 0, 0];
  /** The previous row's billing period start and its period. */
  private lastPeriodStart: string | null = null;
  private lastPeriod: PeriodAggregate | null = null;
  /** The last account name checked in `add`, in that period: p.accountNames has it. */
  private namedIn: PeriodAggregate | null = null;
  private namedAccount = -1;
  private namedName: string | null = null;

  /** Imported cells not merged yet, per period, in import order (importCells). */
  private readonly queued = new Map<string, CellDump['periods']>();

  /** Tag set ids by object: rows sharing a tag cell share the parser's frozen object. */
  private readonly tagSetOf = new WeakMap<object, number>();

  private idOf(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      const v = own(s);
      this.values.push(v);
      this.ids.set(v, id);
    }
    return id;
  }

  private intern(s: string): string {
    return this.values[this.idOf(s)]!;
  }

  /** `idOf` through the previous row's value at cube position `at`. */
  private idAt(at: number, s: string): number {
    if (s === this.lastText[at]) return this.lastId[at]!;
    const id = this.idOf(s);
    this.lastText[at] = this.values[id]!;
    this.lastId[at] = id;
    return id;
  }

  /** Forgets the previous row (before cells are merged, exported or released). */
  private forget(): void {
    this.lastPeriodStart = null;
    this.lastPeriod = null;
    this.namedIn = null;
    this.namedName = null;
  }

  private period(period: string): PeriodAggregate {
    let p = this.periods.get(period);
    if (!p) this.periods.set(own(period), (p = { cube: new Map(), tagSets: new Map(), resources: new Map(), resourceOrder: [], accountNames: new Map() }));
    return p;
  }

  private resourcesIn(p: PeriodAggregate, currency: string): Map<string, ResourceCell> {
    let byId = p.resources.get(currency);
    if (!byId) p.resources.set(currency, (byId = new Map()));
    return byId;
  }

  /** Id of a tag set's content (equal sets in different objects have one id); 0 for no tags. */
  private tagSetId(tags: Readonly<Record<string, string>>): number {
    let id = this.tagSetOf.get(tags);
    if (id === undefined) {
      let tagsKey = '';
      for (const k in tags) tagsKey += k + SEP + tags[k] + SEP;
      id = this.tagSetIds.get(tagsKey);
      if (id === undefined) this.tagSetIds.set(tagsKey, (id = this.tagSetIds.size));
      this.tagSetOf.set(tags, id);
    }
    return id;
  }

  add(row: CostRow): void {
    const periodStart = row.billingPeriodStart;
    let p = this.lastPeriod;
    if (p === null || periodStart !== this.lastPeriodStart) {
      p = this.period(periodStart.slice(0, 7));
      this.lastPeriod = p;
      this.lastPeriodStart = own(periodStart);
    }
    const list = row.listCost ?? 0n;
    const { billedCost: billed, effectiveCost: effective } = row;
    const bn = small(billed);
    const en = small(effective);
    const ln = small(list);
    const date = this.idAt(0, row.chargeDate);
    const account = this.idAt(1, row.subAccountId ?? NONE);
    const service = this.idAt(2, row.serviceName ?? NONE);
    const region = this.idAt(3, row.regionId ?? NONE);
    const category = this.idAt(4, row.chargeCategory);
    const usageType = this.idAt(5, row.usageType ?? NONE);
    const currency = this.idAt(6, row.currency);

    const key =
      (date | account | service | region | category | usageType | currency) < 0x8000
        ? String.fromCharCode(date, account, service, region, category, usageType, currency)
        : cubeKey([date, account, service, region, category, usageType, currency]);
    let cube = p.cube.get(key);
    if (!cube) {
      cube = this.newCube([date, account, service, region, category, usageType, currency]);
      p.cube.set(key, cube);
    }
    addSums(cube, bn, en, ln, billed, effective, list);
    cube.rows++;

    const tags = row.tags;
    const tagSet = this.tagSetId(tags);
    if (tagSet !== 0) {
      const key = key3(date, currency, tagSet);
      let set = p.tagSets.get(key);
      if (!set) p.tagSets.set(key, (set = { date: cube.date, currency: cube.currency, tags, billed: 0n, effective: 0n, list: 0n, b: 0, e: 0, l: 0 }));
      addSums(set, bn, en, ln, billed, effective, list);
    }

    const resourceId = row.resourceId;
    if (resourceId) {
      const byId = this.resourcesIn(p, cube.currency);
      let resource = byId.get(resourceId);
      if (!resource) {
        const id = own(resourceId);
        resource = { resourceId: id, account: cube.account, service: cube.service, region: cube.region, currency: cube.currency, billed: 0n, effective: 0n, list: 0n, b: 0, e: 0, l: 0 };
        byId.set(id, resource);
        p.resourceOrder.push(resource);
      }
      addSums(resource, bn, en, ln, billed, effective, list);
    }
    const name = row.subAccountName;
    if (row.subAccountId && name && !(p === this.namedIn && account === this.namedAccount && name === this.namedName)) {
      if (p.accountNames.get(row.subAccountId) !== name) p.accountNames.set(this.intern(row.subAccountId), this.intern(name));
      this.namedIn = p;
      this.namedAccount = account;
      this.namedName = this.intern(name);
    }
  }

  private newCube(ids: CubeIds): CubeCell {
    const v = this.values;
    return {
      ids,
      date: v[ids[0]]!,
      account: v[ids[1]]!,
      service: v[ids[2]]!,
      region: v[ids[3]]!,
      chargeCategory: v[ids[4]]!,
      usageType: v[ids[5]]!,
      currency: v[ids[6]]!,
      billed: 0n,
      effective: 0n,
      list: 0n,
      b: 0,
      e: 0,
      l: 0,
      rows: 0,
    };
  }

  reject(fileName: string, rejection: RowRejection): void {
    this.rowsRejected++;
    if (this.rejections.length < MAX_REJECTIONS_KEPT) {
      this.rejections.push({ file: fileName, line: rejection.line, code: rejection.code, column: rejection.column, message: rejection.message });
    }
  }

  /** Records a file's own totals (from the parser, summed independently of the rows above). */
  finishFile(file: { fileName: string; format: string; container: string }, totals: SourceTotals): void {
    this.files.push({ ...file, records: totals.recordsRead });
    this.recordsRead += totals.recordsRead;
    for (const t of totals.periods) {
      const period = t.billingPeriodStart?.slice(0, 7) ?? null;
      const key = `${period}|${t.currency}`;
      let sum = this.sourceTotals.get(key);
      if (!sum) this.sourceTotals.set(key, (sum = { period, currency: t.currency, rows: 0, ...zeroAmounts() }));
      sum.rows += t.rows;
      addAmounts(sum, t.billedCost, t.effectiveCost, t.listCost);
    }
  }

  /**
   * The held cells, for `importCells` on another thread. Each period's cells are released as
   * they are written out (the aggregator is spent: call this once, last).
   */
  exportCells(): CellDump {
    this.forget();
    const periods: CellDump['periods'] = [];
    for (const [period, p] of this.periods) {
      this.mergeQueued(period, p);
      const cube: unknown[] = [];
      for (const c of p.cube.values()) {
        const a = amountsOf(c);
        cube.push(c.date, c.account, c.service, c.region, c.chargeCategory, c.usageType, c.currency, a.billed, a.effective, a.list, c.rows);
      }
      p.cube.clear();
      const tagSets: unknown[] = [];
      for (const s of p.tagSets.values()) {
        const a = amountsOf(s);
        tagSets.push(s.date, s.currency, s.tags, a.billed, a.effective, a.list);
      }
      p.tagSets.clear();
      const resources: unknown[] = [];
      for (const r of p.resourceOrder) {
        const a = amountsOf(r);
        resources.push(r.resourceId, r.account, r.service, r.region, r.currency, a.billed, a.effective, a.list);
      }
      p.resources.clear();
      p.resourceOrder = [];
      const cells: PeriodCells = { cube, tagSets, resources, accountNames: [...p.accountNames].flat() };
      periods.push({ period, bytes: serialize(cells) });
    }
    this.periods.clear();
    return { periods, rowsRejected: this.rowsRejected, rejections: this.rejections };
  }

  /**
   * Adds the cells of an aggregator that read the rows AFTER this one's (the next byte range of
   * the file): the result is the cells of one aggregator that read both, in the same order --
   * new cells go after this one's, first seen wins for a resource's dimensions and the last name
   * for an account, as in `add`. Rejection lines are moved by `lineOffset`.
   */
  importCells(dump: CellDump, fileLineOffset = 0): void {
    // A period's cells are merged when the partial reaches it (toPartial): merged cells of one
    // period at a time, not of the whole file, are held next to the rows written so far.
    for (const d of dump.periods) {
      this.period(d.period);
      let queue = this.queued.get(d.period);
      if (!queue) this.queued.set(d.period, (queue = []));
      queue.push(d);
    }
    this.rowsRejected += dump.rowsRejected;
    for (const rejection of dump.rejections) {
      if (this.rejections.length >= MAX_REJECTIONS_KEPT) break;
      if (fileLineOffset !== 0) {
        const line = rejection.line + fileLineOffset;
        rejection.message = rejection.message.replace(/^line \d+: /, `line ${line}: `);
        rejection.line = line;
      }
      this.rejections.push(rejection);
    }
  }

  /** Merges the imported cells of one period (in import order), then lets them go. */
  private mergeQueued(period: string, p: PeriodAggregate): void {
    const queue = this.queued.get(period);
    if (!queue) return;
    this.forget();
    this.queued.delete(period);
    for (let q = 0; q < queue.length; q++) {
      const d = deserialize(queue[q]!.bytes) as PeriodCells;
      queue[q] = undefined as never;
      const zero = { b: 0, e: 0, l: 0 };
      const c = d.cube;
      for (let i = 0; i < c.length; i += 11) {
        const ids = (c.slice(i, i + 7) as string[]).map((s) => this.idOf(s)) as CubeIds;
        const key = cubeKey(ids);
        let cube = p.cube.get(key);
        if (!cube) p.cube.set(key, (cube = this.newCube(ids)));
        cube.billed += c[i + 7] as bigint;
        cube.effective += c[i + 8] as bigint;
        cube.list += c[i + 9] as bigint;
        cube.rows += c[i + 10] as number;
      }
      const t = d.tagSets;
      for (let i = 0; i < t.length; i += 6) {
        const date = this.intern(t[i] as string);
        const currency = this.intern(t[i + 1] as string);
        const tags = t[i + 2] as Readonly<Record<string, string>>;
        const key = key3(this.idOf(date), this.idOf(currency), this.tagSetId(tags));
        let set = p.tagSets.get(key);
        if (!set) p.tagSets.set(key, (set = { date, currency, tags, billed: 0n, effective: 0n, list: 0n, ...zero }));
        set.billed += t[i + 3] as bigint;
        set.effective += t[i + 4] as bigint;
        set.list += t[i + 5] as bigint;
      }
      const r = d.resources;
      for (let i = 0; i < r.length; i += 8) {
        const resourceId = r[i] as string;
        const currency = this.intern(r[i + 4] as string);
        const byId = this.resourcesIn(p, currency);
        let resource = byId.get(resourceId);
        if (!resource) {
          const [account, service, region] = [r[i + 1], r[i + 2], r[i + 3]].map((s) => this.intern(s as string)) as [string, string, string];
          byId.set(resourceId, (resource = { resourceId, account, service, region, currency, billed: 0n, effective: 0n, list: 0n, ...zero }));
          p.resourceOrder.push(resource);
        }
        resource.billed += r[i + 5] as bigint;
        resource.effective += r[i + 6] as bigint;
        resource.list += r[i + 7] as bigint;
      }
      const names = d.accountNames;
      for (let i = 0; i < names.length; i += 2) p.accountNames.set(this.intern(names[i]!), this.intern(names[i + 1]!));
    }
  }

  /**
   * The partial. With `release`, each period's cells are dropped once its rollup rows are
   * written (the aggregator is spent), so the cells and the rows are not all held at once.
   * Rows are what `codec.*.encode` writes, built directly: exact-length arrays, amounts as flat
   * decimal strings (`money`), no intermediate objects.
   */
  toPartial(options: { release?: boolean } = {}): PartialAggregate {
    this.forget();
    const periods: PartialAggregate['periods'] = {};
    for (const [period, p] of [...this.periods].sort(([a], [b]) => a.localeCompare(b))) {
      this.mergeQueued(period, p);
      const dims = DIMENSIONS.map(() => new Map<string, DimensionCell>());
      const totals = new Map<string, Sums & { rows: number }>();
      const cubeRows: unknown[][] = new Array(p.cube.size);
      let n = 0;
      for (const c of p.cube.values()) {
        const billed = c.billed + BigInt(c.b);
        const effective = c.effective + BigInt(c.e);
        const list = c.list + BigInt(c.l);
        const bn = small(billed);
        const en = small(effective);
        const ln = small(list);
        cubeRows[n++] = [c.date, c.account, c.service, c.region, c.chargeCategory, c.usageType, c.currency, money(billed), money(effective), money(list)];
        // DIMENSIONS order: service, account, region, chargeCategory, usageType.
        const ids = c.ids;
        for (let d = 0; d < 5; d++) {
          const value = d === 0 ? c.service : d === 1 ? c.account : d === 2 ? c.region : d === 3 ? c.chargeCategory : c.usageType;
          const key = key3(ids[0], ids[DIMENSION_AT[d]!]!, ids[6]);
          let dim = dims[d]!.get(key);
          if (!dim) dims[d]!.set(key, (dim = { date: c.date, value, currency: c.currency, billed: 0n, effective: 0n, list: 0n, b: 0, e: 0, l: 0 }));
          addSums(dim, bn, en, ln, billed, effective, list);
        }
        let total = totals.get(c.currency);
        if (!total) totals.set(c.currency, (total = { rows: 0, billed: 0n, effective: 0n, list: 0n, b: 0, e: 0, l: 0 }));
        total.rows += c.rows;
        addSums(total, bn, en, ln, billed, effective, list);
      }
      if (options.release) p.cube.clear();
      const tagCells = new Map<string, TagCell>();
      for (const s of p.tagSets.values()) {
        const dateId = this.idOf(s.date);
        const currencyId = this.idOf(s.currency);
        const billed = s.billed + BigInt(s.b);
        const effective = s.effective + BigInt(s.e);
        const list = s.list + BigInt(s.l);
        const bn = small(billed);
        const en = small(effective);
        const ln = small(list);
        for (const key in s.tags) {
          const value = s.tags[key]!;
          const k = key4(dateId, this.idOf(key), this.idOf(value), currencyId);
          let cell = tagCells.get(k);
          if (!cell) tagCells.set(k, (cell = { date: s.date, key, value, currency: s.currency, billed: 0n, effective: 0n, list: 0n, b: 0, e: 0, l: 0 }));
          addSums(cell, bn, en, ln, billed, effective, list);
        }
      }
      if (options.release) p.tagSets.clear();
      const rollups = {} as Record<RollupKind, unknown[][]>;
      DIMENSIONS.forEach((dimension, d) => {
        const rows: unknown[][] = new Array(dims[d]!.size);
        let i = 0;
        for (const c of dims[d]!.values()) {
          const m = moneyOf(c);
          rows[i++] = [c.date, c.value, c.currency, m[0], m[1], m[2]];
        }
        rollups[dimension] = rows;
        dims[d]!.clear();
      });
      rollups.cube = cubeRows;
      const tagRows: unknown[][] = new Array(tagCells.size);
      n = 0;
      for (const c of tagCells.values()) {
        const m = moneyOf(c);
        tagRows[n++] = [c.date, c.key, c.value, c.currency, m[0], m[1], m[2]];
      }
      tagCells.clear();
      rollups.tag = tagRows;
      const resourceRows: unknown[][] = new Array(p.resourceOrder.length);
      n = 0;
      for (const r of p.resourceOrder) {
        const m = moneyOf(r);
        resourceRows[n++] = [r.resourceId, r.account, r.service, r.region, r.currency, m[0], m[1], m[2]];
      }
      rollups.resource = resourceRows;
      if (options.release) {
        p.resources.clear();
        p.resourceOrder = [];
      }
      periods[period] = {
        rollups,
        accountNames: Object.fromEntries(p.accountNames),
        totals: [...totals].map(([currency, t]) => {
          const a = amountsOf(t);
          return { currency, rows: t.rows, billed: dec(a.billed), effective: dec(a.effective), list: dec(a.list) };
        }),
      };
      if (options.release) this.periods.delete(period);
    }
    return {
      files: this.files,
      recordsRead: this.recordsRead,
      rowsRejected: this.rowsRejected,
      rejections: this.rejections,
      sourceTotals: [...this.sourceTotals.values()].map((t) => ({ period: t.period, currency: t.currency, rows: t.rows, billed: dec(t.billed), effective: dec(t.effective), list: dec(t.list) })),
      periods,
    };
  }
}

/** Merges the partials of several files: cells with the same keys add up exactly. */
export function mergePartials(partials: PartialAggregate[]): PartialAggregate {
  if (partials.length === 1) return partials[0]!;
  const merged: PartialAggregate = { files: [], recordsRead: 0, rowsRejected: 0, rejections: [], sourceTotals: [], periods: {} };
  const sourceTotals = new Map<string, PartialAggregate['sourceTotals'][number]>();
  const addStrings = (a: string, b: string) => dec(parseDecimal(a) + parseDecimal(b));
  for (const part of partials) {
    merged.files.push(...part.files);
    merged.recordsRead += part.recordsRead;
    merged.rowsRejected += part.rowsRejected;
    merged.rejections.push(...part.rejections.slice(0, MAX_REJECTIONS_KEPT - merged.rejections.length));
    for (const t of part.sourceTotals) {
      const key = `${t.period}|${t.currency}`;
      const into = sourceTotals.get(key);
      if (!into) sourceTotals.set(key, { ...t });
      else Object.assign(into, { rows: into.rows + t.rows, billed: addStrings(into.billed, t.billed), effective: addStrings(into.effective, t.effective), list: addStrings(into.list, t.list) });
    }
    for (const [period, data] of Object.entries(part.periods)) {
      const into = (merged.periods[period] ??= { rollups: {} as Record<RollupKind, unknown[][]>, accountNames: {}, totals: [] });
      Object.assign(into.accountNames, data.accountNames);
      for (const [kind, rows] of Object.entries(data.rollups) as Array<[RollupKind, unknown[][]]>) (into.rollups[kind] ??= []).push(...rows);
      for (const t of data.totals) {
        const total = into.totals.find((x) => x.currency === t.currency);
        if (!total) into.totals.push({ ...t });
        else Object.assign(total, { rows: total.rows + t.rows, billed: addStrings(total.billed, t.billed), effective: addStrings(total.effective, t.effective), list: addStrings(total.list, t.list) });
      }
    }
  }
  merged.sourceTotals = [...sourceTotals.values()];
  // Rows of the same cell from different files are summed by re-keying the merged rollups.
  for (const data of Object.values(merged.periods)) data.rollups = combineRollups(data.rollups);
  return merged;
}

/** The columns that identify a cell, per kind: the same keys CostAggregator.add() uses. */
const KEY_COLUMNS: Record<RollupKind, number[]> = {
  service: [0, 1, 2],
  account: [0, 1, 2],
  region: [0, 1, 2],
  chargeCategory: [0, 1, 2],
  usageType: [0, 1, 2],
  cube: [0, 1, 2, 3, 4, 5, 6],
  tag: [0, 1, 2, 3],
  // A resource is one cell per currency; its account, service and region are the first seen.
  resource: [0, 4],
};
const AMOUNT_COLUMN: Record<RollupKind, number> = { service: 3, account: 3, region: 3, chargeCategory: 3, usageType: 3, cube: 7, tag: 4, resource: 5 };

function combineRollups(rollups: Record<RollupKind, unknown[][]>): Record<RollupKind, unknown[][]> {
  const out = {} as Record<RollupKind, unknown[][]>;
  for (const [kind, rows] of Object.entries(rollups) as Array<[RollupKind, unknown[][]]>) {
    const at = AMOUNT_COLUMN[kind];
    const cells = new Map<string, unknown[]>();
    for (const row of rows) {
      const key = KEY_COLUMNS[kind].map((i) => row[i]).join(SEP);
      const cell = cells.get(key);
      if (!cell) cells.set(key, [...row]);
      else for (let i = at; i < at + 3; i++) cell[i] = dec(parseDecimal(String(cell[i])) + parseDecimal(String(row[i])));
    }
    out[kind] = [...cells.values()];
  }
  return out;
}
