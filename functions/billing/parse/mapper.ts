/**
 * Turns one record (an array of cells in header order) into a `CostRow` or a `RowRejection`, and
 * feeds the source totals. Built once per file from the format's rule table (`formats.ts`):
 * every column is resolved to its position here, so the per-row work is array reads and the
 * cell parsers.
 *
 * Per record, in order:
 *   1. field count (CSV): a record whose field count differs from the header is rejected whole;
 *   2. the cost cells (BilledCost, EffectiveCost, ListCost by the format's expressions);
 *   3. SOURCE TOTALS: the costs are added under the record's billing period and currency as
 *      written (unreadable ones under null) -- before, and whatever, the mapping decides next;
 *   4. the mapping and its checks (dates, category, currency, quantity, tags) -> row or rejection.
 */
import { ONE, multiply, tryParseDecimal } from '#shared/money.js';
import { cellText, DateReader, excerpt, isNullText, jsonStringField, NO_TAGS, own, type ParsedInstant, TagReader, type Tags } from './cells.js';
import type { ColumnIndex, Detection } from './detect.js';
import { BillingFileError } from './errors.js';
import type { MoneyExpr, TextField, TextSource } from './formats.js';
import { TotalsAccumulator } from './totals.js';
import type { ChargeCategory, CostRow, OpenOptions, ParsedRecord, RejectionCode, RowRejection } from './types.js';

type Cells = ArrayLike<unknown>;

/** Why a cost cell could not be read. */
class CellFailure {
  constructor(
    readonly code: 'NON_NUMERIC' | 'MISSING_VALUE',
    readonly column: string,
    readonly value: unknown,
    /** The column is not in the file at all (an expression needs it). */
    readonly absent = false,
  ) {}
}

type MoneyFn = (cells: Cells) => bigint | CellFailure;
type TextFn = (cells: Cells) => string | null;

const NULL_TEXT: TextFn = () => null;
const CATEGORIES: readonly ChargeCategory[] = ['Usage', 'Purchase', 'Tax', 'Credit', 'Adjustment'];
const CATEGORY_BY_LOWER = new Map(CATEGORIES.map((c) => [c.toLowerCase(), c] as const));
/** The categories as FOCUS spells them: what `CATEGORY_BY_LOWER.get(text.trim().toLowerCase())` gives them, without the copies. */
const CATEGORY_EXACT = new Map<string, ChargeCategory>(CATEGORIES.map((c) => [c, c] as const));

/** The previous row's text of one date column and what it read as (consecutive rows repeat dates). */
class LastDate {
  text: string | null = null;
  parsed: ParsedInstant | null = null;
}

/** A decimal cell: strings from CSV; numbers, bigints (integers) or decimal strings from Parquet. */
function readDecimal(v: unknown, column: string): bigint | CellFailure {
  if (typeof v === 'string') {
    if (isNullText(v)) return new CellFailure('MISSING_VALUE', column, v);
    const parsed = tryParseDecimal(v);
    if (parsed !== undefined) return parsed;
    const trimmed = v.trim(); // spreadsheet exports leave "0.00 "
    const again = trimmed !== v ? (isNullText(trimmed) ? undefined : tryParseDecimal(trimmed)) : undefined;
    if (again !== undefined) return again;
    if (trimmed === '') return new CellFailure('MISSING_VALUE', column, v);
    return new CellFailure('NON_NUMERIC', column, v);
  }
  if (v === null || v === undefined) return new CellFailure('MISSING_VALUE', column, null);
  if (typeof v === 'number') {
    // A Parquet DOUBLE: its shortest round-trip decimal text is the value the exporter wrote.
    const parsed = Number.isFinite(v) ? tryParseDecimal(String(v)) : undefined;
    return parsed ?? new CellFailure('NON_NUMERIC', column, v);
  }
  if (typeof v === 'bigint') return v * ONE;
  return new CellFailure('NON_NUMERIC', column, v);
}

const DECIMAL_CACHE_LIMIT = 65_536;

/**
 * `readDecimal` with the values of decimal strings read before (one file's costs repeat a lot):
 * the value is a function of the text alone, so a cached one is the one `readDecimal` gives.
 * Failures are not cached (their column differs).
 */
