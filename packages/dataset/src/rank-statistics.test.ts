import { describe, expect, it } from 'vitest';
import { averageRanks, kendallTau, mean, spearmanRho, standardError } from './rank-statistics.js';

const TOLERANCE = 1e-12;

describe('rank statistics', () => {
  it('computes Kendall tau-b on a hand-worked example with ties', () => {
    // pairs (1,1) (2,3) (3,2) (3,4): C = 4, D = 1, ties only in a: 1 → τb = 3 / sqrt(5 * 6)
    expect(kendallTau([1, 2, 3, 3], [1, 3, 2, 4])).toBeCloseTo(3 / Math.sqrt(30), 12);
    expect(kendallTau([1, 2, 3], [3, 2, 1])).toBe(-1);
    expect(kendallTau([1, 1, 1], [1, 2, 3])).toBeNaN();
  });

  it('computes Spearman rho with average ranks', () => {
    expect(Array.from(averageRanks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
    // d = rank differences of [1,2,3,4] vs [2,1,4,3]: Σd² = 4 → ρ = 1 − 6·4/(4·15) = 0.6
    expect(spearmanRho([1, 2, 3, 4], [2, 1, 4, 3])).toBeCloseTo(0.6, 12);
  });

  it('computes mean and standard error', () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    // sample variance of [1,2,3,6] = (4+1+0+9)/3 = 14/3 → SE = sqrt(14/3)/2
    expect(Math.abs(standardError([1, 2, 3, 6]) - Math.sqrt(14 / 3) / 2)).toBeLessThan(TOLERANCE);
    expect(standardError([5])).toBe(0);
  });
});
