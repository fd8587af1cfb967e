import { describe, expect, it } from 'vitest';
import { ExactSum, decimalsOf, formatScaled, formatUnits, parseUnits, usd } from '#local/demo/money.js';
import { hashUnit, mulberry32 } from '#local/demo/prng.js';

describe('demo money', () => {
  it('formats integer units of 1e-10 USD as plain decimals without trailing zeros', () => {
    expect(formatUnits(0)).toBe('0');
    expect(formatUnits(1)).toBe('0.0000000001');
    expect(formatUnits(-1)).toBe('-0.0000000001');
    expect(formatUnits(46_080_000_000)).toBe('4.608');
    expect(formatUnits(-2_500_000_000_000)).toBe('-250');
    expect(formatUnits(12_345_678_901_234_567_890n)).toBe('1234567890.123456789');
    expect(formatScaled(1234, 2)).toBe('12.34');
    expect(formatScaled(1200, 2)).toBe('12');
  });

  it('parses decimals exactly and round-trips', () => {
    for (const text of ['0', '4.608', '-37.42', '0.0000166667', '1234567890.123456789', '-0.0000000001']) {
      expect(formatUnits(parseUnits(text))).toBe(text);
    }
    expect(parseUnits('0.1') + parseUnits('0.2')).toBe(parseUnits('0.3'));
    expect(() => parseUnits('0.00000000001')).toThrow(/decimal places/);
    expect(() => parseUnits('1e-7')).toThrow(/plain decimal/);
    expect(usd(0.0000166667)).toBe(166_667);
    expect(decimalsOf(usd('0.192'))).toBe(3);
    expect(decimalsOf(usd('5'))).toBe(0);
  });

  it('sums exactly past 2^53', () => {
    const sum = new ExactSum();
    for (let i = 0; i < 10; i++) sum.add(900_000_000_000_001);
    sum.add(-1);
    expect(sum.value()).toBe(9_000_000_000_000_009n);
  });

  it('draws the same numbers for the same seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
    expect(hashUnit(1, 2, 3)).toBe(hashUnit(1, 2, 3));
    expect(hashUnit(1, 2, 3)).not.toBe(hashUnit(2, 2, 3));
  });
});
