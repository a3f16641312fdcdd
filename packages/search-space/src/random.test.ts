import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from './random.js';

describe('createRng', () => {
  it('repeats the same sequence for the same seed and differs across seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
  });

  it('draws integers uniformly enough in range (chi-square, 10 bins)', () => {
    const rng = createRng(7);
    const counts = new Array(10).fill(0);
    const draws = 100_000;
    for (let i = 0; i < draws; i++) counts[rng.int(10)]++;
    const expected = draws / 10;
    const chiSquare = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    // 99.9th percentile of chi-square with 9 degrees of freedom is 27.88
    expect(chiSquare).toBeLessThan(27.88);
  });

  it('keeps values in range for any seed (property)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 1000 }), (seed, n) => {
        const rng = createRng(seed);
        for (let i = 0; i < 50; i++) {
          const x = rng.next();
          const k = rng.int(n);
          expect(x >= 0 && x < 1).toBe(true);
          expect(Number.isInteger(k) && k >= 0 && k < n).toBe(true);
        }
      }),
    );
  });

  it('produces standard normal deviates (mean ≈ 0, variance ≈ 1)', () => {
    const rng = createRng(1);
    const n = 50_000;
    const xs = Array.from({ length: n }, () => rng.normal());
    const m = xs.reduce((s, x) => s + x, 0) / n;
    const v = xs.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1);
    // standard error of the mean is 1/sqrt(n) ≈ 0.0045; allow 5 SE
    expect(Math.abs(m)).toBeLessThan(0.023);
    expect(Math.abs(v - 1)).toBeLessThan(0.03);
  });

  it('rejects non-integer seeds', () => {
    expect(() => createRng(1.5)).toThrow(/seed 1.5/);
  });
});
