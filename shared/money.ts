/**
 * Exact decimal money.
 *
 * A money value is a `bigint` holding the amount in units of 1e-12 (SCALE = 12 fractional digits):
 * `1.5` is `1_500_000_000_000n`. Billing exports carry 10+ decimal places, so 12 keeps them exact;
 * anything finer is rounded half-even when parsed. Addition is `+`, subtraction `-`, comparison the
 * usual operators; nothing in this module ever touches a JavaScript `number` for arithmetic.
 *
 * `formatDecimal` produces the API's decimal string (`"1234.5678"`), `toCents` the integer cents
 * a report or invoice line shows.
 */
import { DomainError } from './errors.js';

/** Fractional digits held by a money value. */
export const SCALE = 12;
/** 1.0 as a money value. */
export const ONE = 10n ** BigInt(SCALE);

export type DecimalErrorCode = 'INVALID_DECIMAL' | 'DECIMAL_OUT_OF_RANGE';

/** A text is not a decimal this module accepts (see `parseDecimal`), or its exponent is absurd. */
export class DecimalError extends DomainError {
  readonly status = 400;
  constructor(
    readonly code: DecimalErrorCode,
    readonly input: string,
  ) {
    super(
      code === 'INVALID_DECIMAL'
        ? `not a decimal number: ${JSON.stringify(input.length > 64 ? `${input.slice(0, 64)}...` : input)}`
        : `decimal exponent out of range: ${JSON.stringify(input.length > 64 ? `${input.slice(0, 64)}...` : input)}`,
      { input: input.length > 64 ? `${input.slice(0, 64)}...` : input },
    );
  }
}

/** Exponents beyond this are rejected: no bill carries 10^±400, and the digits would be huge. */
const MAX_EXPONENT = 400;
const ZEROS = '0'.repeat(SCALE);

const C_0 = 48;
const C_9 = 57;
const C_DOT = 46;
const C_PLUS = 43;
const C_MINUS = 45;
const C_E = 101;
const C_UPPER_E = 69;

/**
 * Drops the last `drop` digits of the non-negative integer written in `digits`, rounding half to
 * even. `drop` is at least 1.
 */
function roundDigitsHalfEven(digits: string, drop: number): bigint {
  const keepLength = digits.length - drop;
  if (keepLength < 0) return 0n; // even the first dropped digit is below one half of a unit
  const kept = keepLength === 0 ? 0n : BigInt(digits.slice(0, keepLength));
  const first = digits.charCodeAt(keepLength) - C_0;
  if (first < 5) return kept;
  if (first > 5) return kept + 1n;
  for (let i = keepLength + 1; i < digits.length; i++) {
    if (digits.charCodeAt(i) !== C_0) return kept + 1n;
  }
  return kept % 2n === 0n ? kept : kept + 1n; // exactly one half: to even
}

/**
 * Parses a decimal text into a money value, or returns `undefined` when the text is not one
 * (or its exponent is out of range). Same grammar as `parseDecimal`; use this on hot paths where a
 * bad cell is a normal outcome.
 */
export function tryParseDecimal(text: string): bigint | undefined {
  const value = parse(text);
  return value === null ? undefined : value;
}

/** `undefined`: not a decimal; `null`: exponent beyond MAX_EXPONENT. */
function parse(text: string): bigint | undefined | null {
  const n = text.length;
  let i = 0;
  let negative = false;
  let c = n > 0 ? text.charCodeAt(0) : -1;
  if (c === C_MINUS || c === C_PLUS) {
    negative = c === C_MINUS;
    i = 1;
  }
  const intStart = i;
  while (i < n && (c = text.charCodeAt(i)) >= C_0 && c <= C_9) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < n && text.charCodeAt(i) === C_DOT) {
    i++;
    fracStart = i;
    while (i < n && (c = text.charCodeAt(i)) >= C_0 && c <= C_9) i++;
    fracEnd = i;
  }
  if (intEnd === intStart && fracEnd === fracStart) return undefined; // no digit at all
  let exponent = 0;
  if (i < n) {
    c = text.charCodeAt(i);
    if (c !== C_E && c !== C_UPPER_E) return undefined;
    i++;
    let expNegative = false;
    c = i < n ? text.charCodeAt(i) : -1;
    if (c === C_MINUS || c === C_PLUS) {
      expNegative = c === C_MINUS;
      i++;
    }
    const expStart = i;
    while (i < n && (c = text.charCodeAt(i)) >= C_0 && c <= C_9) {
      if (exponent <= MAX_EXPONENT) exponent = exponent * 10 + (c - C_0); // integer arithmetic only
      i++;
    }
    if (i === expStart || i !== n) return undefined;
    if (exponent > MAX_EXPONENT) return null;
    if (expNegative) exponent = -exponent;
  }

  const intDigits = text.slice(intStart, intEnd);
  const fracDigits = text.slice(fracStart, fracEnd);
  let magnitude: bigint;
  if (exponent === 0 && fracDigits.length <= SCALE) {
    // Fast path, the overwhelmingly common case: at most 12 decimals, no exponent.
    magnitude = BigInt(intDigits + fracDigits + ZEROS.slice(fracDigits.length));
  } else {
    // value = digits * 10^(exponent - fracDigits.length); scaled = digits * 10^shift
    const digits = intDigits + fracDigits;
    const shift = exponent - fracDigits.length + SCALE;
    magnitude = shift >= 0 ? BigInt(digits) * 10n ** BigInt(shift) : roundDigitsHalfEven(digits, -shift);
  }
  return negative ? -magnitude : magnitude;
}

