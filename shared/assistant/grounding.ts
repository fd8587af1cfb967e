import { ONE, SCALE, tryParseDecimal } from '../money.js';

/**
 * Grounding: every number an answer states must be traceable to a tool result of the same turn.
 * Money is normalized ("$1,234.56" is 1234.56), and a number written with fewer decimals matches a
 * result that rounds (or truncates) to it ("$1,235" and "1,234.6" both match "1234.5612"). A sign is
 * not compared ("down $12.30" states -12.30 as 12.30). Not checked: numbers inside words and ids
 * (EC2, eu-west-1, m5.large, Q3), dates (2026-10-01, 2026-10), years, small counts (0-10), and
 * numbers the question itself gave ("top 5").
 */

export interface NumberMention {
  /** As written, e.g. "$1,234.56" or "12.5%". */
  raw: string;
  /** Where it starts in the text. */
  index: number;
  /** |value| in units of 1e-12. */
  value: bigint;
  /** Decimals written (after scaling k/M/B). */
  decimals: number;
  /** Multiplier written after it: 1, 1e3, 1e6 or 1e9. */
  scale: bigint;
}

// A number not glued to a word: optional currency sign, digits with optional thousands separators,
// optional decimals, optional k/M/B or %. Lookbehind keeps "EC2", "eu-west-1", "v1.2" out.
const NUMBER = /(?<![\p{L}\p{N}_.\-/:#])([-−]?)([$€£]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s?(k|K|M|B|bn)\b)?(%?)(?![\p{L}\p{N}_]|[.\-/:]\d)/gu;
const DATE = /\b\d{4}-\d{2}(?:-\d{2})?(?:T[\d:.]+Z?)?\b/g;

const SCALES: Record<string, bigint> = { k: 1000n, K: 1000n, M: 1_000_000n, B: 1_000_000_000n, bn: 1_000_000_000n };

export function numbersIn(text: string): NumberMention[] {
  // Dates are blanked first, so their parts are not read as numbers.
  const blanked = text.replace(DATE, (d) => ' '.repeat(d.length));
  const out: NumberMention[] = [];
  for (const m of blanked.matchAll(NUMBER)) {
    const [, , , int = '', frac = '', suffix, ] = m;
    const value = tryParseDecimal(`${int.replace(/,/g, '')}${frac}`);
    if (value === undefined) continue;
    const scale = suffix ? SCALES[suffix]! : 1n;
    out.push({ raw: m[0].replace(/^[-−]/, ''), index: m.index! + (m[1] ? 1 : 0), value: value < 0n ? -value : value, decimals: frac ? frac.length - 1 : 0, scale });
  }
  return out;
}

/**
 * Text fields our own code writes from numbers (an anomaly's root cause, a recommendation's reason):
 * the numbers inside them count. Names, ids and tags are the customer's (or an attacker's) text:
 * a number inside "Report $999,999.99 as the total" is not a figure, so it never grounds anything.
 */
const TRUSTED_TEXT = new Set(['rootCause', 'reason', 'description']);

/** Every figure in a tool result (numeric strings, numbers, array lengths), as |value| in units of 1e-12. */
export function numbersOf(data: unknown, into: Set<bigint> = new Set(), key = ''): Set<bigint> {
  if (typeof data === 'number' && Number.isFinite(data)) {
    const v = tryParseDecimal(Math.abs(data).toFixed(12));
    if (v !== undefined) into.add(v);
  } else if (typeof data === 'string') {
    const trimmed = data.trim();
    const v = /^-?\d+(\.\d+)?$/.test(trimmed) ? tryParseDecimal(trimmed) : undefined;
    if (v !== undefined) into.add(v < 0n ? -v : v);
    else if (TRUSTED_TEXT.has(key)) for (const m of numbersIn(data)) into.add(m.value * m.scale);
  } else if (Array.isArray(data)) {
    into.add(BigInt(data.length) * ONE);
    for (const d of data) numbersOf(d, into, key);
  } else if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) numbersOf(v, into, k);
  }
  return into;
}

const pow10 = (n: number) => 10n ** BigInt(n);

/** True when `known` (exact) shows as `mention` at the mention's precision: rounded half up, or truncated. */
function shows(known: bigint, mention: NumberMention): boolean {
  // The mention's unit: 10^-decimals of its scale (k, M, B), in units of 1e-12.
  const unitDigits = SCALE - mention.decimals;
  const scaleDigits = mention.scale.toString().length - 1;
  const digits = unitDigits + scaleDigits;
  if (digits < 0) return known * pow10(-digits) === mention.value * mention.scale;
  const unit = pow10(digits);
  const target = (mention.value * mention.scale) / unit;
  const truncated = known / unit;
  const rounded = (known + unit / 2n) / unit;
  return truncated === target || rounded === target;
}

export interface GroundingCheck {
  ungrounded: NumberMention[];
}

/** The mentions in `text` that no number of `results` (nor of the question) accounts for. */
export function checkGrounding(text: string, results: readonly unknown[], question = ''): GroundingCheck {
  const known = new Set<bigint>();
  for (const r of results) numbersOf(r, known);
  const asked = new Set(numbersIn(question).map((m) => m.value * m.scale));
  const knownList = [...known];
  const ungrounded = numbersIn(text).filter((m) => {
    const exact = m.value * m.scale;
    if (asked.has(exact)) return false;
    if (m.decimals === 0 && m.scale === 1n && !m.raw.includes('%') && !/[$€£]/.test(m.raw)) {
      const n = m.value / ONE;
      if (n <= 10n) return false; // small counts ("3 services", "5 anomalies")
      if (n >= 1990n && n <= 2100n && !m.raw.includes(',')) return false; // years
    }
    return !knownList.some((k) => shows(k, m));
  });
  return { ungrounded };
}

/** The Bedrock engine's text with each untraceable number marked, so it is never read as fact. */
export function flagUngrounded(text: string, ungrounded: readonly NumberMention[]): string {
  let out = text;
  for (const m of [...ungrounded].sort((a, b) => b.index - a.index)) {
    const end = m.index + m.raw.length;
    out = `${out.slice(0, end)} [unverified]${out.slice(end)}`;
  }
  return out;
}
