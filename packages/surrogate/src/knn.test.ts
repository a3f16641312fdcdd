import { describe, expect, it } from 'vitest';
import { predictKnn, trainKnn } from './knn.js';

describe('k-nearest-neighbours baseline', () => {
  it('averages the k nearest rows (hand values)', () => {
    const x = [[0], [1], [2], [10], [11]];
    const y = [[1], [3], [5], [100], [200]];
    const state = { k: 3, x, y };
    const { mean, variance } = predictKnn(state, [[0.9], [10.6]]);
    // Nearest three to 0.9: rows 1, 0, 2 → mean 3, sample variance 4 → × (1 + 1/3) + 1e-6.
    expect(mean[0][0]).toBeCloseTo(3, 12);
    expect(variance[0][0]).toBeCloseTo(4 * (4 / 3) + 1e-6, 12);
    // Nearest three to 10.6: rows 4, 3, 2 → (200 + 100 + 5) / 3.
    expect(mean[1][0]).toBeCloseTo(305 / 3, 12);
  });

  it('breaks distance ties by the lower row index', () => {
    const state = { k: 1, x: [[1], [-1]], y: [[7], [9]] };
    expect(predictKnn(state, [[0]]).mean[0][0]).toBe(7);
  });

  it('chooses k by grouped inner cross-validation', () => {
    // A smooth target: few neighbours are best; the candidates must be < the row count.
    const x = Array.from({ length: 30 }, (_, i) => [i / 29]);
    const y = x.map(([v]) => [v * v]);
    const state = trainKnn(x, y, undefined, { neighbours: [2, 13, 50] });
    expect(state.k).toBe(2);
    expect(() => trainKnn(x.slice(0, 2), y.slice(0, 2))).toThrow(/rows 2/);
  });
});