/**
 * Parses a decimal text into a money value (units of 1e-12).
 *
 * Accepts an optional sign, digits with an optional decimal point (`"5"`, `"5."`, `".5"`,
 * `"-0.25"`), and an optional exponent (`"1.2E-5"`, `"-3e2"`), as billing exports write them.
 * More than 12 decimals round half to even. Rejects everything else with a `DecimalError`:
 * empty text, whitespace, thousands separators, currency symbols, `NaN`, `Infinity`.
 */
export function parseDecimal(text: string): bigint {
  const value = parse(text);
  if (value === undefined) throw new DecimalError('INVALID_DECIMAL', text);
  if (value === null) throw new DecimalError('DECIMAL_OUT_OF_RANGE', text);
  return value;
}

/**
 * Rounds a money value to `fractionDigits` decimals (0..12), half to even; the result is still a
 * money value (units of 1e-12).
 */
export function roundHalfEven(value: bigint, fractionDigits: number): bigint {
  if (!Number.isInteger(fractionDigits) || fractionDigits < 0 || fractionDigits > SCALE) {
    throw new RangeError(`fractionDigits must be an integer from 0 to ${SCALE}`);
  }
  if (fractionDigits === SCALE) return value;
  const unit = 10n ** BigInt(SCALE - fractionDigits);
  return divideHalfEven(value, unit) * unit;
}

/** `numerator / denominator` rounded half to even; `denominator` is positive. */
function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  let quotient = magnitude / denominator;
  const twiceRemainder = (magnitude % denominator) * 2n;
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}

/** The value in integer cents (hundredths), rounded half to even. */
export function toCents(value: bigint): bigint {
  return divideHalfEven(value, 10n ** BigInt(SCALE - 2));
}

/** A money value from integer cents. */
export function fromCents(cents: bigint): bigint {
  return cents * 10n ** BigInt(SCALE - 2);
}

/** Product of two money values (e.g. a unit price times a quantity), rounded half to even. */
export function multiply(a: bigint, b: bigint): bigint {
  return divideHalfEven(a * b, ONE);
}

export interface FormatOptions {
  /** Fewest decimals shown (trailing zeros are kept up to here). Default 2. */
  minFractionDigits?: number;
  /** Most decimals shown; the value is rounded half to even to fit. Default 12 (exact). */
  maxFractionDigits?: number;
}

/**
 * The API's decimal string for a money value: `-1234.5` with `minFractionDigits: 2` is
 * `"-1234.50"`. Exact: trailing zeros beyond `minFractionDigits` are trimmed, never digits.
 */
export function formatDecimal(value: bigint, options: FormatOptions = {}): string {
  const min = options.minFractionDigits ?? 2;
  const max = options.maxFractionDigits ?? SCALE;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max > SCALE || min > max) {
    throw new RangeError(`need 0 <= minFractionDigits <= maxFractionDigits <= ${SCALE}`);
  }
  const rounded = max === SCALE ? value : roundHalfEven(value, max);
  const negative = rounded < 0n;
  const digits = (negative ? -rounded : rounded).toString().padStart(SCALE + 1, '0');
  const intPart = digits.slice(0, digits.length - SCALE);
  let fracEnd = SCALE;
  const frac = digits.slice(digits.length - SCALE);
  while (fracEnd > min && frac.charCodeAt(fracEnd - 1) === C_0) fracEnd--;
  const fracPart = frac.slice(0, fracEnd);
  return (negative ? '-' : '') + intPart + (fracPart.length > 0 ? `.${fracPart}` : '');
}

/** Sum of money values. */
export function sum(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}