class DecimalReader {
  private readonly cache = new Map<string, bigint>();

  read(v: unknown, column: string): bigint | CellFailure {
    if (typeof v === 'string') {
      const hit = this.cache.get(v);
      if (hit !== undefined) return hit;
      const parsed = readDecimal(v, column);
      if (typeof parsed === 'bigint') {
        if (this.cache.size >= DECIMAL_CACHE_LIMIT) this.cache.clear();
        this.cache.set(own(v), parsed);
      }
      return parsed;
    }
    return readDecimal(v, column);
  }
}

function compileMoney(expr: MoneyExpr, index: ColumnIndex, decimals: DecimalReader): MoneyFn {
  const column = (name: string): MoneyFn => {
    const i = index.find(name);
    if (i < 0) {
      const failure = new CellFailure('MISSING_VALUE', name, null, true);
      return () => failure;
    }
    const spelled = index.names[i]!;
    return (cells) => decimals.read(cells[i], spelled);
  };
  if ('col' in expr) return column(expr.col);
  if ('zero' in expr) return () => 0n;
  if ('zeroIfPresent' in expr) {
    const i = index.find(expr.zeroIfPresent);
    const otherwise = compileMoney(expr.otherwise, index, decimals);
    if (i < 0) return otherwise;
    return (cells) => (cellText(cells[i]) !== null ? 0n : otherwise(cells));
  }
  const [a, b, op] =
    'add' in expr ? [expr.add[0], expr.add[1], 'add'] : 'sub' in expr ? [expr.sub[0], expr.sub[1], 'sub'] : [expr.mul[0], expr.mul[1], 'mul'];
  const fa = column(a);
  const fb = column(b);
  return (cells) => {
    const x = fa(cells);
    if (typeof x !== 'bigint') return x;
    const y = fb(cells);
    if (typeof y !== 'bigint') return y;
    return op === 'add' ? x + y : op === 'sub' ? x - y : multiply(x, y);
  };
}

function compileText(sources: readonly TextSource[], index: ColumnIndex): TextFn {
  const fns: TextFn[] = [];
  for (const source of sources) {
    if (typeof source === 'string') {
      const i = index.find(source);
      if (i < 0) continue;
      fns.push((cells) => {
        const v = cells[i];
        return typeof v === 'string' ? (isNullText(v) ? null : v) : cellText(v);
      });
    } else {
      const i = index.find(source.map);
      if (i < 0) continue;
      const key = source.key;
      fns.push((cells) => jsonStringField(cells[i], key) ?? null);
    }
  }
  if (fns.length === 0) return NULL_TEXT;
  if (fns.length === 1) return fns[0]!;
  return (cells) => {
    for (const fn of fns) {
      const v = fn(cells);
      if (v !== null) return v;
    }
    return null;
  };
}

/** Position of the first present column among aliases, with its header spelling. */
function locate(index: ColumnIndex, names: readonly string[]): { i: number; name: string } {
  const i = index.findAll(names)[0] ?? -1;
  return { i, name: i >= 0 ? index.names[i]! : (names[0] ?? '') };
}

