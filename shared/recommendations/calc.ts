/**
 * Exact money arithmetic for the rules, on shared/money.ts values (bigint units of 1e-12 USD).
 * Quantities that come from configuration (GiB, IOPS, hours) are exact; quantities measured by
 * CloudWatch (GB-seconds, bytes) are numbers and are turned into decimals with a fixed precision
 * before they meet a price, so no float ever holds money.
 */
import { formatDecimal, ONE, parseDecimal, roundHalfEven, SCALE } from '../money.js';
import { HOURS_PER_MONTH } from './model.js';

/** Hours in a month (AWS's calculator) and a day. */
export const HOURS = { month: HOURS_PER_MONTH, day: 24 } as const;

export const money = (text: string): bigint => parseDecimal(text);

/** A measured or configured quantity as an exact decimal (6 decimals for measurements). */
export function quantity(n: number, decimals = 6): bigint {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite quantity: ${n}`);
  return parseDecimal(Number.isInteger(n) ? String(n) : n.toFixed(decimals));
}

function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('division by a non-positive amount');
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  let q = magnitude / denominator;
  const twice = (magnitude % denominator) * 2n;
  if (twice > denominator || (twice === denominator && q % 2n === 1n)) q += 1n;
  return negative ? -q : q;
}

/** a x b for money values (price x quantity). */
export const times = (a: bigint, b: bigint): bigint => divideHalfEven(a * b, ONE);
/** a / b as a money value (b > 0). */
export const over = (a: bigint, b: bigint): bigint => divideHalfEven(a * ONE, b);
/** A price per hour over a month of 730 hours. */
export const monthlyFromHourly = (hourly: bigint): bigint => hourly * BigInt(HOURS_PER_MONTH);
/** Cents, half to even: what a Finding's monthly costs are rounded to. */
export const cents = (value: bigint): bigint => roundHalfEven(value, 2);
/** The API's decimal string, at least 2 decimals. */
export const usd = (value: bigint): string => formatDecimal(value, { minFractionDigits: 2 });
/** A decimal string with exactly 2 decimals (percentages). */
export const fixed2 = (value: bigint): string => formatDecimal(value, { minFractionDigits: 2, maxFractionDigits: 2 });
/** part / whole x 100 with 2 decimals ("37.50"); whole > 0. */
export const percentOf = (part: bigint, whole: bigint): string => fixed2(over(part * 100n, whole));
/** A money value as a plain decimal (prices in reasons: "0.384"). */
export const plain = (value: bigint): string => formatDecimal(value, { minFractionDigits: 0, maxFractionDigits: SCALE });
