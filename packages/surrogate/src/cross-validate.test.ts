import { describe, expect, it } from 'vitest';
import { crossValidate, evaluateOutOfFold } from './cross-validate.js';
import { groupedKFold } from './grouped-folds.js';
import { Z50, Z90 } from './metrics.js';
import { fitSurrogate } from './surrogate.js';

/** 12 groups × 4 rows; the target is a smooth function of the features plus a group effect. */
function groupedData() {
  const features: number[][] = [];
  const targets: number[][] = [];
  const groups: number[] = [];
  for (let g = 0; g < 12; g++) {
    for (let r = 0; r < 4; r++) {
      const a = Math.sin(g * 1.7 + r);
      const b = Math.cos(g * 0.3 - r);
      features.push([a, b]);
      targets.push([40 + 10 * a - 6 * b + ((g * 5) % 3)]);
      groups.push(g);
    }
  }
  return { features, targets, groups };
}

describe('grouped cross-validation', () => {
  it('never lets a held-out row influence its own prediction', () => {
    const data = groupedData();
    const options = { ...data, models: ['ridge', 'knn'] as const, folds: 4, seed: 2 };
    const base = crossValidate(options);
    // Change the targets of fold 0's rows only: their out-of-fold predictions must not move.
    const heldOut = new Set(groupedKFold(data.groups, 4, 2)[0].test);
    const changed = data.targets.map((row, i) => (heldOut.has(i) ? [row[0] + 1000] : row));
    const again = crossValidate({ ...options, targets: changed });
    base.evaluations.forEach((evaluation, m) => {
      for (const i of heldOut) {
        expect(again.evaluations[m].predictedMean[i]).toEqual(evaluation.predictedMean[i]);
      }
    });
    expect(base.groups).toBe(12);
    expect(base.folds).toBe(4);
  });

  it("assembles a committee from its members' fold fits, equal to fitting it on each fold", () => {
    const data = groupedData();
    const ensemble = { members: 2, hidden: [8], steps: 30 };
    const common = { ...data, folds: 4, seed: 1, ensemble };
    const together = crossValidate({
      ...common,
      models: ['committee', 'ensemble', 'ridge', 'knn'],
    });
    const alone = crossValidate({ ...common, models: ['committee'] });
    // Reported in the order asked for; the committee is evaluated after its members.
    expect(together.evaluations.map((e) => e.model)).toEqual([
      'committee',
      'ensemble',
      'ridge',
      'knn',
    ]);
    expect(together.evaluations[0].predictedMean).toEqual(alone.evaluations[0].predictedMean);
    expect(together.evaluations[0].predictedStd).toEqual(alone.evaluations[0].predictedStd);
    // Its mean is the members' average out of fold (identity output, inside its range).
    const members = together.evaluations.slice(1);
    together.evaluations[0].predictedMean.forEach((row, i) => {
      const average = members.reduce((a, e) => a + e.predictedMean[i][0], 0) / 3;
      expect(row[0]).toBeCloseTo(average, 9);
    });
  });

  it('fits on features and predicts each held-out row from its predictionFeatures', () => {
    const data = groupedData();
    const options = { ...data, models: ['ridge'] as const, folds: 4, seed: 3 };
    // Each row predicted from shifted inputs: the fold's model (fitted on the unshifted rows of
    // the other folds, as fitSurrogate fits it here) applied to the shifted row.
    const shifted = data.features.map(([a, b]) => [a + 0.5, b - 0.25]);
    const result = crossValidate({ ...options, predictionFeatures: shifted });
    groupedKFold(data.groups, 4, 3).forEach((fold, f) => {
      const model = fitSurrogate({
        model: 'ridge',
        features: fold.train.map((i) => data.features[i]),
        targets: fold.train.map((i) => data.targets[i]),
        groups: fold.train.map((i) => data.groups[i]),
        seed: 3 + f,
      });
      const prediction = model.predict(fold.test.map((i) => shifted[i]));
      fold.test.forEach((i, k) => {
        expect(result.evaluations[0].predictedMean[i][0]).toBeCloseTo(prediction.mean[k][0], 12);
      });
    });
    // The same features as prediction features change nothing; a shift changes the predictions.
    const plain = crossValidate(options);
    expect(crossValidate({ ...options, predictionFeatures: data.features }).evaluations).toEqual(
      plain.evaluations.map((e) => ({ ...e, seconds: expect.any(Number) })),
    );
    expect(result.evaluations[0].predictedMean).not.toEqual(plain.evaluations[0].predictedMean);
    expect(() => crossValidate({ ...options, predictionFeatures: shifted.slice(1) })).toThrow(
      /predictionFeatures has 47 rows; allowed: one per row of features \(48\)/,
    );
  });

  it('calibrates the spread from the other folds only', () => {
    // Residuals ±2 everywhere with a predicted std of 1: the honest scale is 2.
    const targets = Array.from({ length: 8 }, (_, i) => [i % 2 === 0 ? 2 : -2]);
    const mean = targets.map(() => Float64Array.of(0));
    const std = targets.map(() => Float64Array.of(1));
    const folds = groupedKFold([0, 0, 1, 1, 2, 2, 3, 3], 4);
    const evaluation = evaluateOutOfFold('ridge', { targets }, folds, mean, std, 0);
    expect(evaluation.stdScale).toEqual([2]);
    // Raw: |2| > 1.645·1, so nothing is covered; calibrated: 2 ≤ 1.645·2 but 2 > 0.674·2.
    expect(evaluation.metrics[0].coverage90).toBe(0);
    expect(evaluation.calibratedMetrics[0].coverage90).toBe(1);
    expect(evaluation.calibratedMetrics[0].coverage50).toBe(0);
    expect(Z50 * 2).toBeLessThan(2);
    expect(Z90 * 2).toBeGreaterThan(2);
  });
});