const ISO_CODE = /^[A-Za-z]{3}$/;
const cut = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}...` : s);

export class RecordMapper {
  readonly totals = new TotalsAccumulator();
  readonly notes: string[] = [];
  private readonly fieldCount: number;
  private readonly dates: DateReader;
  private readonly decimals = new DecimalReader();
  private readonly lastPeriod = new LastDate();
  private readonly lastStart = new LastDate();
  private readonly lastEnd = new LastDate();
  private readonly tagReader: TagReader;
  private readonly billed: MoneyFn;
  private readonly effectiveByType: Map<string, MoneyFn> | null;
  private readonly effectiveDefault: MoneyFn;
  private readonly list: readonly (MoneyFn | 'billed')[];
  private readonly text: Record<TextField, TextFn>;
  private readonly period: { i: number; name: string };
  private readonly start: { i: number; name: string };
  private readonly end: { i: number; name: string };
  private readonly category: { i: number; name: string };
  private readonly chargeClass: { i: number; name: string };
  private readonly currency: { i: number; name: string };
  private readonly evidence: { i: number; name: string };
  private readonly defaultCurrency: string | null;
  private readonly quantity: { i: number; name: string };
  private readonly tagJson: { i: number; name: string };
  private readonly tagColumns: readonly (readonly [number, string])[];
  private readonly currencyCache = new Map<string, string | null>();
  private readonly evidenceSeen = new Set<string>();
  private readonly unknownTypes = new Set<string>();

  constructor(
    private readonly detection: Detection,
    private readonly options: OpenOptions,
    /** CSV records can have a wrong field count; Parquet rows cannot. */
    private readonly checkFieldCount = true,
  ) {
    const { rules, index } = detection;
    this.fieldCount = index.names.length;
    this.dates = new DateReader(options.slashDates);
    this.tagReader = new TagReader(rules.tagKey);
    const decimals = this.decimals;
    this.billed = compileMoney(rules.billedCost, index, decimals);
    this.effectiveDefault = compileMoney(rules.effectiveCost.default, index, decimals);
    this.effectiveByType = rules.effectiveCost.byType
      ? new Map(Object.entries(rules.effectiveCost.byType).map(([type, expr]) => [type, compileMoney(expr, index, decimals)]))
      : null;
    this.list = rules.listCost.map((e) => (e === 'billed' ? 'billed' : compileMoney(e, index, decimals)));
    const text = {} as Record<TextField, TextFn>;
    for (const [field, sources] of Object.entries(rules.text) as [TextField, readonly TextSource[]][]) {
      const constant = rules.constants?.[field];
      text[field] = constant !== undefined ? () => constant : compileText(sources, index);
    }
    this.text = text;
    this.period = locate(index, rules.billingPeriodStart);
    this.start = locate(index, rules.chargePeriodStart);
    this.end = locate(index, rules.chargePeriodEnd);
    this.category = locate(index, rules.chargeCategory);
    this.chargeClass = locate(index, rules.chargeClass ?? []);
    this.currency = locate(index, rules.currency);
    this.evidence = locate(index, rules.currencyEvidence);
    this.quantity = locate(index, rules.consumedQuantity);
    this.tagJson = locate(index, rules.tagColumns);
    const prefix = rules.tagColumnPrefix;
    this.tagColumns = prefix
      ? index.names.flatMap((name, i) => (name.startsWith(prefix) && name.length > prefix.length ? [[i, rules.tagKey(name.slice(prefix.length))] as const] : []))
      : [];

    const dc = options.defaultCurrency;
    if (dc !== undefined && !ISO_CODE.test(dc)) {
      throw new RangeError(`defaultCurrency must be a 3-letter ISO 4217 code, got ${JSON.stringify(dc)}`);
    }
    this.defaultCurrency = dc === undefined ? null : dc.toUpperCase();
    const where = options.fileName ? ` in ${options.fileName}` : '';
    if (this.currency.i < 0) {
      if (this.defaultCurrency === null) {
        throw new BillingFileError(
          'MISSING_CURRENCY',
          `no currency column (${rules.currency.join(' or ')})${where} and no defaultCurrency given: the amounts have no currency`,
          { ...(options.fileName ? { fileName: options.fileName } : {}), columns: [...rules.currency] },
        );
      }
      this.notes.push(`${rules.currency[0]}: absent; every row is ${this.defaultCurrency} (defaultCurrency)`);
    }
    if (rules.dialect === 'focus') {
      if (!index.has('ListCost')) this.notes.push('ListCost: absent; listCost is null');
      if (!index.has('ServiceName')) this.notes.push('ServiceName: absent; serviceName is null');
    }
  }

  get format() {
    return this.detection.format;
  }

  /** Maps one record. Throws a `BillingFileError` only for file-level findings (mixed currencies). */
  map(cells: Cells, line: number): ParsedRecord {
    const totals = this.totals;
    totals.recordsRead++;
    if (this.checkFieldCount && cells.length !== this.fieldCount) {
      totals.unsummableRecords++;
      return this.reject(line, 'FIELD_COUNT', null, null, `record has ${cells.length} fields, the header has ${this.fieldCount}`);
    }

    // 2. costs
    const typeCell = this.category.i >= 0 ? cells[this.category.i] : undefined;
    const billed = this.billed(cells);
    let effective: bigint | CellFailure;
    if (this.effectiveByType !== null && typeof typeCell === 'string') {
      effective = (this.effectiveByType.get(typeCell) ?? this.effectiveDefault)(cells);
    } else {
      effective = this.effectiveDefault(cells);
    }
    let list: bigint | CellFailure | null = null;
    if (typeof billed === 'bigint') {
      for (const fn of this.list) {
        if (fn === 'billed') {
          list = billed;
          break;
        }
        const v = fn(cells);
        if (typeof v === 'bigint' || v.code === 'NON_NUMERIC') {
          list = v;
          break;
        }
      }
    }

    // 3. source totals, keyed by the period and currency as written
    const periodCell = this.period.i >= 0 ? cells[this.period.i] : undefined;
    const period = periodCell === undefined || periodCell === null ? null : this.readDate(this.lastPeriod, periodCell);
    const currencyCell = this.currency.i >= 0 ? cells[this.currency.i] : undefined;
    const currency = this.currency.i < 0 ? this.defaultCurrency : this.readCurrency(currencyCell);
    if (this.currency.i < 0 && this.evidence.i >= 0) this.checkEvidence(cells[this.evidence.i], line);
    if (typeof billed === 'bigint' && typeof effective === 'bigint' && (list === null || typeof list === 'bigint')) {
      totals.add(period === null ? null : period.writtenDate, currency, billed, effective, list);
    } else {
      totals.unsummableRecords++;
    }

    // 4. mapping
    if (typeof billed !== 'bigint') return this.costFailure(line, billed);
    if (typeof effective !== 'bigint') return this.costFailure(line, effective);
    if (list !== null && typeof list !== 'bigint') return this.costFailure(line, list);
    if (period === null) return this.dateFailure(line, this.period, periodCell);
    const startCell = cells[this.start.i];
    const start = startCell === undefined || startCell === null ? null : this.readDate(this.lastStart, startCell);
    if (start === null) return this.dateFailure(line, this.start, startCell);
    const endCell = cells[this.end.i];
    const end = endCell === undefined || endCell === null ? null : this.readDate(this.lastEnd, endCell);
    if (end === null) return this.dateFailure(line, this.end, endCell);
    if (currency === null) {
      const text = cellText(currencyCell);
      return text === null || text.trim() === '' || isNullText(text.trim())
        ? this.reject(line, 'MISSING_VALUE', this.currency.name, null, `${this.currency.name} is empty (and no defaultCurrency)`)
        : this.reject(line, 'INVALID_VALUE', this.currency.name, text, `${this.currency.name} ${JSON.stringify(cut(text))} is not an ISO 4217 currency code`);
    }

    const typeText = typeof typeCell === 'string' ? (isNullText(typeCell) ? null : typeCell) : cellText(typeCell);
    if (typeText === null) return this.reject(line, 'MISSING_VALUE', this.category.name, null, `${this.category.name} is empty`);
    let chargeCategory: ChargeCategory | undefined;
    let chargeClass: 'Correction' | null = null;
    const map = this.detection.rules.chargeCategoryMap;
    if (map !== undefined) {
      chargeCategory = map[typeText];
      if (chargeCategory === undefined) {
        chargeCategory = 'Adjustment';
        if (!this.unknownTypes.has(typeText)) {
          this.unknownTypes.add(typeText);
          this.notes.push(`${this.category.name} ${JSON.stringify(cut(typeText))} is not in the rule table: mapped to Adjustment (first at line ${line})`);
        }
      }
      if (this.detection.rules.correctionTypes?.has(typeText)) chargeClass = 'Correction';
    } else {
      chargeCategory = CATEGORY_EXACT.get(typeText) ?? CATEGORY_BY_LOWER.get(typeText.trim().toLowerCase());
      if (chargeCategory === undefined) {
        return this.reject(line, 'INVALID_VALUE', this.category.name, typeText, `${this.category.name} ${JSON.stringify(cut(typeText))} is not one of ${CATEGORIES.join(', ')}`);
      }
      if (this.chargeClass.i >= 0) {
        const cls = cellText(cells[this.chargeClass.i]);
        if (cls !== null) {
          if (cls.trim().toLowerCase() !== 'correction') {
            return this.reject(line, 'INVALID_VALUE', this.chargeClass.name, cls, `${this.chargeClass.name} ${JSON.stringify(cut(cls))} is not "Correction" or empty`);
          }
          chargeClass = 'Correction';
        }
      }
    }

    let consumedQuantity: bigint | null = null;
    if (this.quantity.i >= 0 && !(this.detection.rules.quantityOnlyForUsage && chargeCategory !== 'Usage')) {
      const q = cells[this.quantity.i];
      if (!(q === null || q === undefined || (typeof q === 'string' && isNullText(q)))) {
        const v = this.decimals.read(q, this.quantity.name);
        if (typeof v !== 'bigint') return this.costFailure(line, v);
        consumedQuantity = v;
      }
    }

    let tags: Tags = NO_TAGS;
    if (this.tagJson.i >= 0) {
      const t = this.tagReader.read(cells[this.tagJson.i]);
      if (t === null) {
        const raw = cellText(cells[this.tagJson.i]) ?? '';
        return this.reject(line, 'INVALID_TAGS', this.tagJson.name, raw, `${this.tagJson.name} is not a JSON object: ${JSON.stringify(cut(raw))}`);
      }
      tags = t;
    }
    if (this.tagColumns.length > 0) {
      let merged: Record<string, string> | null = null;
      for (const [i, key] of this.tagColumns) {
        const v = cells[i];
        const s = typeof v === 'string' ? (isNullText(v) ? null : v) : cellText(v);
        if (s !== null) (merged ??= { ...tags })[key] = s;
      }
      if (merged !== null) tags = merged;
    }

    const text = this.text;
    totals.rowsEmitted++;
    const row: CostRow = {
      kind: 'cost',
      line,
      billingPeriodStart: period.writtenDate,
      chargePeriodStart: start.iso,
      chargePeriodEnd: end.iso,
      chargeDate: start.utcDate,
      provider: text.provider(cells),
      billingAccountId: text.billingAccountId(cells),
      billingAccountName: text.billingAccountName(cells),
      subAccountId: text.subAccountId(cells),
      subAccountName: text.subAccountName(cells),
      serviceName: text.serviceName(cells),
      serviceCategory: text.serviceCategory(cells),
      regionId: text.regionId(cells),
      chargeCategory,
      chargeClass,
      usageType: text.usageType(cells),
      resourceId: text.resourceId(cells),
      tags,
      currency,
      billedCost: billed,
      effectiveCost: effective,
      listCost: list,
      consumedQuantity,
      consumedUnit: text.consumedUnit(cells),
    };
    return row;
  }

  /** `dates.read`, through the previous row's text of the same column. */
  private readDate(last: LastDate, v: unknown): ParsedInstant | null {
    if (typeof v !== 'string') return this.dates.read(v);
    if (v === last.text) return last.parsed;
    const parsed = this.dates.parse(v);
    last.text = own(v);
    last.parsed = parsed;
    return parsed;
  }

  /** ISO code (upper case); the default for an empty cell; null when invalid, or empty without a default. */
  private readCurrency(v: unknown): string | null {
    const s = typeof v === 'string' ? v : cellText(v);
    if (s === null) return this.defaultCurrency;
    let code = this.currencyCache.get(s);
    if (code === undefined) {
      const trimmed = s.trim();
      code = trimmed === '' || isNullText(trimmed) ? '' : ISO_CODE.test(trimmed) ? own(trimmed.toUpperCase()) : null;
      if (this.currencyCache.size < 1024) this.currencyCache.set(own(s), code);
    }
    return code === '' ? this.defaultCurrency : code;
  }

  /** Without a currency column, one currency is assumed for all rows; refuse when the file itself shows several. */
  private checkEvidence(v: unknown, line: number): void {
    const s = cellText(v)?.trim();
    if (s === undefined || !/^[A-Z]{3}$/.test(s) || this.evidenceSeen.has(s)) return;
    this.evidenceSeen.add(s);
    if (this.evidenceSeen.size > 1) {
      const currencies = [...this.evidenceSeen];
      throw new BillingFileError(
        'MIXED_CURRENCIES',
        `${this.options.fileName ?? 'the file'} has no currency column (${this.detection.rules.currency.join(' or ')}) but its ${this.evidence.name} column shows ${currencies.join(' and ')} (from line ${line}): one currency cannot be assumed for every row`,
        { ...(this.options.fileName ? { fileName: this.options.fileName } : {}), line, currencies, columns: [this.evidence.name] },
      );
    }
  }

  /** A record csv-parse could not read: counted, unsummable, rejected. */
  malformed(line: number, message: string): RowRejection {
    this.totals.recordsRead++;
    this.totals.unsummableRecords++;
    return this.reject(line, 'MALFORMED_RECORD', null, null, message);
  }

  private costFailure(line: number, f: CellFailure): RowRejection {
    if (f.absent) {
      return this.reject(line, 'MISSING_VALUE', f.column, null, `${f.column} is needed for this row's cost but the file has no such column`);
    }
    if (f.code === 'MISSING_VALUE') return this.reject(line, 'MISSING_VALUE', f.column, null, `${f.column} is empty`);
    const value = excerpt(f.value) ?? '';
    return this.reject(line, 'NON_NUMERIC', f.column, value, `${f.column} is not a number: ${JSON.stringify(value)}`);
  }

  private dateFailure(line: number, at: { name: string }, v: unknown): RowRejection {
    const text = v === undefined || v === null ? null : cellText(v);
    if (text === null) return this.reject(line, 'MISSING_VALUE', at.name, null, `${at.name} is empty`);
    const hint = this.options.slashDates === undefined && text.includes('/') ? ' (set slashDates for M/D/Y or D/M/Y dates)' : '';
    return this.reject(line, 'INVALID_DATE', at.name, text, `${at.name} is not a valid ISO 8601 date/time: ${JSON.stringify(cut(text))}${hint}`);
  }

  private reject(line: number, code: RejectionCode, column: string | null, value: string | null, message: string): RowRejection {
    this.totals.rowsRejected++;
    return { kind: 'rejected', line, code, column, value: value === null ? null : cut(value), message: `line ${line}: ${message}` };
  }
}


