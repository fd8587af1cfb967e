/**
 * The rollup aggregator as it was before the lean rewrite (functions/billing/ingest/aggregate.ts at
 * the commit that introduced this file): every rollup cell summed row by row. Test-only: the
 * production aggregator and the multi-worker path must give exactly its partial.
 */
import type { CostRow, RowRejection, SourceTotals } from '#functions/billing/parse/index.js';
import { MAX_REJECTIONS_KEPT, type PartialAggregate, type Rejection } from '#functions/billing/ingest/aggregate.js';
import { addAmounts, codec, DIMENSIONS, NONE, zeroAmounts, type Amounts, type CubeRow, type Dimension, type DimensionRow, type ResourceRow, type RollupKind, type TagRow } from '#shared/costs/rollups.js';
import { formatDecimal } from '#shared/money.js';

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

const dec = (v: bigint) => formatDecimal(v, { minFractionDigits: 0 });

export class ReferenceAggregator {
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

