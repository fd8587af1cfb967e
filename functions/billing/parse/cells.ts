/**
 * Readers for single cells: nulls, dates, tag maps. Everything here is called per row, so it avoids
 * regular expressions and repeated work; dates and tag objects repeat heavily in exports and are
 * cached per file.
 */

/** Exports write a missing value as an empty cell or as the literal NULL / null. */
export function isNullText(s: string): boolean {
  const n = s.length;
  if (n === 0) return true;
  if (n !== 4) return false;
  return s === 'NULL' || s === 'null' || s === 'Null';
}

/** A cell as text, or null when missing. Parquet cells may be numbers, bigints or bytes. */
export function cellText(v: unknown): string | null {
  if (typeof v === 'string') return isNullText(v) ? null : v;
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return JSON.stringify(v);
}

/**
 * A copy that shares no memory with the text it was cut from. A parser's cells can be slices of
 * its whole input chunk; a cache that kept one as a key would keep the chunk alive.
 */
export const own = (s: string): string => (' ' + s).slice(1);

/** Cut a cell for a message. */
export function excerpt(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = typeof v === 'string' ? v : v instanceof Date ? String(v) : (cellText(v) ?? '');
  return s.length > 200 ? `${s.slice(0, 200)}...` : s;
}

// ---------------------------------------------------------------------------------------------
// Dates

