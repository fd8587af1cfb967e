/**
 * The papaparse reader (fast-csv.ts) against the csv-parse reader (csv.ts): the same records, line
 * numbers and file errors on any input and any chunking. Where papaparse could read differently,
 * the fast reader hands over to csv-parse; these checks prove the hand-over points are enough.
 */
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { CsvReader } from '#functions/billing/parse/csv.js';
import { type CsvRecordReader, FastCsvReader } from '#functions/billing/parse/fast-csv.js';
import { chunked } from './helpers.js';

async function readAll(reader: CsvRecordReader, headerLength: number) {
  const out: Array<[number, unknown]> = [];
  reader.headerLength = headerLength;
  try {
    for (let c = await reader.next(); c !== null; c = await reader.next()) c.records.forEach((r, i) => out.push([c.lines[i]!, r]));
  } catch (e) {
    out.push([-1, { error: (e as { code?: string }).code, message: (e as Error).message, details: (e as { details?: unknown }).details }]);
  }
  await reader.close();
  return out;
}

async function both(text: string | Uint8Array, chunk: number, headerLength = 3) {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const fast = new FastCsvReader(chunked(bytes, chunk), 't.csv');
  return {
    fast: await readAll(fast, headerLength),
    reference: await readAll(new CsvReader(chunked(bytes, chunk), 't.csv'), headerLength),
    handedOver: fast.handedOver,
  };
}

type Read = Array<[number, unknown]>;

/**
 * Identical records and lines; when the file fails, the same error, and the records the csv-parse
 * reader yielded before it are a prefix of the fast reader's (it may yield a chunk sooner; callers
 * discard everything from a failed file).
 */
function expectSame(fast: Read, reference: Read, what = '') {
  const failed = (r: Read) => r.at(-1)?.[0] === -1;
  if (failed(fast) || failed(reference)) {
    expect(fast.at(-1), what).toEqual(reference.at(-1));
    expect(fast.slice(0, reference.length - 1), what).toEqual(reference.slice(0, -1));
  } else {
    expect(fast, what).toEqual(reference);
  }
}

describe('CSV reader (papaparse, csv-parse where they could differ)', () => {
  it('relies on papaparse exposing its core Parser, which leaves an unfinished last record out', () => {
    const parser = new Papa.Parser({ delimiter: ',', newline: '\n', quoteChar: '"' });
    const r = parser.parse('a,"b\nc",d\ne,"f', 0, true);
    expect(r.data).toEqual([['a', 'b\nc', 'd']]);
    expect(r.meta.cursor).toBe(10);
    expect(r.errors).toEqual([]);
    expect(parser.parse('"a"b,c\nd', 0, true).errors.map((e) => e.code)).toEqual(['InvalidQuotes']);
  });

  it('reads a FOCUS-like file with papaparse alone, whatever the chunking', async () => {
    const text =
      'a,Tags,c\n1,"{""team"":""web"",""env"":""prod""}",x\n2,"multi\nline, with comma",y\n3,,\n4,"é""日本""",z\n5,5" disk,x"y\n';
    for (const size of [1, 2, 3, 7, 1000]) {
      const { fast, reference, handedOver } = await both(text, size);
      expectSame(fast, reference, `chunks of ${size}`);
      expect(fast.map(([line]) => line)).toEqual([1, 2, 3, 5, 6, 7]);
      expect(handedOver).toBe(true); // at the end of the file, for csv-parse's end-of-file checks
    }
    expect((await both(text, 1000)).fast[2]).toEqual([3, ['2', 'multi\nline, with comma', 'y']]);
  });

  it('hands over at CRLF, blank lines, stray quotes, an unterminated quote, a cut last record, and gives the same answer', async () => {
    const cases = [
      'a,b,c\n1,2,3\r\n4,5,6\n',
      'a,b,c\n1,2,3\n\n4,5,6\n',
      'a,b,c\n1,"2" ,3\n4,5,6\n',
      'a,b,c\n1,"2"x,3\n4,5,6\n',
      'a,b,c\n1,2,3\n4,"5,6\n7,8,9\n',
      'a,b,c\n1,2,3\n4,5',
      '\uFEFFa,b,c\n1,2,3\n',
      '\n\na,b,c\n1,2,3',
      'a,b,c\n1,2,3\n"x\r\ny",2,3\n',
    ];
    for (const text of cases) for (const size of [1, 4, 1000]) {
      const { fast, reference } = await both(text, size);
      expectSame(fast, reference, `${JSON.stringify(text)} in chunks of ${size}`);
    }
  });

  it('equals csv-parse on arbitrary text and chunking (property)', async () => {
    const alphabet = fc.constantFrom('a', 'b', ',', ',', '"', '"', '\n', '\n', '\r', ' ', '\t', 'é', '日', '\uFEFF');
    await fc.assert(
      fc.asyncProperty(fc.array(alphabet, { maxLength: 80 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 4 }), async (chars, size, header) => {
        const { fast, reference } = await both(chars.join(''), size, header);
        expectSame(fast, reference);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 500) },
    );
  });

  it('equals csv-parse on well-formed CSV of quoted fields (property)', async () => {
    const field = fc.oneof(
      fc.stringMatching(/^[a-z0-9 .:/-]{0,8}$/),
      fc.array(fc.constantFrom('a', ',', '"', '\n', ' ', '{', '}', ':'), { maxLength: 10 }).map((cs) => `"${cs.join('').replaceAll('"', '""')}"`),
    );
    const record = fc.array(field, { minLength: 1, maxLength: 5 }).map((fs) => fs.join(','));
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 20 }), fc.boolean(), fc.integer({ min: 1, max: 64 }), async (records, endsWithLf, size) => {
        const { fast, reference } = await both(records.join('\n') + (endsWithLf ? '\n' : ''), size);
        expectSame(fast, reference);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 500) },
    );
  });

  it('equals csv-parse on chunks larger than a piece (64 KiB, cut without copying): cut characters, quoted line breaks, hand-overs in the rest of a chunk (property)', { timeout: 120_000 }, async () => {
    const field = fc.oneof(
      fc.stringMatching(/^[a-z0-9 .:/-]{0,12}$/),
      fc.constantFrom('é', '日本', '\u{1F600}', '"{""team"":""wéb""}"', '"multi\nline, ""q"""', ''),
    );
    const record = fc.array(field, { minLength: 3, maxLength: 3 }).map((fs) => fs.join(','));
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1500, max: 6000 }),
        fc.constantFrom(65_535, 65_536, 65_537, 100_000, 200_000, 1 << 20),
        fc.option(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('\r\n', '\n\n', '"x" ,', '"'))),
        async (records, count, size, insert) => {
          const lines = ['a,b,c'];
          for (let i = 0; i < count; i++) lines.push(records[i % records.length]!);
          let text = lines.join('\n') + '\n';
          if (insert) {
            const at = text.indexOf('\n', Math.floor(insert[0] * text.length));
            if (at > 0) text = text.slice(0, at) + insert[1] + text.slice(at + 1);
          }
          const { fast, reference } = await both(text, size);
          expectSame(fast, reference, `${text.length} characters in chunks of ${size}`);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 25) },
    );
  });

  it('a record over 16 MiB is CORRUPT, as with csv-parse', async () => {
    const text = `a,b\n1,"${'x'.repeat(17 * 1024 * 1024)}\n`;
    const { fast, reference } = await both(text, 1 << 20, 2);
    expect(fast.at(-1)![1]).toMatchObject({ error: 'CORRUPT' });
    expectSame(fast, reference);
  });
});
