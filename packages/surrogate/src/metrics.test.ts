import { describe, expect, it } from 'vitest';
import {
  intervalCoverage,
  meanAbsoluteError,
  regressionMetrics,
  rSquared,
  topFractionRecall,
  Z50,
  Z90,
} from './metrics.js';

const TOLERANCE = 1e-12;

// Toy set of five configurations, all values worked out by hand below.
const truth = [1, 2, 3, 4, 5];
const predicted = [1.5, 1.5, 3.5, 5, 4];

describe('held-out metrics on a toy set', () => {
  it('R²: 1 − SSE/SST = 1 − 2.75/10', () => {
    // residuals −0.5, 0.5, −0.5, −1, 1 → SSE 0.25·3 + 1 + 1 = 2.75; mean 3 → SST 10.
    expect(rSquared(truth, predicted)).toBeCloseTo(0.725, 12);
    expect(rSquared([2, 2], [1, 3])).toBeNaN();
  });

  it('MAE: (0.5·3 + 1 + 1)/5', () => {
    expect(meanAbsoluteError(truth, predicted)).toBeCloseTo(0.7, 12);
  });

  it('Kendall τ-b and Spearman ρ with a tie in the prediction', () => {
    const m = regressionMetrics(truth, predicted, [1, 1, 1, 1, 1]);
    // Pairs (10): discordant (4,5); tied in prediction (1,2); the other 8 concordant.
    // τ-b = (8 − 1)/√(10 · 9).
    expect(m.kendallTau).toBeCloseTo(7 / Math.sqrt(90), 12);
    // Prediction ranks 1.5, 1.5, 3, 5, 4: Pearson of (1..5) with them: Σ products of deviations 3 + 1.5 + 0 + 2 + 2 = 8.5,
    // Σ squares 10 and 9.5.
    expect(m.spearmanRho).toBeCloseTo(8.5 / Math.sqrt(95), 12);
    expect(m.n).toBe(5);
    expect(m.r2).toBeCloseTo(0.725, 12);
    expect(m.mae).toBeCloseTo(0.7, 12);
  });

  it('top-10% recall counts the true top that the prediction also ranks on top', () => {
    const y = Array.from({ length: 20 }, (_, i) => i); // true top 2: rows 19, 18
    const swapped = y.map((v) => (v === 18 ? 0 : v === 0 ? 18 : v)); // predicts 0 instead of 18
    expect(topFractionRecall(y, y)).toBe(1);
    expect(topFractionRecall(y, swapped)).toBe(0.5);
    expect(
      topFractionRecall(
        y,
        y.map((v) => -v),
      ),
    ).toBe(0);
    // |top| = max(1, round(0.1·5)) = 1 on the toy set: the truth's best (row 4, value 5) is
    // predicted 4, below row 3's 5.
    expect(topFractionRecall(truth, predicted)).toBe(0);
    expect(topFractionRecall(truth, predicted, 0.4)).toBe(1);
  });

  it('interval coverage is the share of truths within mean ± z·std', () => {
    const std = [1, 1, 1, 1, 1];
    // |residuals| 0.5, 0.5, 0.5, 1, 1: three within 0.674, all within 1.645.
    expect(intervalCoverage(truth, predicted, std, Z50)).toBeCloseTo(0.6, TOLERANCE);
    expect(intervalCoverage(truth, predicted, std, Z90)).toBe(1);
    expect(Z50).toBeCloseTo(0.6744897501960817, 12);
    expect(Z90).toBeCloseTo(1.6448536269514722, 12);
  });

  it('rejects unpaired input', () => {
    expect(() => rSquared([1, 2], [1])).toThrow(/lengths 2 and 1/);
    expect(() => topFractionRecall([1], [1], 0)).toThrow(/fraction/);
  });
});
