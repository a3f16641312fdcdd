import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { RELU_GRAD, registerReluGrad } from './relu-grad.js';
import { normals, runOn, setupBackends } from './test-support.js';

describe('ReLU gradient kernel', () => {
  beforeAll(async () => {
    await setupBackends();
    registerReluGrad();
  });

  // Zeros, a NaN and negative upstream gradients (signed zeros) next to ordinary values; 1,027
  // values (the SIMD kernel's groups of 4 on 'wasm' need a multiple of 4: the plain loop runs).
  const x = normals(1027, 90);
  x[3] = 0;
  x[10] = -0;
  x[17] = Number.NaN;
  const dy = normals(1027, 91);
  const sizes = [1024, 1027];

  for (const size of sizes) {
    it(`gives dy·step(x) bit for bit as tfjs-core composes it, ${size} values`, async () => {
      for (const backend of ['wasm', 'cpu'] as const) {
        expect(tf.getKernel(RELU_GRAD, backend)).toBeDefined();
        const [expected] = await runOn(backend, () =>
          tf.mul(
            tf.tensor1d(dy.subarray(0, size)),
            tf.cast(tf.step(tf.tensor1d(x.subarray(0, size))), 'float32'),
          ),
        );
        const [actual] = await runOn(
          backend,
          () =>
            tf.engine().runKernel(RELU_GRAD, {
              dy: tf.tensor1d(dy.subarray(0, size)),
              x: tf.tensor1d(x.subarray(0, size)),
            }) as tf.Tensor,
        );
        const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer));
        expect(Number.isNaN(actual[17])).toBe(true);
        expect(actual[3]).toBe(dy[3] < 0 ? -0 : 0);
        // NaN payloads may differ; compare NaNs by position, everything else by bits.
        const nan = (a: Float32Array) => Array.from(a, (v, i) => (Number.isNaN(v) ? i : -1));
        expect(nan(actual)).toEqual(nan(expected));
        const clean = (a: Float32Array) => a.map((v) => (Number.isNaN(v) ? 0 : v));
        expect(bits(clean(actual))).toEqual(bits(clean(expected)));
      }
    });
  }

  it('is what tf.grads of tf.relu runs', async () => {
    const info = await tf.profile(() => {
      const g = tf.grad((a: tf.Tensor) => tf.sum(tf.relu(a)))(tf.tensor1d(x.subarray(0, 8)));
      g.dispose();
    });
    expect(info.kernelNames).toContain(RELU_GRAD);
    expect(info.kernelNames).not.toContain('Step');
  });
});
