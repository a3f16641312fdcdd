import { describe, expect, it } from 'vitest';
import { predictRidge, trainRidge } from './ridge.js';

describe('ridge baseline', () => {
  it('matches the closed form Sxy / (Sxx + λ) in one dimension', () => {
    const x = [[1], [2], [4], [5]];
    const y = [[2], [3], [7], [8]];
    // Centred: x − 3 = −2, −1, 1, 2 (Sxx 10); y − 5 = −3, −2, 2, 3 (Sxy 16). λ = 0.5 · 4 rows.
    const state = trainRidge(x, y, undefined, { penalties: [0.5], folds: 2 });
    expect(state.lambda).toBe(2);
    const slope = 16 / (10 + 2);
    expect(state.weights[0][0]).toBeCloseTo(slope, 12);
    expect(state.intercept[0]).toBeCloseTo(5 - 3 * slope, 12);
    expect(predictRidge(state, [[10]]).mean[0][0]).toBeCloseTo(5 + 7 * slope, 12);
  });

  it('recovers an exact linear map and picks the smallest useful penalty', () => {
    const x = Array.from({ length: 24 }, (_, i) => [Math.sin(i), Math.cos(i * 1.3)]);
    const y = x.map(([a, b]) => [1 + 2 * a - 3 * b]);
    const state = trainRidge(x, y, undefined, { penalties: [1e-9, 1, 100] });
    expect(state.lambda).toBeCloseTo(24e-9, 20);
    expect(state.weights[0][0]).toBeCloseTo(2, 6);
    expect(state.weights[1][0]).toBeCloseTo(-3, 6);
    // The stored variance is the inner-CV squared error: tiny for an exact map.
    expect(state.residualVariance[0]).toBeLessThan(1e-10);
  });
});
