import { InvalidArgumentError } from './errors.js';

/** A seeded pseudo-random source; identical sequences on every JavaScript engine. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n), n a positive integer. */
  int(n: number): number;
  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** Standard normal deviate (Box–Muller). */
  normal(): number;
  /** Independent generator derived from this one's state and a label, for sub-streams. */
  fork(label: number): Rng;
}

function splitMix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Creates a seeded generator (xoshiro128**, state filled by SplitMix32 from the seed).
 * Seed: integer; the same seed gives the same sequence in Node and in the browser.
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError('search-space', 'seed', seed, 'safe integers');
  }
  const mix = splitMix32((seed ^ Math.floor(seed / 2 ** 32)) >>> 0);
  const s = new Uint32Array([mix(), mix(), mix(), mix()]);
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };

  const rng: Rng = {
    next: () => nextUint32() / 2 ** 32,
    int: (n) => {
      if (!Number.isInteger(n) || n <= 0) {
        throw new InvalidArgumentError('search-space', 'n', n, 'positive integers');
      }
      return Math.floor(rng.next() * n);
    },
    pick: (items) => {
      if (items.length === 0) {
        throw new InvalidArgumentError('search-space', 'items', '[]', 'a non-empty array');
      }
      return items[rng.int(items.length)];
    },
    normal: () => {
      const u = 1 - rng.next();
      const v = rng.next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    fork: (label) => createRng((nextUint32() ^ Math.imul(label | 0, 0x27d4eb2d)) >>> 0),
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
