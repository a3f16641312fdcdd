import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kendallTau } from '../rank-statistics.js';
import { kendallTauFast } from './kendall-fast.js';

const TOLERANCE = 1e-12;

describe('kendallTauFast', () => {
  it('matches hand-worked values', () => {
    // pairs (1,1) (2,3) (3,2) (3,4): C = 4, D = 1, one tie in a only → τb = 3 / sqrt(5 · 6)
    expect(kendallTauFast([1, 2, 3, 3], [1, 3, 2, 4])).toBeCloseTo(3 / Math.sqrt(30), 12);
    expect(kendallTauFast([1, 2, 3], [3, 2, 1])).toBe(-1);
    expect(kendallTauFast([1, 2, 3, 4], [1, 2, 3, 4])).toBe(1);
    expect(kendallTauFast([1, 1, 1], [1, 2, 3])).toBeNaN();
    // scipy.stats.kendalltau's documented example: C = 2, D = 6, one pair tied in x only, one
    // tied in both → (2 − 6) / sqrt((10 − 2) · (10 − 1)) = −4 / sqrt(72)
    expect(kendallTauFast([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])).toBeCloseTo(-4 / Math.sqrt(72), 12);
    expect(kendallTau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])).toBeCloseTo(-4 / Math.sqrt(72), 12);
  });

  it('agrees with the O(n²) kendallTau on random samples with many ties', () => {
    const sample = fc
      .integer({ min: 2, max: 60 })
      .chain((n) =>
        fc.tuple(
          fc.array(fc.integer({ min: 0, max: 6 }), { minLength: n, maxLength: n }),
          fc.array(fc.integer({ min: 0, max: 6 }), { minLength: n, maxLength: n }),
        ),
      );
    fc.assert(
      fc.property(sample, ([a, b]) => {
        const slow = kendallTau(a, b);
        const fast = kendallTauFast(a, b);
        if (Number.isNaN(slow)) return Number.isNaN(fast);
        return Math.abs(slow - fast) < TOLERANCE;
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with kendallTau on continuous values', () => {
    const values = fc.array(fc.double({ min: -100, max: 100, noNaN: true }), {
      minLength: 2,
      maxLength: 200,
    });
    fc.assert(
      fc.property(values, values, (x, y) => {
        const n = Math.min(x.length, y.length);
        if (n < 2) return true;
        const a = x.slice(0, n);
        const b = y.slice(0, n);
        const slow = kendallTau(a, b);
        const fast = kendallTauFast(a, b);
        if (Number.isNaN(slow)) return Number.isNaN(fast);
        return Math.abs(slow - fast) < 1e-9;
      }),
      { numRuns: 100 },
    );
  });

  it('rejects samples of different lengths', () => {
    expect(() => kendallTauFast([1, 2], [1])).toThrow(/equal length/);
  });
});