export interface ParsedInstant {
  /** `YYYY-MM-DDTHH:mm:ss.sssZ` */
  readonly iso: string;
  /** UTC calendar date of the instant. */
  readonly utcDate: string;
  /** The calendar date as written, before any UTC offset is applied. */
  readonly writtenDate: string;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const C0 = 48;

function daysIn(year: number, month: number): number {
  if (month === 2 && (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return 29;
  return DAYS_IN_MONTH[month - 1] ?? 0;
}

/** Value of `count` decimal digits at `at`, or -1. */
function digitsAt(s: string, at: number, count: number): number {
  if (at + count > s.length) return -1;
  let v = 0;
  for (let i = at; i < at + count; i++) {
    const d = s.charCodeAt(i) - C0;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad4 = (n: number) => String(n).padStart(4, '0');

function build(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
  offsetMinutes: number,
): ParsedInstant | null {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  const date = new Date(ms);
  if (Number.isNaN(ms)) return null;
  // Date.UTC maps years 0..99 to 1900..1999; correct for completeness.
  if (year < 100) date.setUTCFullYear(year);
  const iso = date.toISOString();
  return { iso, utcDate: iso.slice(0, 10), writtenDate: `${pad4(year)}-${pad2(month)}-${pad2(day)}` };
}

/**
 * ISO 8601 as exports write it: `YYYY-MM-DD`, optionally followed by `T` or a space and
 * `HH:MM[:SS[.fraction]]`, optionally followed by `Z`, ` UTC` or an offset `±HH[:MM]`.
 * No zone means UTC.
 */
function parseIso(s: string): ParsedInstant | null {
  const n = s.length;
  const year = digitsAt(s, 0, 4);
  if (year < 0 || s.charCodeAt(4) !== 45 /* - */ || s.charCodeAt(7) !== 45) return null;
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  if (month < 0 || day < 0) return null;
  if (n === 10) return build(year, month, day, 0, 0, 0, 0, 0);
  const sep = s.charCodeAt(10);
  if (sep !== 84 /* T */ && sep !== 116 /* t */ && sep !== 32 /* space */) return null;
  const hour = digitsAt(s, 11, 2);
  const minute = s.charCodeAt(13) === 58 /* : */ ? digitsAt(s, 14, 2) : -1;
  if (hour < 0 || minute < 0) return null;
  let i = 16;
  let second = 0;
  let millis = 0;
  if (s.charCodeAt(i) === 58) {
    second = digitsAt(s, i + 1, 2);
    if (second < 0) return null;
    i += 3;
    if (s.charCodeAt(i) === 46 /* . */ || s.charCodeAt(i) === 44 /* , */) {
      i++;
      const start = i;
      while (i < n) {
        const d = s.charCodeAt(i) - C0;
        if (d < 0 || d > 9) break;
        if (i - start < 3) millis = millis * 10 + d; // milliseconds: digits past the third are dropped
        i++;
      }
      const count = i - start;
      if (count === 0) return null;
      if (count === 1) millis *= 100;
      else if (count === 2) millis *= 10;
    }
  }
  let offset = 0;
  if (i < n) {
    const z = s.charCodeAt(i);
    if ((z === 90 /* Z */ || z === 122) && i + 1 === n) {
      // UTC
    } else if (z === 32 && s.slice(i + 1) === 'UTC') {
      // "2024-01-01 00:00:00 UTC"
    } else if (z === 43 /* + */ || z === 45 /* - */) {
      const oh = digitsAt(s, i + 1, 2);
      if (oh < 0) return null;
      let om = 0;
      const rest = n - (i + 3);
      if (rest === 3 && s.charCodeAt(i + 3) === 58) om = digitsAt(s, i + 4, 2);
      else if (rest === 2) om = digitsAt(s, i + 3, 2);
      else if (rest !== 0) return null;
      if (om < 0 || oh > 23 || om > 59) return null;
      offset = (z === 45 ? -1 : 1) * (oh * 60 + om);
    } else {
      return null;
    }
  }
  return build(year, month, day, hour, minute, second, millis, offset);
}

/** `M/D/YY[YY]` or `D/M/YY[YY]`, optionally followed by ` H:MM[:SS]`, as spreadsheets write dates. */
function parseSlashDate(s: string, order: 'MDY' | 'DMY'): ParsedInstant | null {
  const parts: number[] = [];
  const widths: number[] = [];
  let i = 0;
  const n = s.length;
  for (let p = 0; p < 3; p++) {
    const start = i;
    let v = 0;
    while (i < n) {
      const d = s.charCodeAt(i) - C0;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
      i++;
    }
    const width = i - start;
    if (width === 0 || width > 4) return null;
    parts.push(v);
    widths.push(width);
    if (p < 2) {
      if (s.charCodeAt(i) !== 47 /* / */) return null;
      i++;
    }
  }
  const [a, b, y] = parts as [number, number, number];
  if (widths[0]! > 2 || widths[1]! > 2 || (widths[2] !== 2 && widths[2] !== 4)) return null;
  const year = widths[2] === 2 ? 2000 + y : y;
  const month = order === 'MDY' ? a : b;
  const day = order === 'MDY' ? b : a;
  let hour = 0;
  let minute = 0;
  let second = 0;
  if (i < n) {
    if (s.charCodeAt(i) !== 32) return null;
    i++;
    const colon = s.indexOf(':', i);
    const hourWidth = colon - i;
    if (colon < 0 || hourWidth < 1 || hourWidth > 2) return null;
    hour = digitsAt(s, i, hourWidth);
    minute = digitsAt(s, colon + 1, 2);
    i = colon + 3;
    if (i < n && s.charCodeAt(i) === 58) {
      second = digitsAt(s, i + 1, 2);
      i += 3;
    }
    if (hour < 0 || minute < 0 || second < 0 || i !== n) return null;
  }
  return build(year, month, day, hour, minute, second, 0, 0);
}

const DATE_CACHE_LIMIT = 65_536;

/**
 * Date/time cell reader for one file. Caches by cell text: an export has few distinct timestamps
 * (hours or days of one month), so each is parsed once.
 */
export class DateReader {
  private readonly cache = new Map<string, ParsedInstant | null>();
  constructor(private readonly slashDates: 'MDY' | 'DMY' | undefined) {}

  /** Parsed instant, or null when the text is not a valid date/time. */
  parse(text: string): ParsedInstant | null {
    const hit = this.cache.get(text);
    if (hit !== undefined) return hit;
    const trimmed = text.trim();
    let parsed: ParsedInstant | null = parseIso(trimmed);
    if (parsed === null && this.slashDates !== undefined && trimmed.includes('/')) {
      parsed = parseSlashDate(trimmed, this.slashDates);
    }
    if (this.cache.size >= DATE_CACHE_LIMIT) this.cache.clear();
    this.cache.set(own(text), parsed);
    return parsed;
  }

  /** A cell that may be a string or (Parquet) a `Date`. */
  read(v: unknown): ParsedInstant | null {
    if (typeof v === 'string') return this.parse(v);
    if (v instanceof Date) {
      const ms = v.getTime();
      if (Number.isNaN(ms)) return null;
      const iso = v.toISOString();
      const utcDate = iso.slice(0, 10);
      return { iso, utcDate, writtenDate: utcDate };
    }
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Tags

export type Tags = Readonly<Record<string, string>>;
export const NO_TAGS: Tags = Object.freeze({});

/** How a tag value that is not a string becomes one: `true` (a valueless tag) -> "true", null -> dropped. */
function tagValue(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/** Tag object from a decoded map: a plain object, a `Map`, or Parquet's list of `{key, value}`. */
export function tagsFromObject(v: unknown, renameKey: (k: string) => string = (k) => k): Tags | null {
  let entries: Iterable<[unknown, unknown]>;
  if (v instanceof Map) entries = v.entries();
  else if (Array.isArray(v)) {
    entries = v.map((e: unknown): [unknown, unknown] =>
      e !== null && typeof e === 'object' && 'key' in e ? [(e as { key: unknown }).key, (e as { value?: unknown }).value] : [undefined, undefined],
    );
  } else if (v !== null && typeof v === 'object') entries = Object.entries(v);
  else return null;
  let out: Record<string, string> | null = null;
  for (const [k, raw] of entries) {
    if (typeof k !== 'string') {
      if (k === undefined) return null;
      continue;
    }
    const value = tagValue(raw);
    if (value === null) continue;
    (out ??= {})[renameKey(k)] = value;
  }
  return out === null ? NO_TAGS : Object.freeze(out);
}

const TAG_CACHE_LIMIT = 16_384;

/** JSON tag cells (FOCUS `Tags`, CUR 2.0 `resource_tags` as CSV), cached by text per file. */
export class TagReader {
  private readonly cache = new Map<string, Tags | null>();
  /** The previous cell's text and tags (consecutive rows often carry the same tags). */
  private lastText: string | null = null;
  private lastTags: Tags | null = null;
  constructor(private readonly renameKey?: (k: string) => string) {}

  /** Tags, NO_TAGS for an empty cell, or null when the cell is not a JSON object. */
  read(v: unknown): Tags | null {
    if (typeof v === 'string') {
      if (v === this.lastText) return this.lastTags;
      if (isNullText(v) || v === '{}') return NO_TAGS;
      const hit = this.cache.get(v);
      if (hit !== undefined) {
        this.lastText = own(v);
        this.lastTags = hit;
        return hit;
      }
      let tags: Tags | null;
      try {
        const decoded: unknown = JSON.parse(v);
        tags = decoded !== null && typeof decoded === 'object' && !Array.isArray(decoded) ? tagsFromObject(decoded, this.renameKey) : null;
      } catch {
        tags = null;
      }
      if (this.cache.size >= TAG_CACHE_LIMIT) this.cache.clear();
      const text = own(v);
      this.cache.set(text, tags);
      this.lastText = text;
      this.lastTags = tags;
      return tags;
    }
    if (v === null || v === undefined) return NO_TAGS;
    return tagsFromObject(v, this.renameKey);
  }
}

/**
 * One string field of a JSON object held in a cell (`product` in CUR 2.0 CSV), without parsing the
 * whole object when the value has no escapes. Returns null when the key is absent, undefined when
 * the cell is not JSON.
 */
export function jsonStringField(v: unknown, key: string): string | null | undefined {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') {
    if (typeof v === 'object' && !(v instanceof Date)) {
      const found = v instanceof Map ? v.get(key) : (v as Record<string, unknown>)[key];
      return typeof found === 'string' ? found : found === undefined || found === null ? null : String(found);
    }
    return undefined;
  }
  if (isNullText(v)) return null;
  const needle = `"${key}":"`;
  const at = v.indexOf(needle);
  if (at >= 0 && v.charCodeAt(at - 1) !== 92 /* \ */) {
    const start = at + needle.length;
    const end = v.indexOf('"', start);
    if (end > start && v.lastIndexOf('\\', end) < start) return v.slice(start, end);
  }
  if (!v.includes(`"${key}"`)) return v.charCodeAt(0) === 123 /* { */ ? null : undefined;
  try {
    const decoded: unknown = JSON.parse(v);
    if (decoded === null || typeof decoded !== 'object') return undefined;
    const found = (decoded as Record<string, unknown>)[key];
    return typeof found === 'string' ? found : found === undefined || found === null ? null : String(found);
  } catch {
    return undefined;
  }
}
