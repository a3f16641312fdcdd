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

  it('rejects mismatched input with the parameter named', () => {
    const features = [[1], [2], [3]];
    expect(() => fitSurrogate({ features, targets: [[1], [2]] })).toThrow(/rows/);
    const fitted = fitSurrogate({ model: 'ridge', features, targets: [[1], [2], [4]] });
    expect(() => fitted.predict([[1, 2]])).toThrow(/2 columns/);
    expect(() => fitted.featureSchema).toThrow(/featureSchema/);
  });
});
