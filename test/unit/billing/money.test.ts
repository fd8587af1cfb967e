import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  DecimalError,
  formatDecimal,
  fromCents,
  multiply,
  ONE,
  parseDecimal,
  roundHalfEven,
  SCALE,
  toCents,
  tryParseDecimal,
} from '#shared/money.js';

/** Deterministic PRNG (mulberry32): the generated cases are the same on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(20240601);
const int = (max: number) => Math.floor(rand() * max);
const digits = (n: number) => Array.from({ length: n }, () => String(int(10))).join('');

/**
 * Reference: the exact rational value (numerator / 10^k) rounded half-even to units of 1e-12,
 * computed with BigInt division -- a different algorithm from money.ts's digit-string rounding.
 */
function reference(negative: boolean, intDigits: string, fracDigits: string, exponent: number): bigint {
  const numerator = BigInt((intDigits || '0') + fracDigits);
  const shift = exponent - fracDigits.length + SCALE; // value * 10^12 = numerator * 10^shift
  let magnitude: bigint;
  if (shift >= 0) magnitude = numerator * 10n ** BigInt(shift);
  else {
    const d = 10n ** BigInt(-shift);
    const q = numerator / d;
    const r2 = (numerator % d) * 2n;
    magnitude = r2 > d || (r2 === d && q % 2n === 1n) ? q + 1n : q;
  }
  return negative ? -magnitude : magnitude;
}

