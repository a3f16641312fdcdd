import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { normals, relativeError, runOn, setupBackends } from './test-support.js';

/** Float64 channel sums against the plain-JS backend's float32 ones: ~1e-7 apart. */
const TOLERANCE = 1e-5;

describe('WASM Sum and AvgPoolGrad against the plain-JS backend', () => {
  beforeAll(setupBackends);

  const sumCases: { shape: number[]; axis: number | number[]; keepDims: boolean }[] = [
    { shape: [4, 5, 5, 8], axis: [0, 1, 2], keepDims: false },
    { shape: [4, 5, 5, 8], axis: [2, 0, 1], keepDims: true },
    { shape: [7, 3], axis: 0, keepDims: false },
    { shape: [3, 4, 6], axis: [0, 1], keepDims: false },
    { shape: [4, 5, 5, 8], axis: [1, 2], keepDims: false },
    { shape: [4, 5, 5, 8], axis: -1, keepDims: false },
    // 600 pixels: the SIMD kernel's blocks of 256 plus a partial one.
    { shape: [6, 10, 10, 12], axis: [0, 1, 2], keepDims: false },
  ];
  for (const { shape, axis, keepDims } of sumCases) {
    it(`Sum over ${JSON.stringify(axis)} of ${shape} (keepDims ${keepDims})`, async () => {
      const x = normals(
        shape.reduce((a, b) => a * b),
        31,
      );
      const compute = () => tf.sum(tf.tensor(x, shape), axis, keepDims);
      const [wasm] = await runOn('wasm', compute);
      const [cpu] = await runOn('cpu', compute);
      expect(relativeError(wasm, cpu)).toBeLessThan(TOLERANCE);
      await tf.setBackend('wasm');
      expect(tf.tidy(() => compute().shape)).toEqual(
        tf.tidy(() => tf.sum(tf.zeros(shape), axis, keepDims).shape),
      );
    });
  }

  const poolCases: { shape: [number, number, number, number]; size: number; stride: number }[] = [
    { shape: [2, 8, 8, 4], size: 2, stride: 2 },
    { shape: [2, 7, 9, 3], size: 2, stride: 2 },
    // SIMD kernel (channels in fours) with a last row and column outside every window.
    { shape: [2, 7, 9, 8], size: 2, stride: 2 },
    { shape: [1, 9, 9, 2], size: 3, stride: 3 },
    { shape: [2, 6, 6, 3], size: 3, stride: 1 },
  ];
  for (const { shape, size, stride } of poolCases) {
    it(`AvgPoolGrad of a ${size}×${size} stride-${stride} pool on ${shape}`, async () => {
      const x = normals(
        shape.reduce((a, b) => a * b),
        41,
      );
      const compute = () => {
        const input = tf.tensor4d(x, shape);
        const out = tf.avgPool(input, size, stride, 'valid');
        const w = tf.tensor(normals(out.size, 42), out.shape);
        const f = (a: tf.Tensor) =>
          tf.sum(tf.mul(tf.avgPool(a as tf.Tensor4D, size, stride, 'valid'), w));
        return tf.grad(f)(input);
      };
      const [wasm] = await runOn('wasm', compute);
      const [cpu] = await runOn('cpu', compute);
      expect(relativeError(wasm, cpu)).toBeLessThan(TOLERANCE);
    });
  }
});
