/**
 * Exact sums of the API's decimal strings (bigint units of 1e-12, as the API computes them), for
 * totals the console shows itself (a chart tooltip's day total). Never floats for money shown.
 */
const SCALE = 12;

export function toUnits(text: string): bigint {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return 0n;
  const frac = (m[3] ?? '').slice(0, SCALE).padEnd(SCALE, '0');
  const units = BigInt(m[2]!) * 10n ** BigInt(SCALE) + BigInt(frac);
  return m[1] ? -units : units;
}

export function fromUnits(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / 10n ** BigInt(SCALE);
  let frac = (abs % 10n ** BigInt(SCALE)).toString().padStart(SCALE, '0').replace(/0+$/, '');
  if (frac.length < 2) frac = frac.padEnd(2, '0');
  return `${negative ? '-' : ''}${whole}.${frac}`;
}

export function sumDecimals(values: readonly string[]): string {
  return fromUnits(values.reduce((sum, v) => sum + toUnits(v), 0n));
}