describe('parseDecimal', () => {
  it('reads the forms billing exports write', () => {
    expect(parseDecimal('0')).toBe(0n);
    expect(parseDecimal('1')).toBe(ONE);
    expect(parseDecimal('-0')).toBe(0n);
    expect(parseDecimal('+2.5')).toBe(2_500_000_000_000n);
    expect(parseDecimal('-0.25')).toBe(-250_000_000_000n);
    expect(parseDecimal('5.')).toBe(5n * ONE);
    expect(parseDecimal('.5')).toBe(500_000_000_000n);
    expect(parseDecimal('-.5')).toBe(-500_000_000_000n);
    expect(parseDecimal('0.0960000000')).toBe(96_000_000_000n);
    expect(parseDecimal('100.123456789012')).toBe(100_123_456_789_012n);
    expect(parseDecimal('007.50')).toBe(7_500_000_000_000n);
  });

  it('reads exponent notation (the AWS CUR sample has 1.3E-9, 9.984E-7, 1.0E-6)', () => {
    expect(parseDecimal('1.2E-5')).toBe(12_000_000n);
    expect(parseDecimal('-3e2')).toBe(-300n * ONE);
    expect(parseDecimal('1.3E-9')).toBe(1_300n);
    expect(parseDecimal('9.984E-7')).toBe(998_400n);
    expect(parseDecimal('1.0E-6')).toBe(1_000_000n);
    expect(parseDecimal('2.5E+3')).toBe(2500n * ONE);
    expect(parseDecimal('1.e3')).toBe(1000n * ONE);
    expect(parseDecimal('.5e1')).toBe(5n * ONE);
    expect(parseDecimal('1E-12')).toBe(1n);
    expect(parseDecimal('1E-13')).toBe(0n);
    expect(parseDecimal('5E-13')).toBe(0n); // exactly half a unit: to even (0)
    expect(parseDecimal('1.5E-12')).toBe(2n); // 1.5 units: to even (2)
    expect(parseDecimal('2.5E-12')).toBe(2n); // 2.5 units: to even (2)
    expect(parseDecimal('1e-400')).toBe(0n);
    expect(parseDecimal('1e400')).toBe(10n ** 412n);
  });

  it('rounds beyond 12 decimals half to even', () => {
    expect(parseDecimal('0.0000000000005')).toBe(0n);
    expect(parseDecimal('0.0000000000015')).toBe(2n);
    expect(parseDecimal('0.0000000000025')).toBe(2n);
    expect(parseDecimal('0.00000000000250001')).toBe(3n);
    expect(parseDecimal('0.0000000000024999')).toBe(2n);
    expect(parseDecimal('-0.0000000000025')).toBe(-2n);
    expect(parseDecimal('-0.0000000000035')).toBe(-4n);
    expect(parseDecimal('0.9999999999995')).toBe(ONE); // carries into the integer part
    expect(parseDecimal('0.0000051234567890')).toBe(5_123_457n);
  });

  it('refuses anything else with a typed error', () => {
    for (const bad of ['', ' ', '-', '+', '.', '-.', 'e5', '.e5', '1e', '1e+', '1e-', '1,000.00', '$5', '5$', '1 000', ' 1', '1 ', '1.2.3',
      '0x10', 'NaN', 'Infinity', '-Infinity', '1_000', '١٢', 'null', '1e5.5', '--1', '+-1', '1.0E-6 ']) {
      expect(() => parseDecimal(bad), JSON.stringify(bad)).toThrow(DecimalError);
      expect(tryParseDecimal(bad), JSON.stringify(bad)).toBeUndefined();
    }
    try {
      parseDecimal('$10,000.00 ');
    } catch (e) {
      expect(e).toBeInstanceOf(DecimalError);
      expect((e as DecimalError).code).toBe('INVALID_DECIMAL');
      expect((e as DecimalError).status).toBe(400);
      expect((e as DecimalError).message).toBe('not a decimal number: "$10,000.00 "');
    }
    expect(() => parseDecimal('1e401')).toThrow(expect.objectContaining({ code: 'DECIMAL_OUT_OF_RANGE' }));
    expect(tryParseDecimal('1e99999999999')).toBeUndefined();
  });

  it('agrees with an independent rational reference on 5,000 generated plain decimals', () => {
    for (let i = 0; i < 5000; i++) {
      const negative = rand() < 0.5;
      const intDigits = digits(int(16));
      const fracDigits = digits(int(20));
      if (intDigits === '' && fracDigits === '') continue;
      const text = `${negative ? '-' : ''}${intDigits}${fracDigits || rand() < 0.5 ? '.' : ''}${fracDigits}`;
      expect(parseDecimal(text), text).toBe(reference(negative, intDigits, fracDigits, 0));
    }
  });

  it('agrees with the reference on 5,000 generated exponent forms', () => {
    for (let i = 0; i < 5000; i++) {
      const negative = rand() < 0.3;
      const intDigits = digits(1 + int(3));
      const fracDigits = digits(int(12));
      const exponent = int(41) - 25;
      const e = rand() < 0.5 ? 'E' : 'e';
      const sign = exponent < 0 ? '-' : rand() < 0.5 ? '+' : '';
      const text = `${negative ? '-' : ''}${intDigits}${fracDigits ? `.${fracDigits}` : ''}${e}${sign}${Math.abs(exponent)}`;
      expect(parseDecimal(text), text).toBe(reference(negative, intDigits, fracDigits, exponent));
    }
  });
});

