/**
 * Exact arithmetic on the API's decimal strings ("1234.5678", "-0.0000166667"), for the one place the
 * console computes with money: the difference between a file's own totals and what was stored. The
 * strings become bigints scaled to the larger number of fractional digits, never JavaScript numbers.
 */
const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

interface Scaled {
  units: bigint;
  scale: number;
}

function parse(text: string): Scaled | null {
  const match = DECIMAL.exec(text.trim());
  if (!match || (!match[2] && !match[3])) return null;
  const fraction = match[3] ?? '';
  const units = BigInt(`${match[2] || '0'}${fraction}`) * (match[1] === '-' ? -1n : 1n);
  return { units, scale: fraction.length };
}

function align(a: Scaled, b: Scaled): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale), scale];
}

function format(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? digits.slice(digits.length - scale).replace(/0+$/, '') : '';
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** `a - b` exactly, as a decimal string; null when either is not a decimal. */
export function subtractDecimal(a: string, b: string): string | null {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return null;
  const [ux, uy, scale] = align(x, y);
  return format(ux - uy, scale);
}

/** Whether two decimal strings are the same number ("1.50" equals "1.5"). */
export function decimalEquals(a: string, b: string): boolean {
  const difference = subtractDecimal(a, b);
  return difference !== null && isZeroDecimal(difference);
}

export function isZeroDecimal(value: string): boolean {
  const parsed = parse(value);
  return parsed !== null && parsed.units === 0n;
}

/** The sum of decimal strings, exactly. */
export function sumDecimals(values: readonly string[]): string {
  let total: Scaled = { units: 0n, scale: 0 };
  for (const value of values) {
    const parsed = parse(value);
    if (!parsed) continue;
    const [a, b, scale] = align(total, parsed);
    total = { units: a + b, scale };
  }
  return format(total.units, total.scale);
}
