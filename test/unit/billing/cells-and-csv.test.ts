import { Parser } from 'csv-parse';
import { describe, expect, it } from 'vitest';
import { DateReader, isNullText, jsonStringField, TagReader } from '#functions/billing/parse/cells.js';
import { CsvReader } from '#functions/billing/parse/csv.js';
import { chunked } from './helpers.js';

describe('dates', () => {
  const iso = new DateReader(undefined);
  const at = (s: string) => iso.parse(s)?.iso ?? null;

  it('reads the ISO 8601 forms exports write, as UTC', () => {
    expect(at('2023-11-01T00:00:00.000Z')).toBe('2023-11-01T00:00:00.000Z');
    expect(at('2023-11-01T00:00:00Z')).toBe('2023-11-01T00:00:00.000Z');
    expect(at('2023-11-01T05:06Z')).toBe('2023-11-01T05:06:00.000Z');
    expect(at('2023-11-01 05:06:07')).toBe('2023-11-01T05:06:07.000Z'); // no zone: UTC
    expect(at('2023-11-01 05:06:07 UTC')).toBe('2023-11-01T05:06:07.000Z');
    expect(at('2023-11-01T05:06:07.1234567Z')).toBe('2023-11-01T05:06:07.123Z');
    expect(at('2023-11-01T05:06:07.5Z')).toBe('2023-11-01T05:06:07.500Z');
    expect(at('2023-11-01')).toBe('2023-11-01T00:00:00.000Z');
    expect(at('2024-02-29T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(at(' 2023-11-01T00:00:00Z ')).toBe('2023-11-01T00:00:00.000Z');
  });

  it('applies offsets; the billing period keeps the date as written, the charge date is UTC', () => {
    const p = iso.parse('2024-03-01T00:00:00+01:00')!;
    expect(p.iso).toBe('2024-02-29T23:00:00.000Z');
    expect(p.utcDate).toBe('2024-02-29');
    expect(p.writtenDate).toBe('2024-03-01');
    expect(at('2024-03-01T00:00:00-0530')).toBe('2024-03-01T05:30:00.000Z');
    expect(at('2024-03-01T00:00:00-08')).toBe('2024-03-01T08:00:00.000Z');
  });

  it('refuses what is not a real instant', () => {
    for (const s of ['', 'NULL', 'yesterday', '2023-02-29', '2023-13-01', '2023-00-10', '2023-01-32', '2023-02-01T30:00:00Z', '2023-02-01T10:60:00Z',
      '2023-02-01T10:00:61Z', '2023-2-1', '20230201', '2023-02-01T10', '2023-02-01T10:00:00+25:00', '2023-02-01X10:00', '4/1/25', '2023-02-01T10:00:00.Z']) {
      expect(iso.parse(s), s).toBeNull();
    }
  });

  it('reads spreadsheet slash dates only when told the order', () => {
    const mdy = new DateReader('MDY');
    const dmy = new DateReader('DMY');
    expect(mdy.parse('4/1/25')?.writtenDate).toBe('2025-04-01');
    expect(dmy.parse('4/1/25')?.writtenDate).toBe('2025-01-04');
    expect(mdy.parse('12/31/2024 23:59')?.iso).toBe('2024-12-31T23:59:00.000Z');
    expect(mdy.parse('12/31/2024 7:05:09')?.iso).toBe('2024-12-31T07:05:09.000Z');
    expect(mdy.parse('13/1/25')).toBeNull();
    expect(dmy.parse('31/12/24')?.writtenDate).toBe('2024-12-31');
    expect(mdy.parse('2/30/24')).toBeNull();
    expect(mdy.parse('1/1/025')).toBeNull();
    expect(mdy.parse('2024-01-01')?.writtenDate).toBe('2024-01-01'); // ISO still first
  });

  it('reads Parquet Date cells', () => {
    expect(iso.read(new Date(Date.UTC(2024, 0, 2, 3)))?.iso).toBe('2024-01-02T03:00:00.000Z');
    expect(iso.read(new Date(Number.NaN))).toBeNull();
    expect(iso.read(42)).toBeNull();
  });
});

describe('cells', () => {
  it('treats empty, NULL, null, Null as missing (not "nULL" or "none")', () => {
    expect(['', 'NULL', 'null', 'Null'].every(isNullText)).toBe(true);
    expect(['nULL', 'none', ' ', 'NA', '0'].some(isNullText)).toBe(false);
  });

  it('reads tags from JSON text and from decoded maps; refuses non-objects', () => {
    const tags = new TagReader((k) => (k.startsWith('user_') ? k.slice(5) : k));
    expect(tags.read('{"user_team":"web","n":1,"b":true,"x":null,"o":{"a":1}}')).toEqual({ team: 'web', n: '1', b: 'true', o: '{"a":1}' });
    expect(tags.read('')).toEqual({});
    expect(tags.read('NULL')).toEqual({});
    expect(tags.read('{}')).toEqual({});
    expect(tags.read(null)).toEqual({});
    expect(tags.read(new Map([['user_env', 'prod']]))).toEqual({ env: 'prod' });
    expect(tags.read([{ key: 'user_env', value: 'dev' }])).toEqual({ env: 'dev' });
    expect(tags.read('[1,2]')).toBeNull();
    expect(tags.read('"str"')).toBeNull();
    expect(tags.read('{bad')).toBeNull();
    // identical cells share one frozen object
    expect(tags.read('{"a":"1"}')).toBe(tags.read('{"a":"1"}'));
    expect(Object.isFrozen(tags.read('{"a":"1"}'))).toBe(true);
  });

  it('takes one field out of a JSON map cell without parsing it whole, and falls back to JSON.parse for escapes', () => {
    expect(jsonStringField('{"product_name":"Amazon EC2","region":"us-east-1"}', 'product_name')).toBe('Amazon EC2');
    expect(jsonStringField('{"region":"us-east-1"}', 'product_name')).toBeNull();
    expect(jsonStringField('{"product_name":"A \\"quoted\\" name"}', 'product_name')).toBe('A "quoted" name');
    expect(jsonStringField('{"x":"\\"product_name\\":\\"fake\\"","product_name":"real"}', 'product_name')).toBe('real');
    expect(jsonStringField('{"product_name": "spaced"}', 'product_name')).toBe('spaced');
    expect(jsonStringField({ product_name: 'obj' }, 'product_name')).toBe('obj');
    expect(jsonStringField(new Map([['product_name', 'map']]), 'product_name')).toBe('map');
    expect(jsonStringField('NULL', 'product_name')).toBeNull();
    expect(jsonStringField('not json product_name', 'product_name')).toBeUndefined();
  });
});

describe('CSV reader (csv-parse core driven chunk by chunk)', () => {
  async function records(text: string, chunk = 1 << 20) {
    const reader = new CsvReader(chunked(Buffer.from(text), chunk), 't.csv');
    const out: [number, unknown][] = [];
    for (let c = await reader.next(); c !== null; c = await reader.next()) c.records.forEach((r, i) => out.push([c.lines[i]!, r]));
    return out;
  }

  it('relies on csv-parse Parser exposing its synchronous core as .api', () => {
    const api = (new Parser({}) as unknown as { api: { parse: unknown; info: { lines: number } } }).api;
    expect(typeof api.parse).toBe('function');
    expect(api.info.lines).toBe(1);
  });

  it('numbers records by the line they start on, across blank lines, CRLF, BOM and quoted line breaks, whatever the chunking', async () => {
    // lines: 1 header | 2 "1,2" | 3 blank | 4-5 "x<CRLF>y",3 | 6 blank (LF) | 7-9 4,"5<LF><LF>6" | 10 7,8 | 11 "a<CRLF><CRLF>b",9 ... 13 | 14 10,11
    const text = '\uFEFFa,b\r\n1,2\r\n\r\n"x\r\ny",3\r\n\n4,"5\n\n6"\n7,8\r\n"a\r\n\r\nb",9\r\n10,11';
    const expected = [
      [1, ['a', 'b']],
      [2, ['1', '2']],
      [4, ['x\r\ny', '3']],
      [7, ['4', '5\n\n6']],
      [10, ['7', '8']],
      [11, ['a\r\n\r\nb', '9']],
      [14, ['10', '11']],
    ];
    for (const size of [1, 2, 3, 1000]) expect(await records(text, size), `chunks of ${size}`).toEqual(expected);
  });

  it('keeps stray quotes inside unquoted fields (relax_quotes)', async () => {
    expect(await records('a,b\n5" disk,x"y\n')).toEqual([
      [1, ['a', 'b']],
      [2, ['5" disk', 'x"y']],
    ]);
  });

  it('multi-byte UTF-8 split across chunks', async () => {
    expect(await records('a,b\nÉté,日本\n', 1)).toEqual([
      [1, ['a', 'b']],
      [2, ['Été', '日本']],
    ]);
  });
});
