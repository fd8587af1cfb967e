/**
 * Byte sources: recognising the container by its magic bytes, streaming, gunzip, and two
 * ready-made sources (a local file, an in-memory buffer).
 */
import { open } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BillingFileError } from './errors.js';
import type { BillingSource, ByteStream, RandomAccessSource } from './types.js';

/** Chunk size when a random-access source is read front to back. */
const READ_CHUNK = 1 << 20;

export function isRandomAccess(source: BillingSource): source is RandomAccessSource {
  // A Node Readable has a read() too, but no byteLength.
  if (typeof source !== 'object' || source === null) return false;
  const s = source as Partial<RandomAccessSource>;
  return typeof s.read === 'function' && typeof s.byteLength === 'number';
}

/** A random-access source read front to back in 1 MiB ranges (or its own `stream()` when it has one). */
export async function* streamRandomAccess(source: RandomAccessSource): ByteStream {
  if (typeof source.stream === 'function') {
    yield* source.stream();
    return;
  }
  for (let at = 0; at < source.byteLength; at += READ_CHUNK) {
    yield await source.read(at, Math.min(source.byteLength, at + READ_CHUNK));
  }
}

/** The first bytes of a stream, and a stream that replays them before the rest. */
export async function peek(
  stream: ByteStream,
  atLeast: number,
): Promise<{ head: Uint8Array; stream: ByteStream; close: () => Promise<void> }> {
  const iterator = stream[Symbol.asyncIterator]();
  const buffered: Uint8Array[] = [];
  let length = 0;
  let done = false;
  while (length < atLeast) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    if (next.value.byteLength === 0) continue;
    buffered.push(next.value);
    length += next.value.byteLength;
  }
  const head = buffered.length === 1 ? buffered[0]! : Buffer.concat(buffered);
  async function* replay(): ByteStream {
    let finished = done;
    done = true; // from here on the generator owns the iterator
    try {
      if (head.byteLength > 0) yield head;
      while (!finished) {
        const next = await iterator.next();
        if (next.done) {
          finished = true;
          break;
        }
        yield next.value;
      }
    } finally {
      if (!finished) await iterator.return?.();
    }
  }
  // For callers that give up before iterating `stream` (a generator never started cannot run its finally).
  const close = async () => {
    if (!done) {
      done = true;
      await iterator.return?.();
    }
  };
  return { head, stream: replay(), close };
}

export type Container = 'gzip' | 'parquet' | 'zip' | 'text' | 'empty';

export function sniff(head: Uint8Array): Container {
  if (head.byteLength === 0) return 'empty';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31) return 'parquet'; // PAR1
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'zip'; // PK\3\4
  return 'text';
}

/**
 * Gunzips a stream (multi-member gzip included). A stream that ends inside the compressed data
 * fails with TRUNCATED, damaged data with CORRUPT; errors of the source itself pass through.
 */
export async function* gunzip(input: ByteStream, fileName: string | undefined): ByteStream {
  const unzip = createGunzip({ chunkSize: 64 * 1024 });
  const source = Readable.from(input, { objectMode: false });
  pipeline(source, unzip, () => {
    // errors surface through the iteration below
  });
  try {
    for await (const chunk of unzip) yield chunk as Uint8Array;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const where = fileName ? ` ${fileName}` : '';
    if (code === 'Z_BUF_ERROR' || (e instanceof Error && /unexpected end of file/i.test(e.message))) {
      throw new BillingFileError('TRUNCATED', `gzip stream${where} ends early: the file is truncated`, {
        ...(fileName ? { fileName } : {}),
        cause: (e as Error).message,
      });
    }
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new BillingFileError('CORRUPT', `gzip data${where} is damaged: ${(e as Error).message}`, {
        ...(fileName ? { fileName } : {}),
        cause: (e as Error).message,
      });
    }
    throw e;
  } finally {
    source.destroy();
    unzip.destroy();
  }
}

/** An in-memory source. */
export function bytesSource(bytes: Uint8Array): RandomAccessSource & { stream(): ByteStream } {
  return {
    byteLength: bytes.byteLength,
    read: async (start, end) => bytes.subarray(start, end),
    async *stream() {
      for (let at = 0; at < bytes.byteLength; at += READ_CHUNK) yield bytes.subarray(at, at + READ_CHUNK);
    },
  };
}

/**
 * A local file: ranged reads for Parquet, a front-to-back stream for CSV. Each range read opens
 * and closes the file, so nothing is left open when the caller stops early.
 */
export async function fileSource(path: string): Promise<RandomAccessSource & { stream(): ByteStream }> {
  const handle = await open(path, 'r');
  let byteLength: number;
  try {
    byteLength = (await handle.stat()).size;
  } finally {
    await handle.close();
  }
  return {
    byteLength,
    async read(start, end) {
      const h = await open(path, 'r');
      try {
        const buffer = Buffer.allocUnsafe(end - start);
        let filled = 0;
        while (filled < buffer.byteLength) {
          const { bytesRead } = await h.read(buffer, filled, buffer.byteLength - filled, start + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return buffer.subarray(0, filled);
      } finally {
        await h.close();
      }
    },
    async *stream() {
      const h = await open(path, 'r');
      try {
        yield* h.createReadStream({ highWaterMark: 256 * 1024, autoClose: false });
      } finally {
        await h.close();
      }
    },
  };
}
