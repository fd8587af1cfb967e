/**
 * Seeded pseudo-random numbers for the demo generator. Nothing here reads a clock or Math.random,
 * and only +, -, *, / and integer ops are used on the results, so a given seed gives the same
 * numbers on every machine and Node version.
 */

/** mulberry32: a small sequential PRNG with a 32-bit state; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over the UTF-16 code units of a string: a stable 32-bit id for a name. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's 32-bit finalizer: mixes all bits of x. */
function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * Counter-based random number: a float in [0, 1) that depends only on (seed, a, b, c). Daily values
 * use it (seed, meter id, day, draw), so a meter's numbers never depend on which other meters exist
 * or in which order they are generated: scaling the demo up leaves the base data byte-identical.
 */
export function hashUnit(seed: number, a: number, b: number, c = 0): number {
  let h = fmix32((seed ^ 0x9e3779b9) >>> 0);
  h = fmix32((h ^ a) >>> 0);
  h = fmix32((h + Math.imul(b, 0x27d4eb2f)) >>> 0);
  h = fmix32((h ^ Math.imul(c + 1, 0x165667b1)) >>> 0);
  return h / 4294967296;
}

/** Lower-case hex digits from a name: stable resource-id suffixes (i-0..., vol-0..., nat-0...). */
export function hexFrom(name: string, digits: number): string {
  let out = '';
  let round = 0;
  while (out.length < digits) {
    out += fmix32((hashString(name) + Math.imul(round++, 0x9e3779b1)) >>> 0)
      .toString(16)
      .padStart(8, '0');
  }
  return out.slice(0, digits);
}

const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Upper-case alphanumerics from a name, like AWS SKU ids (e.g. 6QCMYABX3D89HA4T). */
export function alnumFrom(name: string, length: number): string {
  const next = mulberry32(hashString(name));
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[Math.floor(next() * ALNUM.length)];
  return out;
}
