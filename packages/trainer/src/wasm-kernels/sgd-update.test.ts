import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sgdMomentumUpdate } from './sgd-update.js';
import { normals, runOn, setupBackends } from './test-support.js';

/** The update composed from float32 ops, as NesterovSgd composes it without the kernel. */
function composed(
  p: tf.Tensor,
  g: tf.Tensor,
  b: tf.Tensor,
  lr: number,
  m: number,
  wd: number,
  nesterov: boolean,
) {
  const d = wd > 0 ? tf.add(g, tf.mul(p, wd)) : g;
  const buffer = tf.add(tf.mul(b, m), d);
  const direction = nesterov ? tf.add(d, tf.mul(buffer, m)) : buffer;
  return [tf.sub(p, tf.mul(direction, lr)), buffer];
}

describe('fused SGD momentum update', () => {
  beforeAll(setupBackends);

  it('works out a hand example: p 1, g 2, buf 3, lr 0.1, m 0.9, wd 0.01, Nesterov', async () => {
    for (const backend of ['wasm', 'cpu'] as const) {
      const [p, buffer] = await runOn(backend, () => {
        const out = sgdMomentumUpdate(tf.scalar(1), tf.scalar(2), tf.scalar(3), {
          lr: 0.1,
          momentum: 0.9,
          weightDecay: 0.01,
          nesterov: true,
        });
        if (!out) throw new Error(`no kernel on ${backend}`);
        return out;
      });
      // d = 2.01, buf = 2.7 + 2.01 = 4.71, direction = 2.01 + 4.239 = 6.249, p = 1 − 0.6249.
      expect(buffer[0]).toBeCloseTo(4.71, 5);
      expect(p[0]).toBeCloseTo(0.3751, 6);
    }
  });

  it('gives the same float32 bits as the op sequence on random values', async () => {
    // 1,003 values: the SIMD kernel's groups of 4 and a scalar tail of 3.
    const size = 1003;
    const settings = [
      { lr: 0.1, momentum: 0.9, weightDecay: 5e-4, nesterov: true },
      { lr: 0.0123, momentum: 0.5, weightDecay: 0, nesterov: true },
      { lr: 0.37, momentum: 0.9, weightDecay: 1e-3, nesterov: false },
    ];
    for (const [k, attrs] of settings.entries()) {
      const [pv, gv, bv] = [1, 2, 3].map((s) => normals(size, 10 * k + s));
      for (const backend of ['wasm', 'cpu'] as const) {
        const make = () => [tf.tensor1d(pv), tf.tensor1d(gv), tf.tensor1d(bv)];
        const fused = await runOn(backend, () => {
          const [p, g, b] = make();
          return sgdMomentumUpdate(p, g, b, attrs) as tf.Tensor[];
        });
        const reference = await runOn(backend, () => {
          const [p, g, b] = make();
          return composed(p, g, b, attrs.lr, attrs.momentum, attrs.weightDecay, attrs.nesterov);
        });
        expect(Array.from(fused[0]), `${backend} variable`).toEqual(Array.from(reference[0]));
        expect(Array.from(fused[1]), `${backend} buffer`).toEqual(Array.from(reference[1]));
        // The update moved the values (not an identity).
        expect(fused[0][0]).not.toBe(pv[0]);
      }
    }
  });
});
