/** Tolerance under which two accuracies (percent) count as equal, 1e-9 percent points. */
export const ACCURACY_EPSILON = 1e-9;

/** Summary of a sample: count, mean, extremes and quantiles (linear interpolation, type 7). */
export interface DistributionSummary {
  /** Number of values. */
  count: number;
  /** Arithmetic mean; NaN when empty. */
  mean: number;
  /** Smallest value. */
  min: number;
  /** 5 % quantile. */
  q05: number;
  /** 25 % quantile. */
  q25: number;
  /** Median. */
  median: number;
  /** 75 % quantile. */
  q75: number;
  /** 95 % quantile. */
  q95: number;
  /** Largest value. */
  max: number;
  /**
   * Share 0..1 of values at most ACCURACY_EPSILON: for gaps, the starts that reach (or, scored
   * on another table, beat) the joint choice.
   */
  shareZero: number;
}

/** Quantile p in [0, 1] of ascending-sorted values by linear interpolation; NaN when empty. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/** Summarizes a sample (see DistributionSummary); fields are NaN for an empty sample. */
export function summarize(values: ArrayLike<number>): DistributionSummary {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  let zeros = 0;
  for (const value of sorted) {
    sum += value;
    if (value <= ACCURACY_EPSILON) zeros++;
  }
  const n = sorted.length;
  return {
    count: n,
    mean: n > 0 ? sum / n : Number.NaN,
    min: n > 0 ? sorted[0] : Number.NaN,
    q05: quantileSorted(sorted, 0.05),
    q25: quantileSorted(sorted, 0.25),
    median: quantileSorted(sorted, 0.5),
    q75: quantileSorted(sorted, 0.75),
    q95: quantileSorted(sorted, 0.95),
    max: n > 0 ? sorted[n - 1] : Number.NaN,
    shareZero: n > 0 ? zeros / n : Number.NaN,
  };
}

/** Position of the largest value, the first one on ties; −1 when empty or all NaN. */
export function argmax(values: ArrayLike<number>): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) continue;
    if (best < 0 || values[i] > values[best]) best = i;
  }
  return best;
}

/** Mean of the finite values; NaN when there are none. */
export function finiteMean(values: ArrayLike<number>): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) continue;
    sum += values[i];
    count++;
  }
  return count > 0 ? sum / count : Number.NaN;
}
