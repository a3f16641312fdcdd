import { describe, expect, it } from 'vitest';
import { predictEnsemble, trainEnsemble } from './mlp-ensemble.js';
import { tensorflow } from './tensorflow.js';

/** Noisy y = sin(3x) observed on x in [−1, 1] only. */
function oneDimensionalProblem(rows: number): { x: number[][]; y: number[][] } {
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const value = -1 + (2 * i) / (rows - 1);
    x.push([value]);
    y.push([Math.sin(3 * value) + 0.05 * Math.sin(97 * i)]);
  }
  return { x, y };
}

const SMALL = { members: 5, hidden: [16, 16], steps: 300, batchSize: 32, learningRate: 0.01 };

describe('deep ensemble of MLPs', () => {
  it('fits the training range and spreads out far from it (1-D)', () => {
    const { x, y } = oneDimensionalProblem(120);
    const state = trainEnsemble(x, y, { ...SMALL, seed: 1 });
    const near = [[-0.5], [0], [0.5]];
    const far = [[-6], [6]];
    const atNear = predictEnsemble(state, near);
    const atFar = predictEnsemble(state, far);
    near.forEach(([value], i) => {
      expect(Math.abs(atNear.mean[i] - Math.sin(3 * value))).toBeLessThan(0.25);
    });
    const nearSpread = Math.max(...atNear.epistemicVariance);
    const farSpread = Math.min(...atFar.epistemicVariance);
    // Members agree where there was data and disagree where there was none.
    expect(farSpread).toBeGreaterThan(10 * nearSpread);
    expect(Math.min(...atFar.variance)).toBeGreaterThan(Math.max(...atNear.variance));
  });

  it('is reproducible from its seed and differs between seeds', () => {
    const { x, y } = oneDimensionalProblem(40);
    const options = { ...SMALL, steps: 30 };
    const a = trainEnsemble(x, y, { ...options, seed: 3 });
    const b = trainEnsemble(x, y, { ...options, seed: 3 });
    const c = trainEnsemble(x, y, { ...options, seed: 4 });
    expect(a.weights).toEqual(b.weights);
    expect(a.weights[0]).not.toEqual(c.weights[0]);
  });

  it('leaks no tensors in training or prediction', () => {
    const tf = tensorflow();
    const { x, y } = oneDimensionalProblem(30);
    const before = tf.memory().numTensors;
    const state = trainEnsemble(x, y, { ...SMALL, steps: 20 });
    predictEnsemble(state, x);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options with the option named', () => {
    const { x, y } = oneDimensionalProblem(10);
    expect(() => trainEnsemble(x, y, { members: 1 })).toThrow(/members 1/);
    expect(() => trainEnsemble(x, y, { learningRate: 0 })).toThrow(/learningRate/);
    expect(() => trainEnsemble(x, y.slice(1))).toThrow(/rows/);
  });
});
