/**
 * The part of papaparse we use: its core `Papa.Parser` (the engine its own chunk streamers drive),
 * not its stream wrappers. papaparse ships no type declarations; `fast-csv.test.ts` pins the
 * behaviour we rely on.
 */
declare module 'papaparse' {
  export interface PapaError {
    type: string;
    code: string;
    message: string;
    row?: number;
    index?: number;
  }
  export interface PapaChunkResult {
    data: string[][];
    errors: PapaError[];
    /** `cursor`: where the last complete record (its line ending included) ends in the input. */
    meta: { cursor: number; aborted: boolean; truncated: boolean };
  }
  export interface PapaParser {
    /** With `ignoreLastRow`, a record the input ends inside (or without its line ending) is left out. */
    parse(input: string, baseIndex: number, ignoreLastRow: boolean): PapaChunkResult;
  }
  export interface PapaParserConfig {
    delimiter?: string;
    newline?: '\n' | '\r\n' | '\r';
    quoteChar?: string;
    escapeChar?: string;
    fastMode?: boolean;
  }
  const Papa: { Parser: new (config: PapaParserConfig) => PapaParser };
  export default Papa;
}
