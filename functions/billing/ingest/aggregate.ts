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

interface PeriodAggregate {
  dims: Record<Dimension, Map<string, DimensionRow>>;
  cube: Map<string, CubeRow>;
  tags: Map<string, TagRow>;
  resources: Map<string, ResourceRow>;
  accountNames: Map<string, string>;
  totals: Map<string, Amounts & { rows: number }>;
}

const SEP = '\u0000';

function emptyPeriod(): PeriodAggregate {
  return {
    dims: Object.fromEntries(DIMENSIONS.map((d) => [d, new Map()])) as Record<Dimension, Map<string, DimensionRow>>,
    cube: new Map(),
    tags: new Map(),
    resources: new Map(),
    accountNames: new Map(),
    totals: new Map(),
  };
}

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

  add(row: CostRow): void {
    const period = row.billingPeriodStart.slice(0, 7);
    let p = this.periods.get(period);
    if (!p) this.periods.set(period, (p = emptyPeriod()));
    const list = row.listCost ?? 0n;
    const { billedCost: billed, effectiveCost: effective, currency, chargeDate: date } = row;
    const account = row.subAccountId ?? NONE;
    const values: Record<Dimension, string> = {
      service: row.serviceName ?? NONE,
      account,
      region: row.regionId ?? NONE,
      chargeCategory: row.chargeCategory,
      usageType: row.usageType ?? NONE,
    };
    for (const dimension of DIMENSIONS) {
      const key = date + SEP + values[dimension] + SEP + currency;
      let cell = p.dims[dimension].get(key);
      if (!cell) p.dims[dimension].set(key, (cell = { date, value: values[dimension], currency, ...zeroAmounts() }));
      addAmounts(cell, billed, effective, list);
    }
    const cubeKey = date + SEP + account + SEP + values.service + SEP + values.region + SEP + values.chargeCategory + SEP + values.usageType + SEP + currency;
    let cube = p.cube.get(cubeKey);
    if (!cube) {
      p.cube.set(cubeKey, (cube = { date, account, service: values.service, region: values.region, chargeCategory: values.chargeCategory, usageType: values.usageType, currency, ...zeroAmounts() }));
    }
    addAmounts(cube, billed, effective, list);
    for (const tagKey in row.tags) {
      const value = row.tags[tagKey]!;
      const key = date + SEP + tagKey + SEP + value + SEP + currency;
      let tag = p.tags.get(key);
      if (!tag) p.tags.set(key, (tag = { date, key: tagKey, value, currency, ...zeroAmounts() }));
      addAmounts(tag, billed, effective, list);
    }
    if (row.resourceId) {
      const key = row.resourceId + SEP + currency;
      let resource = p.resources.get(key);
      if (!resource) p.resources.set(key, (resource = { resourceId: row.resourceId, account, service: values.service, region: values.region, currency, ...zeroAmounts() }));
      addAmounts(resource, billed, effective, list);
    }
    if (row.subAccountId && row.subAccountName) p.accountNames.set(row.subAccountId, row.subAccountName);
    let total = p.totals.get(currency);
    if (!total) p.totals.set(currency, (total = { rows: 0, ...zeroAmounts() }));
    total.rows++;
    addAmounts(total, billed, effective, list);
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
      const rollups = {} as Record<RollupKind, unknown[][]>;
      for (const dimension of DIMENSIONS) rollups[dimension] = [...p.dims[dimension].values()].map(codec.dimension.encode);
      rollups.cube = [...p.cube.values()].map(codec.cube.encode);
      rollups.tag = [...p.tags.values()].map(codec.tag.encode);
      rollups.resource = [...p.resources.values()].map(codec.resource.encode);
      periods[period] = {
        rollups,
        accountNames: Object.fromEntries(p.accountNames),
        totals: [...p.totals].map(([currency, t]) => ({ currency, rows: t.rows, billed: dec(t.billed), effective: dec(t.effective), list: dec(t.list) })),
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