/** Header spellings of every column the rules read, in header order (Parquet reads only these). */
export function referencedColumns(detection: Detection): string[] {
  const { rules, index } = detection;
  const names = new Set<string>();
  const add = (n: string) => {
    const i = index.find(n);
    if (i >= 0) names.add(index.names[i]!);
  };
  const addExpr = (e: MoneyExpr | 'billed') => {
    if (e === 'billed' || 'zero' in e) return;
    if ('col' in e) add(e.col);
    else if ('zeroIfPresent' in e) {
      add(e.zeroIfPresent);
      addExpr(e.otherwise);
    } else for (const n of 'add' in e ? e.add : 'sub' in e ? e.sub : e.mul) add(n);
  };
  for (const list of [rules.billingPeriodStart, rules.chargePeriodStart, rules.chargePeriodEnd, rules.currency, rules.currencyEvidence, rules.chargeCategory, rules.chargeClass ?? [], rules.consumedQuantity, rules.tagColumns]) {
    list.forEach(add);
  }
  addExpr(rules.billedCost);
  addExpr(rules.effectiveCost.default);
  Object.values(rules.effectiveCost.byType ?? {}).forEach(addExpr);
  rules.listCost.forEach(addExpr);
  for (const sources of Object.values(rules.text) as (readonly TextSource[])[]) {
    for (const src of sources) add(typeof src === 'string' ? src : src.map);
  }
  const prefix = rules.tagColumnPrefix;
  if (prefix) for (const n of index.names) if (n.startsWith(prefix) && n.length > prefix.length) names.add(n);
  return index.names.filter((n) => names.has(n));
}
