import { describe, expect, it } from 'vitest';
import { COMMITTEE_MEMBERS, committeeOf, fitSurrogate } from './surrogate.js';
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

  it('a committee predicts the equal-weight mixture of its three members', () => {
    const features = Array.from({ length: 30 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
    const targets = features.map(([a, b]) => [20 + 5 * a + 3 * a * b, 7 - b]);
    const groups = features.map((_, i) => i % 6);
    const common = { features, targets, groups, ensemble: { members: 2, hidden: [8], steps: 40 } };
    const members = COMMITTEE_MEMBERS.map((model) => fitSurrogate({ ...common, model }));
    const committee = fitSurrogate({ ...common, model: 'committee' });
    // Fitted on the same rows with the same seed, the committee's members are the three models.
    const assembled = committeeOf(members);
    const probe = [
      [0.3, -0.2],
      [2, 2],
      [-1, 0.5],
    ];
    expect(assembled.predict(probe)).toEqual(committee.predict(probe));
    const single = members.map((m) => m.predict(probe));
    const { mean, std } = committee.predict(probe);
    probe.forEach((_, i) => {
      for (let j = 0; j < 2; j++) {
        // Identity outputs without projection: the mixture in physical units is the same.
        const means = single.map((p) => p.mean[i][j]);
        const average = means.reduce((a, b) => a + b, 0) / 3;
        const variance =
          single.reduce((a, p, k) => a + p.std[i][j] ** 2 + (means[k] - average) ** 2, 0) / 3;
        expect(mean[i][j]).toBeCloseTo(average, 9);
        expect(std[i][j]).toBeCloseTo(Math.sqrt(variance), 9);
      }
    });
    expect(() => committeeOf([members[1], members[0], members[2]])).toThrow(/committee members/);
    const other = fitSurrogate({
      ...common,
      features: features.map(([a, b]) => [a + 1, b]),
      model: 'knn',
    });
    expect(() => committeeOf([members[0], members[1], other])).toThrow(/different scalers/);
  });

  it('rejects mismatched input with the parameter named', () => {
    const features = [[1], [2], [3]];
    expect(() => fitSurrogate({ features, targets: [[1], [2]] })).toThrow(/rows/);
    const fitted = fitSurrogate({ model: 'ridge', features, targets: [[1], [2], [4]] });
    expect(() => fitted.predict([[1, 2]])).toThrow(/2 columns/);
    expect(() => fitted.featureSchema).toThrow(/featureSchema/);
  });
});
