import { describe, expect, it } from 'vitest';
import { argmax, finiteMean, quantileSorted, summarize } from './distribution.js';

describe('distribution helpers', () => {
  it('summarizes a sample with interpolated quantiles', () => {
    const s = summarize([4, 0, 2, 0, 10]);
    expect(s.count).toBe(5);
    expect(s.mean).toBe(3.2);
    expect(s.median).toBe(2);
    // sorted 0 0 2 4 10: the 25 % quantile sits at position 1, the 95 % at 3.8 → 4 + 0.8 · 6
    expect(s.q25).toBe(0);
    expect(s.q95).toBeCloseTo(8.8, 12);
    expect(s.shareZero).toBe(0.4);
    expect(quantileSorted([1, 3], 0.5)).toBe(2);
    expect(summarize([]).mean).toBeNaN();
    // negative gaps (a sequential choice scoring above the joint one) count as reaching it
    expect(summarize([-1, 0, 1e-12, 2]).shareZero).toBe(0.75);
  });

  it('finds the first largest value and the finite mean', () => {
    expect(argmax([1, 3, 3, Number.NaN])).toBe(1);
    expect(argmax([])).toBe(-1);
    expect(finiteMean([1, Number.NaN, 3])).toBe(2);
  });
});
