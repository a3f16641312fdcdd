import { describe, expect, it } from 'vitest';
import { fitSurrogate } from './surrogate.js';
import { accuracyTarget, positiveTarget } from './target-spec.js';

const TOLERANCE = 1e-6;

describe('Surrogate', () => {
  it('clips accuracy predictions to [0, 100] and keeps times positive', () => {
    const features = Array.from({ length: 30 }, (_, i) => [i / 29]);
    const targets = features.map(([x]) => [85 + 10 * x, 5 - 4 * x]);
    const surrogate = fitSurrogate({
      model: 'ridge',
      features,
      targets,
      targetSpecs: [accuracyTarget('accuracy'), positiveTarget('seconds')],
      ridge: { penalties: [1e-8] },
    });
    // Linear extrapolation would give 85 + 10·5 = 135 and −35 percent.
    const { mean, std } = surrogate.predict([[5], [-12], [0.5]]);
    expect(mean[0][0]).toBe(100);
    expect(mean[1][0]).toBe(0);
    expect(mean[2][0]).toBeCloseTo(90, 4);
    for (const row of mean) expect(row[1]).toBeGreaterThan(0);
    for (const row of std) for (const value of row) expect(value).toBeGreaterThanOrEqual(0);
  });

  it('compresses many outputs to principal components without losing a linear signal', () => {
    // 30 outputs that are combinations of two latent values: two components suffice.
    const features = Array.from({ length: 60 }, (_, i) => [Math.sin(i), Math.cos(2 * i)]);
    const targets = features.map(([a, b]) =>
      Array.from({ length: 30 }, (_, j) => 10 * a * Math.sin(j) + 3 * b * Math.cos(j) + j),
    );
    const surrogate = fitSurrogate({
      model: 'ridge',
      features,
      targets,
      maxComponents: 4,
      ridge: { penalties: [1e-8] },
    });
    expect(surrogate.parts.projection?.axes.length).toBe(2);
    const { mean } = surrogate.predict(features.slice(0, 5));
    mean.forEach((row, i) => {
      row.forEach((value, j) => {
        expect(Math.abs(value - targets[i][j])).toBeLessThan(TOLERANCE);
      });
    });
  });

  it('scales the spread by the calibration factor', () => {
    const features = Array.from({ length: 20 }, (_, i) => [i, (i * 7) % 5]);
    const targets = features.map(([a, b]) => [a + b + Math.sin(a * b)]);
    const plain = fitSurrogate({ model: 'ridge', features, targets });
    const scaled = plain.with({ stdScale: [2.5] });
    const a = plain.predict(features);
    const b = scaled.predict(features);
    a.std.forEach((row, i) => {
      expect(b.std[i][0]).toBeCloseTo(2.5 * row[0], 10);
    });
    expect(b.mean).toEqual(a.mean);
  });

  it('models an output relative to an input column when the spec has an offset', () => {
    // The level is 100 × the input, the gain over it a constant 5: with the offset every model
    // only has to learn the constant, so even 2-nearest-neighbours is exact away from the data.
    const features = Array.from({ length: 24 }, (_, i) => [((i * 7) % 24) / 30, i % 3]);
    const targets = features.map(([f]) => [100 * f + 5]);
    const spec = { ...accuracyTarget('long'), offset: { column: 0, scale: 100, name: 'f' } };
    const knn = fitSurrogate({
      model: 'knn',
      features,
      targets,
      targetSpecs: [spec],
      knn: { neighbours: [2] },
    });
    const { mean } = knn.predict([
      [0.437, 1],
      [0.02, 0],
      [0.99, 2],
    ]);
    expect(mean[0][0]).toBeCloseTo(48.7, 10);
    expect(mean[1][0]).toBeCloseTo(7, 10);
    // 104 before clipping: the offset is added before the accuracy range applies.
    expect(mean[2][0]).toBe(100);
    // Without the offset the same model averages its neighbours' levels instead.
    const plain = fitSurrogate({
      model: 'knn',
      features,
      targets,
      targetSpecs: [accuracyTarget('long')],
      knn: { neighbours: [2] },
    });
    expect(Math.abs(plain.predict([[0.437, 1]]).mean[0][0] - 48.7)).toBeGreaterThan(1);
  });

  it('refuses an offset on a log output or outside the feature row', () => {
    const features = Array.from({ length: 10 }, (_, i) => [i, i * i]);
    const targets = features.map(([a]) => [a + 1]);
    const log = { ...positiveTarget('seconds'), offset: { column: 0, scale: 1, name: 'a' } };
    expect(() => fitSurrogate({ model: 'ridge', features, targets, targetSpecs: [log] })).toThrow(
      /seconds offset 'a' is not valid; allowed: offsets on identity outputs only/,
    );
    const far = { ...accuracyTarget('acc'), offset: { column: 2, scale: 1, name: 'c' } };
    expect(() => fitSurrogate({ model: 'ridge', features, targets, targetSpecs: [far] })).toThrow(
      /acc offset column 2 is not valid; allowed: integers in 0\.\.1/,
    );
  });

  it('rejects mismatched input with the parameter named', () => {
    const features = [[1], [2], [3]];
    expect(() => fitSurrogate({ features, targets: [[1], [2]] })).toThrow(/rows/);
    const fitted = fitSurrogate({ model: 'ridge', features, targets: [[1], [2], [4]] });
    expect(() => fitted.predict([[1, 2]])).toThrow(/2 columns/);
    expect(() => fitted.featureSchema).toThrow(/featureSchema/);
  });
});
