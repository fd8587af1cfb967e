import { describe, expect, it } from 'vitest';
import { addDays, addMonths, daysBetween, isCalendarDate, periodsBetween, todayIn } from '#shared/costs/dates.js';
import { kindsOf, planQuery, type Filter } from '#shared/costs/plan.js';
import { MAX_RANGE_DAYS, resolveRange } from '#shared/costs/query.js';

const f = (dimension: Filter['dimension'], ...values: string[]): Filter => ({ dimension, values });
const fieldsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    expect((e as { code: string }).code).toBe('UNSUPPORTED_FILTER');
    return ((e as { details: Array<{ field: string }> }).details ?? []).map((d) => d.field);
  }
  throw new Error('expected a refusal');
};

describe('planQuery', () => {
  it('uses the grouped 1-D rollup without filters or with filters on the grouped dimension only', () => {
    expect(planQuery('service', [])).toEqual({ source: 'rollup', kind: 'service' });
    expect(planQuery('region', [f('region', 'us-east-1', 'eu-west-1')])).toEqual({ source: 'rollup', kind: 'region' });
    expect(kindsOf(planQuery('usageType', []))).toEqual(['usageType']);
  });

  it('uses the cube when a filter is on another dimension', () => {
    expect(planQuery('service', [f('account', 'a')])).toEqual({ source: 'cube' });
    expect(kindsOf(planQuery('chargeCategory', [f('chargeCategory', 'Usage'), f('region', 'x')]))).toEqual(['cube']);
  });

  it('uses the tag rollup for a tag grouping, plus the totals rollup only when (untagged) is in the answer', () => {
    expect(kindsOf(planQuery('tag:env', []))).toEqual(['tag', 'chargeCategory']);
    expect(kindsOf(planQuery('tag:env', [f('tag:env', 'prod')]))).toEqual(['tag']);
    expect(kindsOf(planQuery('tag:env', [f('tag:env', 'prod', '(untagged)')]))).toEqual(['tag', 'chargeCategory']);
  });

  it('uses the resource rollup for resources, filtered on service, account or region', () => {
    expect(kindsOf(planQuery('resource', [f('service', 's'), f('account', 'a'), f('region', 'r')]))).toEqual(['resource']);
  });

  it('refuses what separate rollups cannot answer exactly, naming each filter', () => {
    expect(fieldsOf(() => planQuery('service', [f('tag:env', 'prod')]))).toEqual(['query.filter[tag:env]']);
    expect(fieldsOf(() => planQuery('service', [f('tag:env', 'prod'), f('region', 'x')]))).toEqual(['query.filter[tag:env]']);
    expect(fieldsOf(() => planQuery('tag:env', [f('service', 's'), f('tag:team', 'a'), f('tag:env', 'prod')]))).toEqual([
      'query.filter[service]',
      'query.filter[tag:team]',
    ]);
    expect(fieldsOf(() => planQuery('resource', [f('usageType', 'u'), f('chargeCategory', 'Tax'), f('tag:env', 'x')]))).toEqual([
      'query.filter[usageType]',
      'query.filter[chargeCategory]',
      'query.filter[tag:env]',
    ]);
    expect(fieldsOf(() => planQuery('service', [f('tag:env', 'prod')], 'overview'))).toEqual(['query.filter[tag:env]']);
  });
});

describe('dates', () => {
  it('accepts real calendar dates only, 2000 to 2099', () => {
    for (const d of ['2024-02-29', '2000-01-01', '2099-12-31']) expect(isCalendarDate(d), d).toBe(true);
    for (const d of ['2023-02-29', '2024-04-31', '2024-13-01', '1999-12-31', '2100-01-01', '2024-1-1', '', '2024-01-01T00:00:00Z']) {
      expect(isCalendarDate(d), d).toBe(false);
    }
  });

  it('does day and month arithmetic across years and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2023-12-31', 1)).toBe('2024-01-01');
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(addMonths('2024-01', -1)).toBe('2023-12');
    expect(addMonths('2024-12', 1)).toBe('2025-01');
    expect(periodsBetween('2023-11', '2024-02')).toEqual(['2023-11', '2023-12', '2024-01', '2024-02']);
    expect(periodsBetween('2024-02', '2024-01')).toEqual([]);
  });

  it("finds today in a time zone, and falls back to UTC for an unknown one", () => {
    const now = new Date('2024-03-31T12:00:00Z');
    expect(todayIn('Pacific/Auckland', now)).toBe('2024-04-01');
    expect(todayIn('America/Los_Angeles', new Date('2024-04-01T03:00:00Z'))).toBe('2024-03-31');
    expect(todayIn('Not/AZone', now)).toBe('2024-03-31');
  });

  it('resolves default ranges to month to date, and checks explicit ones', () => {
    expect(resolveRange({}, '2024-03-15')).toEqual({ start: '2024-03-01', end: '2024-03-16' });
    expect(resolveRange({}, '2024-03-31')).toEqual({ start: '2024-03-01', end: '2024-04-01' });
    expect(resolveRange({ end: '2024-02-01' }, '2024-03-15')).toEqual({ start: '2024-01-01', end: '2024-02-01' });
    expect(resolveRange({ start: '2024-01-10' }, '2024-03-15')).toEqual({ start: '2024-01-10', end: '2024-03-16' });
    const longest = addDays('2024-01-01', MAX_RANGE_DAYS);
    expect(resolveRange({ start: '2024-01-01', end: longest }, '2024-03-15')).toEqual({ start: '2024-01-01', end: longest });
    expect(() => resolveRange({ start: '2024-01-01', end: addDays(longest, 1) }, '2024-03-15')).toThrow(/not valid/);
  });
});
