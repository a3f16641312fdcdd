import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BATCH_NORM_RUNNING_UPDATE,
  batchNormInference,
  batchNormRunningUpdate,
  batchNormTraining,
} from './batch-norm.js';
import { normals, relativeError, runOn, setupBackends } from './test-support.js';

/** Float64 sums in the fused kernels against float32 ops in the reference: ~1e-7..1e-6 apart. */
const TOLERANCE = 1e-5;
const EPSILON = 1e-5;

const SHAPES: [number, number, number, number][] = [
  [4, 5, 5, 3],
  [8, 4, 4, 16],
  // 405 pixels: the SIMD kernels' blocks of 256 pixels plus a partial one; 12 channels.
  [5, 9, 9, 12],
  [2, 3, 7, 1],
];

/** y, mean, variance and the gradients of a loss that uses all three (composite reference). */
function reference(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, weights: tf.Tensor[]) {
  const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const { mean, variance } = tf.moments(a, [0, 1, 2]);
    const y = tf.batchNorm(a, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, EPSILON);
    return tf.addN([
      tf.sum(tf.mul(y, weights[0])),
      tf.sum(tf.mul(mean, weights[1])),
      tf.sum(tf.mul(variance, weights[2])),
    ]);
  };
  return tf.grads(f)([x, gamma, beta]);
}

function fused(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, weights: tf.Tensor[]) {
  const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const { y, mean, variance } = batchNormTraining(a, g as tf.Tensor1D, b as tf.Tensor1D, EPSILON);
    return tf.addN([
      tf.sum(tf.mul(y, weights[0])),
      tf.sum(tf.mul(mean, weights[1])),
      tf.sum(tf.mul(variance, weights[2])),
    ]);
  };
  return tf.grads(f)([x, gamma, beta]);
}

