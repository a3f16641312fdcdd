import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { avgPool3x3IncludePad } from './avg-pool.js';
import { normals, relativeError, runOn, setupBackends } from './test-support.js';

/** Nine-term float32 sums in another order: ~1e-7 apart. */
const TOLERANCE = 1e-5;

describe('3×3 average pooling that counts the padding', () => {
  beforeAll(setupBackends);

  it('divides by 9 at corners and edges too (count_include_pad)', async () => {
    for (const backend of ['wasm', 'cpu'] as const) {
      const [y] = await runOn(backend, () => avgPool3x3IncludePad(tf.ones([1, 3, 3, 1])));
      // corner: 4 ones / 9; edge: 6 / 9; centre: 9 / 9
      expect(Array.from(y).map((v) => Math.round(v * 9))).toEqual([4, 6, 4, 6, 9, 6, 4, 6, 4]);
    }
  });

  for (const shape of [
    [2, 5, 5, 3],
    [3, 8, 6, 16],
    [1, 1, 2, 2],
  ] as [number, number, number, number][]) {
    it(`matches pad + avgPool and its gradient, x ${shape}`, async () => {
      const size = shape.reduce((a, b) => a * b);
      const x = normals(size, 11);
      const w = normals(size, 12);
      const loss = (pool: (t: tf.Tensor4D) => tf.Tensor4D) => () => {
        const xs = tf.tensor4d(x, shape);
        const f = (a: tf.Tensor) => tf.sum(tf.mul(pool(a as tf.Tensor4D), tf.tensor(w, shape)));
        return [pool(xs), ...tf.grads(f)([xs])];
      };
      const composite = (t: tf.Tensor4D) =>
        tf.avgPool(
          tf.pad(t, [
            [0, 0],
            [1, 1],
            [1, 1],
            [0, 0],
          ]),
          3,
          1,
          'valid',
        );
      const expected = await runOn('cpu', loss(composite));
      for (const backend of ['wasm', 'cpu'] as const) {
        const [y, dx] = await runOn(backend, loss(avgPool3x3IncludePad));
        expect(relativeError(y, expected[0])).toBeLessThan(TOLERANCE);
        expect(relativeError(dx, expected[1])).toBeLessThan(TOLERANCE);
      }
    });
  }
});
