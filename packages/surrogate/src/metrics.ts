import { kendallTau, mean, spearmanRho } from '@nashpobench2/dataset';
import { InvalidArgumentError } from '@nashpobench2/search-space';

/** Held-out quality of one model on one target. */
export interface RegressionMetrics {
  /** Rows evaluated. */
  readonly n: number;
  /** Coefficient of determination, 1 − SSE/SST; ≤ 1, can be negative. */
  readonly r2: number;
  /** Kendall's τ-b between truth and prediction, −1..1. */
  readonly kendallTau: number;
  /** Spearman's ρ between truth and prediction, −1..1. */
  readonly spearmanRho: number;
  /** Mean absolute error, in the target's units. */
  readonly mae: number;
  /** Fraction of the true top 10% that the prediction also ranks in its top 10%, 0..1. */
  readonly top10Recall: number;
  /** Fraction of truths inside the central 50% Gaussian interval mean ± 0.674·std, 0..1. */
  readonly coverage50: number;
  /** Fraction of truths inside the central 90% Gaussian interval mean ± 1.645·std, 0..1. */
  readonly coverage90: number;
}

/** Standard-normal quantiles of the central 50% and 90% intervals' upper ends. */
export const Z50 = 0.6744897501960817;
/** Upper end of the central 90% interval of a standard normal. */
export const Z90 = 1.6448536269514722;

function checkPaired(truth: ArrayLike<number>, predicted: ArrayLike<number>): void {
  if (truth.length !== predicted.length || truth.length === 0) {
    const shown = `lengths ${truth.length} and ${predicted.length}`;
    throw new InvalidArgumentError('surrogate', 'samples', shown, 'two equal non-empty lengths');
  }
}

/** Coefficient of determination 1 − Σ(y−ŷ)²/Σ(y−ȳ)²; NaN when the truth is constant. */
export function rSquared(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkPaired(truth, predicted);
  const m = mean(truth);
  let residual = 0;
  let total = 0;
  for (let i = 0; i < truth.length; i++) {
    residual += (truth[i] - predicted[i]) ** 2;
    total += (truth[i] - m) ** 2;
  }
  return total === 0 ? Number.NaN : 1 - residual / total;
}

/** Mean absolute error, in the target's units. */
export function meanAbsoluteError(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkPaired(truth, predicted);
  let sum = 0;
  for (let i = 0; i < truth.length; i++) sum += Math.abs(truth[i] - predicted[i]);
  return sum / truth.length;
}

function topIndices(values: ArrayLike<number>, count: number): Set<number> {
  const order = Array.from({ length: values.length }, (_, i) => i);
  // Ties broken by index so the result does not depend on the sort's stability.
  order.sort((a, b) => values[b] - values[a] || a - b);
  return new Set(order.slice(0, count));
}

/**
 * Recall of the top fraction: |true top ∩ predicted top| / |true top|, with
 * |top| = max(1, round(fraction · n)). fraction in (0, 1], default 0.1.
 */
export function topFractionRecall(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  fraction = 0.1,
): number {
  checkPaired(truth, predicted);
  if (!(fraction > 0 && fraction <= 1)) {
    throw new InvalidArgumentError('surrogate', 'fraction', fraction, 'numbers in (0, 1]');
  }
  const count = Math.max(1, Math.round(fraction * truth.length));
  const trueTop = topIndices(truth, count);
  let hits = 0;
  for (const index of topIndices(predicted, count)) if (trueTop.has(index)) hits++;
  return hits / count;
}

/** Fraction of truths within mean ± z·std (inclusive); z > 0, e.g. `Z50` or `Z90`. */
export function intervalCoverage(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  std: ArrayLike<number>,
  z: number,
): number {
  checkPaired(truth, predicted);
  checkPaired(truth, std);
  let inside = 0;
  for (let i = 0; i < truth.length; i++) {
    if (Math.abs(truth[i] - predicted[i]) <= z * std[i]) inside++;
  }
  return inside / truth.length;
}

/** All held-out metrics of one target; rank statistics are NaN for fewer than 2 rows. */
export function regressionMetrics(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  std: ArrayLike<number>,
): RegressionMetrics {
  checkPaired(truth, predicted);
  const ranked = truth.length >= 2;
  return {
    n: truth.length,
    r2: rSquared(truth, predicted),
    kendallTau: ranked ? kendallTau(truth, predicted) : Number.NaN,
    spearmanRho: ranked ? spearmanRho(truth, predicted) : Number.NaN,
    mae: meanAbsoluteError(truth, predicted),
    top10Recall: topFractionRecall(truth, predicted, 0.1),
    coverage50: intervalCoverage(truth, predicted, std, Z50),
    coverage90: intervalCoverage(truth, predicted, std, Z90),
  };
}