describe('fused batch norm (training mode)', () => {
  beforeAll(setupBackends);

  it('normalizes a hand-worked channel: x = 1, 2, 3, 4', async () => {
    for (const backend of ['wasm', 'cpu'] as const) {
      const [y, mean, variance] = await runOn(backend, () => {
        const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
        const r = batchNormTraining(x, tf.tensor1d([2]), tf.tensor1d([0.5]), EPSILON);
        return [r.y, r.mean, r.variance];
      });
      // mean 2.5, biased variance ((1.5² + 0.5²)·2)/4 = 1.25; y = 2·(x − 2.5)/√1.25001 + 0.5.
      expect(mean[0]).toBeCloseTo(2.5, 6);
      expect(variance[0]).toBeCloseTo(1.25, 6);
      const s = 2 / Math.sqrt(1.25 + EPSILON);
      for (const [i, x] of [1, 2, 3, 4].entries()) {
        expect(y[i]).toBeCloseTo(s * (x - 2.5) + 0.5, 5);
      }
    }
  });

  for (const shape of SHAPES) {
    it(`matches tf.moments + tf.batchNorm and their autodiff gradients, x ${shape}`, async () => {
      const size = shape.reduce((a, b) => a * b);
      const channels = shape[3];
      // An offset mean of 3 checks the shifted one-pass variance.
      const x = normals(size, 1).map((v) => 3 + 2 * v);
      const gamma = normals(channels, 2);
      const beta = normals(channels, 3);
      const w = [normals(size, 4), normals(channels, 5), normals(channels, 6)];
      const build = (fn: typeof fused) => () => {
        const weights = [tf.tensor(w[0], shape), tf.tensor1d(w[1]), tf.tensor1d(w[2])];
        const xs = tf.tensor4d(x, shape);
        const { y, mean, variance } = batchNormTraining(
          xs,
          tf.tensor1d(gamma),
          tf.tensor1d(beta),
          EPSILON,
        );
        return [y, mean, variance, ...fn(xs, tf.tensor1d(gamma), tf.tensor1d(beta), weights)];
      };
      const expected = await runOn('cpu', () => {
        const xs = tf.tensor4d(x, shape);
        const { mean, variance } = tf.moments(xs, [0, 1, 2]);
        const y = tf.batchNorm(xs, mean, variance, tf.tensor1d(beta), tf.tensor1d(gamma), EPSILON);
        const weights = [tf.tensor(w[0], shape), tf.tensor1d(w[1]), tf.tensor1d(w[2])];
        return [
          y,
          mean,
          variance,
          ...reference(xs, tf.tensor1d(gamma), tf.tensor1d(beta), weights),
        ];
      });
      for (const backend of ['wasm', 'cpu'] as const) {
        const actual = await runOn(backend, build(fused));
        const names = ['y', 'mean', 'variance', 'dx', 'dgamma', 'dbeta'];
        for (const [i, name] of names.entries()) {
          const withinTolerance = relativeError(actual[i], expected[i]) < TOLERANCE;
          expect({ backend, name, withinTolerance }).toEqual({
            backend,
            name,
            withinTolerance: true,
          });
        }
      }
    });
  }

  it('evaluates with given statistics like tf.batchNorm, gradients included', async () => {
    const shape: [number, number, number, number] = [3, 4, 5, 8];
    const size = shape.reduce((a, b) => a * b);
    const x = normals(size, 21);
    const stats = [normals(8, 22), normals(8, 23).map((v) => 0.5 + v * v), normals(8, 24)];
    const w = normals(size, 25);
    const run = (fn: typeof batchNormInference) => () => {
      const [mean, variance, gamma] = stats.map((v) => tf.tensor1d(v));
      const beta = tf.tensor1d(normals(8, 26));
      const f = (a: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const y = fn(
          a,
          m as tf.Tensor1D,
          v as tf.Tensor1D,
          g as tf.Tensor1D,
          b as tf.Tensor1D,
          EPSILON,
        );
        return tf.sum(tf.mul(y, tf.tensor(w, shape)));
      };
      const y = fn(tf.tensor(x, shape), mean, variance, gamma, beta, EPSILON);
      return [y, ...tf.grads(f)([tf.tensor(x, shape), mean, variance, gamma, beta])];
    };
    const composite: typeof batchNormInference = (a, m, v, g, b, e) =>
      tf.batchNorm(a, m, v, b, g, e);
    const expected = await runOn('cpu', run(composite));
    for (const backend of ['wasm', 'cpu'] as const) {
      const actual = await runOn(backend, run(batchNormInference));
      for (const [i, name] of ['y', 'dx', 'dmean', 'dvariance', 'dgamma', 'dbeta'].entries()) {
        const withinTolerance = relativeError(actual[i], expected[i]) < TOLERANCE;
        expect({ backend, name, withinTolerance }).toEqual({
          backend,
          name,
          withinTolerance: true,
        });
      }
    }
  });

  it('leaks no tensors in a gradient step', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(normals(2 * 3 * 3 * 4, 7), [2, 3, 3, 4]);
    const gamma = tf.ones([4]) as tf.Tensor1D;
    const beta = tf.zeros([4]) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    const grads = tf.grads((a: tf.Tensor) =>
      tf.sum(tf.square(batchNormTraining(a, gamma, beta, EPSILON).y)),
    )([x]);
    tf.dispose(grads);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, gamma, beta]);
  });

  it('updates running statistics bit for bit as the float32 ops do', async () => {
    const [rm, rv, m, v] = [normals(37, 80), normals(37, 81), normals(37, 82), normals(37, 83)];
    const momentum = 0.1;
    const factor = 0.1 * (2048 / 2047);
    const tensors = () => [rm, rv, m, v].map((a) => tf.tensor1d(a)) as tf.Tensor1D[];
    for (const backend of ['wasm', 'cpu'] as const) {
      const expected = await runOn(backend, () => {
        const [a, b, c, d] = tensors();
        return [
          tf.add(tf.mul(a, 1 - momentum), tf.mul(c, momentum)),
          tf.add(tf.mul(b, 1 - momentum), tf.mul(d, factor)),
        ];
      });
      const actual = await runOn(backend, () => {
        const [a, b, c, d] = tensors();
        return batchNormRunningUpdate(a, b, c, d, momentum, factor);
      });
      expect(tf.getKernel(BATCH_NORM_RUNNING_UPDATE, backend)).toBeDefined();
      expect(Array.from(actual[0])).toEqual(Array.from(expected[0]));
      expect(Array.from(actual[1])).toEqual(Array.from(expected[1]));
    }
  });
});
