import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormTraining } from './batch-norm.js';
import { batchNormTrainingSplit } from './batch-norm-split.js';
import { normals, relativeError, runOn, setupBackends } from './test-support.js';

/** Float64 sums in both kernels; the split changes only where results are written. */
const TOLERANCE = 1e-5;
const EPSILON = 1e-5;

type Loss = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Scalar;

/** Outputs, statistics and the gradients of a loss that weighs every part and both statistics. */
function outputsAndGradients(
  shape: number[],
  parts: number,
  seed: number,
  split: boolean,
): tf.Tensor[] {
  const channels = shape[3];
  const x = tf.tensor(
    normals(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
  const gamma = tf.tensor1d(normals(channels, seed + 1));
  const beta = tf.tensor1d(normals(channels, seed + 2));
  const partShape = [...shape.slice(0, 3), channels / parts];
  const weights = Array.from({ length: parts }, (_, j) =>
    tf.tensor(
      normals(
        partShape.reduce((a, b) => a * b, 1),
        seed + 3 + j,
      ),
      partShape,
    ),
  );
  const statWeights = [tf.tensor1d(normals(channels, seed + 9)), tf.tensor1d(normals(channels, 7))];
  const run = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    if (split) {
      const r = batchNormTrainingSplit(a, g as tf.Tensor1D, b as tf.Tensor1D, EPSILON, parts);
      if (!r) throw new Error('no split kernel');
      return { ys: r.ys, mean: r.mean, variance: r.variance };
    }
    const r = batchNormTraining(a, g as tf.Tensor1D, b as tf.Tensor1D, EPSILON);
    return { ys: tf.split(r.y, parts, 3), mean: r.mean, variance: r.variance };
  };
  const loss: Loss = (a, g, b) => {
    const { ys, mean, variance } = run(a, g, b);
    return tf.addN([
      ...ys.map((y, j) => tf.sum(tf.mul(y, weights[j]))),
      tf.sum(tf.mul(mean, statWeights[0])),
      tf.sum(tf.mul(variance, statWeights[1])),
    ]) as tf.Scalar;
  };
  const { ys, mean, variance } = run(x, gamma, beta);
  return [...ys, mean, variance, ...tf.grads(loss)([x, gamma, beta])];
}

describe('batch norm split into parts (training mode)', () => {
  beforeAll(setupBackends);

  it('equals batch norm then a split, values and gradients, on wasm and cpu', async () => {
    const cases: [number[], number][] = [
      [[4, 5, 5, 24], 3],
      [[2, 3, 7, 6], 2],
      [[8, 4, 4, 3], 3],
    ];
    for (const [k, [shape, parts]] of cases.entries()) {
      for (const backend of ['wasm', 'cpu'] as const) {
        const fused = await runOn(backend, () => outputsAndGradients(shape, parts, 10 * k, true));
        const reference = await runOn(backend, () =>
          outputsAndGradients(shape, parts, 10 * k, false),
        );
        expect(fused.length).toBe(parts + 5);
        fused.forEach((values, i) => {
          expect(
            relativeError(values, reference[i]),
            `${backend} ${shape} output ${i}`,
          ).toBeLessThan(TOLERANCE);
        });
      }
    }
  });

  it('declines part counts it has no kernel for, or channels that do not divide', async () => {
    await runOn('cpu', () => {
      const x = tf.zeros([1, 2, 2, 4]);
      const g = tf.ones([4]) as tf.Tensor1D;
      expect(batchNormTrainingSplit(x, g, g, EPSILON, 4)).toBeNull();
      expect(
        batchNormTrainingSplit(tf.zeros([1, 2, 2, 5]), tf.ones([5]), tf.ones([5]), EPSILON, 2),
      ).toBeNull();
      return x;
    });
  });
});
