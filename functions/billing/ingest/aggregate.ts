import { own } from '../parse/cells.js';
import type { CostRow, RowRejection, SourceTotals } from '../parse/index.js';
import {
  addAmounts,
  codec,
  DIMENSIONS,
  NONE,
  zeroAmounts,
  type Amounts,
  type CubeRow,
  type Dimension,
  type DimensionRow,
  type ResourceRow,
  type RollupKind,
  type TagRow,
} from '#shared/costs/rollups.js';
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
 */
interface CubeCell extends CubeRow {
  rows: number;
}
interface TagSetCell extends Amounts {
  date: string;
  currency: string;
  tags: Readonly<Record<string, string>>;
}
interface PeriodAggregate {
  cube: Map<string, CubeCell>;
  tagSets: Map<string, TagSetCell>;
  resources: Map<string, ResourceRow>;
  accountNames: Map<string, string>;
}

const SEP = '\u0000';

/** What one file (or the merge of several) sums to, in a form a later step can read back. */
export interface PartialAggregate {
  files: Array<{ fileName: string; format: string; container: string; records: number }>;
  recordsRead: number;
  rowsRejected: number;
  rejections: Rejection[];
  /** The source files' own totals, per billing period month and currency, as decimal strings. */
  sourceTotals: Array<{ period: string | null; currency: string | null; rows: number; billed: string; effective: string; list: string }>;
  periods: Record<string, { rollups: Record<RollupKind, unknown[][]>; accountNames: Record<string, string>; totals: Array<{ currency: string; rows: number; billed: string; effective: string; list: string }> }>;
}

const dec = (v: bigint) => formatDecimal(v, { minFractionDigits: 0 });

export class CostAggregator {
  private readonly periods = new Map<string, PeriodAggregate>();
  private readonly files: PartialAggregate['files'] = [];
  private readonly sourceTotals = new Map<string, { period: string | null; currency: string | null; rows: number } & Amounts>();
  private rejections: Rejection[] = [];
  private rowsRejected = 0;
  private recordsRead = 0;

  /** Tag sets by object: rows sharing a tag cell share the parser's frozen object. */
  private readonly tagSetKeys = new WeakMap<object, string>();

  add(row: CostRow): void {
    const period = row.billingPeriodStart.slice(0, 7);
    let p = this.periods.get(period);
    if (!p) this.periods.set(own(period), (p = { cube: new Map(), tagSets: new Map(), resources: new Map(), accountNames: new Map() }));
    const list = row.listCost ?? 0n;
    const { billedCost: billed, effectiveCost: effective, currency, chargeDate: date, chargeCategory } = row;
    const account = row.subAccountId ?? NONE;
    const service = row.serviceName ?? NONE;
    const region = row.regionId ?? NONE;
    const usageType = row.usageType ?? NONE;

    const cubeKey = date + SEP + account + SEP + service + SEP + region + SEP + chargeCategory + SEP + usageType + SEP + currency;
    let cube = p.cube.get(cubeKey);
    if (!cube) {
      // own(): cells are held for the whole file; a slice of a parser chunk would hold the chunk.
      cube = { date: own(date), account: own(account), service: own(service), region: own(region), chargeCategory, usageType: own(usageType), currency: own(currency), billed: 0n, effective: 0n, list: 0n, rows: 0 };
      p.cube.set(own(cubeKey), cube);
    }
    cube.billed += billed;
    cube.effective += effective;
    cube.list += list;
    cube.rows++;

    const tags = row.tags;
    let tagsKey = this.tagSetKeys.get(tags);
    if (tagsKey === undefined) {
      tagsKey = '';
      for (const k in tags) tagsKey += k + SEP + tags[k] + SEP;
      this.tagSetKeys.set(tags, tagsKey);
    }
    if (tagsKey !== '') {
      const key = date + SEP + currency + SEP + tagsKey;
      let set = p.tagSets.get(key);
      if (!set) p.tagSets.set(own(key), (set = { date: cube.date, currency: cube.currency, tags, billed: 0n, effective: 0n, list: 0n }));
      set.billed += billed;
      set.effective += effective;
      set.list += list;
    }

    const resourceId = row.resourceId;
    if (resourceId) {
      const key = resourceId + SEP + currency;
      let resource = p.resources.get(key);
      if (!resource) {
        resource = { resourceId: own(resourceId), account: cube.account, service: cube.service, region: cube.region, currency: cube.currency, billed: 0n, effective: 0n, list: 0n };
        p.resources.set(own(key), resource);
      }
      resource.billed += billed;
      resource.effective += effective;
      resource.list += list;
    }
    const name = row.subAccountName;
    if (row.subAccountId && name && p.accountNames.get(row.subAccountId) !== name) p.accountNames.set(own(row.subAccountId), own(name));
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

  toPartial(): PartialAggregate {
    const periods: PartialAggregate['periods'] = {};
    for (const [period, p] of [...this.periods].sort(([a], [b]) => a.localeCompare(b))) {
      const dims = Object.fromEntries(DIMENSIONS.map((d) => [d, new Map<string, DimensionRow>()])) as Record<Dimension, Map<string, DimensionRow>>;
      const totals = new Map<string, Amounts & { rows: number }>();
      for (const c of p.cube.values()) {
        const values: Record<Dimension, string> = { service: c.service, account: c.account, region: c.region, chargeCategory: c.chargeCategory, usageType: c.usageType };
        for (const dimension of DIMENSIONS) {
          const key = c.date + SEP + values[dimension] + SEP + c.currency;
          let cell = dims[dimension].get(key);
          if (!cell) dims[dimension].set(key, (cell = { date: c.date, value: values[dimension], currency: c.currency, ...zeroAmounts() }));
          addAmounts(cell, c.billed, c.effective, c.list);
        }
        let total = totals.get(c.currency);
        if (!total) totals.set(c.currency, (total = { rows: 0, ...zeroAmounts() }));
        total.rows += c.rows;
        addAmounts(total, c.billed, c.effective, c.list);
      }
      const tagCells = new Map<string, TagRow>();
      for (const s of p.tagSets.values()) {
        for (const key in s.tags) {
          const value = s.tags[key]!;
          const k = s.date + SEP + key + SEP + value + SEP + s.currency;
          let cell = tagCells.get(k);
          if (!cell) tagCells.set(k, (cell = { date: s.date, key, value, currency: s.currency, ...zeroAmounts() }));
          addAmounts(cell, s.billed, s.effective, s.list);
        }
      }
      const rollups = {} as Record<RollupKind, unknown[][]>;
      for (const dimension of DIMENSIONS) rollups[dimension] = [...dims[dimension].values()].map(codec.dimension.encode);
      rollups.cube = [...p.cube.values()].map(codec.cube.encode);
      rollups.tag = [...tagCells.values()].map(codec.tag.encode);
      rollups.resource = [...p.resources.values()].map(codec.resource.encode);
      periods[period] = {
        rollups,
        accountNames: Object.fromEntries(p.accountNames),
        totals: [...totals].map(([currency, t]) => ({ currency, rows: t.rows, billed: dec(t.billed), effective: dec(t.effective), list: dec(t.list) })),
      };
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