describe('formatDecimal', () => {
  it('writes the API decimal string: exact, trailing zeros trimmed down to minFractionDigits', () => {
    expect(formatDecimal(0n)).toBe('0.00');
    expect(formatDecimal(ONE)).toBe('1.00');
    expect(formatDecimal(-1234_500_000_000_000n)).toBe('-1234.50');
    expect(formatDecimal(1_234_567_800_000_000n)).toBe('1234.5678');
    expect(formatDecimal(1n)).toBe('0.000000000001');
    expect(formatDecimal(-1n)).toBe('-0.000000000001');
    expect(formatDecimal(5n * ONE, { minFractionDigits: 0 })).toBe('5');
    expect(formatDecimal(5n * ONE, { minFractionDigits: 4 })).toBe('5.0000');
    expect(formatDecimal(parseDecimal('2.675'), { maxFractionDigits: 2 })).toBe('2.68'); // exact: no 2.67499.. float artefact
    expect(formatDecimal(parseDecimal('2.665'), { maxFractionDigits: 2 })).toBe('2.66'); // half to even
    expect(formatDecimal(parseDecimal('-0.005'), { maxFractionDigits: 2 })).toBe('0.00');
    expect(formatDecimal(10n ** 30n)).toBe('1000000000000000000.00');
    expect(() => formatDecimal(1n, { minFractionDigits: 13 })).toThrow(RangeError);
    expect(() => formatDecimal(1n, { minFractionDigits: 3, maxFractionDigits: 2 })).toThrow(RangeError);
  });

  it('round-trips 5,000 generated values through parseDecimal', () => {
    for (let i = 0; i < 5000; i++) {
      const value = BigInt(`${rand() < 0.5 ? '-' : ''}${digits(1 + int(30))}`);
      const text = formatDecimal(value);
      expect(text).toMatch(/^-?\d+\.\d{2,12}$/);
      expect(text.endsWith('0') && text.split('.')[1]!.length > 2).toBe(false);
      expect(parseDecimal(text)).toBe(value);
    }
  });
});

describe('cents and rounding', () => {
  it('rounds to cents half to even', () => {
    expect(toCents(parseDecimal('1.005'))).toBe(100n);
    expect(toCents(parseDecimal('1.015'))).toBe(102n);
    expect(toCents(parseDecimal('1.0150000001'))).toBe(102n);
    expect(toCents(parseDecimal('1.0149999999'))).toBe(101n);
    expect(toCents(parseDecimal('-1.005'))).toBe(-100n);
    expect(toCents(parseDecimal('-1.015'))).toBe(-102n);
    expect(toCents(parseDecimal('1.68230869740'))).toBe(168n);
    expect(fromCents(168n)).toBe(parseDecimal('1.68'));
  });

  it('agrees with a reference on 5,000 generated values', () => {
    const unit = 10n ** 10n;
    for (let i = 0; i < 5000; i++) {
      const v = BigInt(`${rand() < 0.5 ? '-' : ''}${digits(1 + int(20))}`);
      const m = v < 0n ? -v : v;
      const q = m / unit;
      const r2 = (m % unit) * 2n;
      const cents = r2 > unit || (r2 === unit && q % 2n === 1n) ? q + 1n : q;
      expect(toCents(v)).toBe(v < 0n ? -cents : cents);
      expect(roundHalfEven(v, 2)).toBe((v < 0n ? -cents : cents) * unit);
    }
  });

  it('multiplies a rate by a quantity exactly, rounding the 13th decimal half to even', () => {
    expect(multiply(parseDecimal('0.023'), parseDecimal('10.5'))).toBe(parseDecimal('0.2415'));
    expect(multiply(parseDecimal('4E-8'), parseDecimal('3E2'))).toBe(parseDecimal('0.000012'));
    expect(multiply(parseDecimal('0.000001'), parseDecimal('0.0000005'))).toBe(0n); // 5e-13: to even
    expect(multiply(parseDecimal('0.000001'), parseDecimal('0.0000015'))).toBe(2n); // 1.5e-12: to even
    expect(multiply(parseDecimal('-2'), parseDecimal('1.5'))).toBe(parseDecimal('-3'));
  });

  it('sums exactly where floating point does not', () => {
    let exact = 0n;
    let float = 0;
    for (let i = 0; i < 10; i++) {
      exact += parseDecimal('0.1');
      float += 0.1;
    }
    expect(exact).toBe(ONE);
    expect(float).not.toBe(1);
  });
});

describe('money.ts implementation', () => {
  it('uses no floating-point arithmetic', () => {
    const source = readFileSync(fileURLToPath(new URL('../../../shared/money.ts', import.meta.url)), 'utf8');
    for (const banned of ['parseFloat', 'toFixed', 'Math.', 'Number(', 'toPrecision']) {
      expect(source.includes(banned), banned).toBe(false);
    }
  });
});
