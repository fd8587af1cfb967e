/**
 * Exact money for the demo generator. Every amount is an integer count of 1e-10 USD ("units"):
 * costs and unit prices carry at most 10 decimal places, like real FOCUS and CUR exports. Row
 * amounts stay below 2^53 units ($900k), so they are plain numbers; totals are BigInt.
 */

/** Decimal places of every amount. */
export const DECIMALS = 10;
/** Units per US dollar, as a number and as a BigInt. */
export const UNITS_PER_USD = 10_000_000_000;
export const UNITS_PER_USD_BIG = 10_000_000_000n;

const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000];

/** 10^n for 0 <= n <= 10. */
export function pow10(n: number): number {
  const value = POW10[n];
  if (value === undefined) throw new RangeError(`pow10(${n}) is out of range`);
  return value;
}

/**
 * Formats an integer count of 10^-decimals as a plain decimal string: no exponent, no trailing
 * zeros, "0" for zero ("12.5", "-0.0000000123", "7").
 */
export function formatScaled(value: number | bigint, decimals: number = DECIMALS): string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) return formatScaled(BigInt(value), decimals);
    if (value === 0) return '0';
    const negative = value < 0;
    const abs = negative ? -value : value;
    const scale = pow10(decimals);
    const frac = abs % scale;
    const whole = (abs - frac) / scale;
    return (negative ? '-' : '') + joinParts(String(whole), frac === 0 ? '' : String(frac), decimals);
  }
  if (value === 0n) return '0';
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const scale = 10n ** BigInt(decimals);
  const frac = abs % scale;
  return (negative ? '-' : '') + joinParts(String(abs / scale), frac === 0n ? '' : String(frac), decimals);
}

function joinParts(whole: string, frac: string, decimals: number): string {
  if (frac === '') return whole;
  let digits = frac.padStart(decimals, '0');
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48) end--;
  digits = digits.slice(0, end);
  return `${whole}.${digits}`;
}

/** Formats units (1e-10 USD) as a decimal string. */
export function formatUnits(units: number | bigint): string {
  return formatScaled(units, DECIMALS);
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?$/;

/**
 * Parses a plain decimal string into an exact BigInt count of 10^-decimals, with no floating
 * point. Throws if the string has more decimal places than that, or is not a plain decimal.
 */
export function parseScaled(text: string, decimals: number = DECIMALS): bigint {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new Error(`not a plain decimal: ${JSON.stringify(text)}`);
  const [, sign, whole, frac = ''] = match;
  if (frac.length > decimals) throw new Error(`more than ${decimals} decimal places: ${text}`);
  const value = BigInt(whole!) * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, '0') || '0');
  return sign === '-' ? -value : value;
}

/** Parses a decimal string of dollars into units (1e-10 USD). */
export function parseUnits(text: string): bigint {
  return parseScaled(text, DECIMALS);
}

/** Dollars (a literal such as 0.192) to units, for hand-written price tables. */
export function usd(amount: number | string): number {
  const units = parseUnits(typeof amount === 'number' ? numberToPlain(amount) : amount);
  const n = Number(units);
  if (!Number.isSafeInteger(n)) throw new RangeError(`amount too large: ${amount}`);
  return n;
}

function numberToPlain(n: number): string {
  // Literals in the price tables have at most 10 decimals; toFixed(10) is exact for them.
  const fixed = n.toFixed(DECIMALS);
  return fixed;
}

/** Number of significant decimal places of a price in units (0..10). */
export function decimalsOf(units: number): number {
  if (units === 0) return 0;
  let d = DECIMALS;
  let v = Math.abs(units);
  while (d > 0 && v % 10 === 0) {
    v /= 10;
    d--;
  }
  return d;
}

/** Round half away from zero of a BigInt ratio. */
export function divRound(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (n + d / 2n) / d;
  return negative ? -q : q;
}

/**
 * An exact running sum: adds plain numbers while the partial sum is far from 2^53, then folds it
 * into a BigInt. Cheaper than BigInt on every add, never inexact.
 */
export class ExactSum {
  private small = 0;
  private big = 0n;

  add(units: number): void {
    const next = this.small + units;
    if (next > 4e15 || next < -4e15) {
      this.big += BigInt(this.small) + BigInt(units);
      this.small = 0;
    } else {
      this.small = next;
    }
  }

  addBig(units: bigint): void {
    this.big += units;
  }

  value(): bigint {
    return this.big + BigInt(this.small);
  }
}
