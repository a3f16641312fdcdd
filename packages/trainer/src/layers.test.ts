import { createRng } from '@nashpobench2/search-space';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  avgPool3x3IncludePad,
  BATCH_NORM_EPSILON,
  BatchNorm,
  Conv2d,
  Linear,
  ParameterStore,
} from './layers.js';
import {
  expectAllClose,
  expectNoLeak,
  FLOAT32_TOLERANCE,
  useCpuBackend,
  valuesOf,
} from './test-helpers.js';

beforeAll(useCpuBackend);

/** Direct loop convolution of an NHWC image with PyTorch's symmetric zero padding (reference). */
function referenceConv(
  input: number[],
  [height, width, inChannels]: number[],
  kernel: number[],
  [k, outChannels]: number[],
  stride: number,
  padding: number,
): number[] {
  const outHeight = Math.floor((height + 2 * padding - k) / stride) + 1;
  const outWidth = Math.floor((width + 2 * padding - k) / stride) + 1;
  const out: number[] = [];
  for (let oy = 0; oy < outHeight; oy++) {
    for (let ox = 0; ox < outWidth; ox++) {
      for (let o = 0; o < outChannels; o++) {
        let sum = 0;
        for (let ky = 0; ky < k; ky++) {
          for (let kx = 0; kx < k; kx++) {
            const y = oy * stride + ky - padding;
            const x = ox * stride + kx - padding;
            if (y < 0 || y >= height || x < 0 || x >= width) continue;
            for (let c = 0; c < inChannels; c++) {
              const w = kernel[((ky * k + kx) * inChannels + c) * outChannels + o];
              sum += input[(y * width + x) * inChannels + c] * w;
            }
          }
        }
        out.push(sum);
      }
    }
  }
  return out;
}

describe('avgPool3x3IncludePad', () => {
  it('counts the zero padding in every border average (count_include_pad=True)', async () => {
    // 3×3 image 1..9: corner = (1+2+4+5)/9, edge = (1+2+3+4+5+6)/9, centre = 45/9.
    const expected = [12, 21, 16, 27, 45, 33, 24, 39, 28].map((sum) => sum / 9);
    await expectNoLeak(() => {
      const image = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
      const pooled = avgPool3x3IncludePad(image);
      expect(pooled.shape).toEqual([1, 3, 3, 1]);
      const values = valuesOf(pooled);
      expectAllClose(values, expected, FLOAT32_TOLERANCE);
      // TensorFlow's own 'same' pooling would divide the corner by 4 (12/4 = 3), not by 9.
      expect(tf.tidy(() => valuesOf(tf.avgPool(image, 3, 1, 'same')))[0]).toBeCloseTo(3, 5);
      tf.dispose([image, pooled]);
    });
  });
});

describe('Conv2d', () => {
  it('pads symmetrically like PyTorch, also at stride 2 on an even size', async () => {
    const store = new ParameterStore(createRng(1));
    const conv = new Conv2d(store, 'c', 2, 3, 3, 2, 1, true);
    const rng = createRng(2);
    const input = Array.from({ length: 4 * 4 * 2 }, () => rng.normal());
    await expectNoLeak(() => {
      const x = tf.tensor4d(input, [1, 4, 4, 2]);
      const y = conv.apply(x);
      expect(y.shape).toEqual([1, 2, 2, 3]);
      const kernel = valuesOf(conv.weight);
      const bias = valuesOf(conv.bias as tf.Variable);
      const reference = referenceConv(input, [4, 4, 2], kernel, [3, 3], 2, 1);
      const withBias = reference.map((value, i) => value + bias[i % 3]);
      expectAllClose(valuesOf(y), withBias, 1e-4);
      tf.dispose([x, y]);
    });
    store.dispose();
  });

  it("draws weights and biases from PyTorch's default U(−1/√fanIn, 1/√fanIn)", () => {
    const store = new ParameterStore(createRng(3));
    const conv = new Conv2d(store, 'c', 16, 32, 3, 1, 1, true);
    const bound = 1 / Math.sqrt(16 * 9);
    const weights = valuesOf(conv.weight);
    expect(Math.max(...weights.map(Math.abs))).toBeLessThanOrEqual(bound);
    // The std of U(−b, b) is b/√3; 4,608 draws put the sample std within a few percent.
    const variance = weights.reduce((s, w) => s + w * w, 0) / weights.length;
    expect(Math.sqrt(variance) / (bound / Math.sqrt(3))).toBeCloseTo(1, 1);
    expect(Math.max(...valuesOf(conv.bias as tf.Variable).map(Math.abs))).toBeLessThanOrEqual(
      bound,
    );
    expect(store.trainable.map((p) => p.name)).toEqual(['c.weight', 'c.bias']);
    store.dispose();
  });
});

describe('BatchNorm', () => {
  // One channel over N=2, H=1, W=2: values 1, 2, 3, 6 → mean 3, biased variance 14/4 = 3.5,
  // unbiased variance 14/3.
  const values = [1, 2, 3, 6];

  it('normalizes by the biased batch variance and updates running stats with the unbiased one', async () => {
    const store = new ParameterStore(createRng(0));
    const bn = new BatchNorm(store, 'bn', 1);
    await expectNoLeak(() => {
      const x = tf.tensor4d(values, [2, 1, 2, 1]);
      const y = bn.apply(x, true);
      const scale = 1 / Math.sqrt(3.5 + BATCH_NORM_EPSILON);
      expectAllClose(
        valuesOf(y),
        values.map((v) => (v - 3) * scale),
        FLOAT32_TOLERANCE,
      );
      tf.dispose([x, y]);
    });
    // momentum 0.1: running = 0.9·running + 0.1·batch, starting from mean 0 and variance 1.
    expect(valuesOf(bn.runningMean)[0]).toBeCloseTo(0.3, 6);
    expect(valuesOf(bn.runningVariance)[0]).toBeCloseTo(0.9 + 0.1 * (14 / 3), 6);

    const x = tf.tensor4d(values, [2, 1, 2, 1]);
    tf.tidy(() => bn.apply(x, true));
    // Second update: 0.9·0.3 + 0.1·3 = 0.57; 0.9·1.36667 + 0.1·4.66667 = 1.69667.
    expect(valuesOf(bn.runningMean)[0]).toBeCloseTo(0.57, 6);
    expect(valuesOf(bn.runningVariance)[0]).toBeCloseTo(0.9 * (0.9 + 0.14 / 0.3) + 0.14 / 0.3, 5);
    x.dispose();
    store.dispose();
  });

  it('uses the running statistics, gamma and beta in evaluation and leaves them unchanged', async () => {
    const store = new ParameterStore(createRng(0));
    const bn = new BatchNorm(store, 'bn', 1);
    bn.runningMean.assign(tf.tensor1d([0.5]));
    bn.runningVariance.assign(tf.tensor1d([4]));
    bn.gamma.assign(tf.tensor1d([2]));
    bn.beta.assign(tf.tensor1d([-1]));
    await expectNoLeak(() => {
      const x = tf.tensor4d(values, [2, 1, 2, 1]);
      const y = bn.apply(x, false);
      const expected = values.map((v) => (2 * (v - 0.5)) / Math.sqrt(4 + BATCH_NORM_EPSILON) - 1);
      expectAllClose(valuesOf(y), expected, FLOAT32_TOLERANCE);
      tf.dispose([x, y]);
    });
    expect(valuesOf(bn.runningMean)).toEqual([0.5]);
    expect(valuesOf(bn.runningVariance)).toEqual([4]);
    expect(store.buffers.length).toBe(2);
    expect(store.trainable.map((p) => p.name)).toEqual(['bn.weight', 'bn.bias']);
    store.dispose();
  });

  it('gives the gradient of the batch-statistics normalization', () => {
    // d/dx Σ w·BN(x) with batch statistics; checked against central finite differences.
    const store = new ParameterStore(createRng(0));
    const bn = new BatchNorm(store, 'bn', 1);
    const weights = tf.tensor4d([0.3, -1.2, 0.7, 2.0], [2, 1, 2, 1]);
    const f = (x: tf.Tensor) => tf.sum(tf.mul(bn.apply(x as tf.Tensor4D, true), weights));
    const x = tf.tensor4d(values, [2, 1, 2, 1]);
    const analytic = valuesOf(tf.grad(f)(x));
    const step = 1e-2;
    values.forEach((_, i) => {
      const shifted = (delta: number) =>
        tf.tidy(() => {
          const v = values.slice();
          v[i] += delta;
          return f(tf.tensor4d(v, [2, 1, 2, 1])).dataSync()[0];
        });
      const numeric = (shifted(step) - shifted(-step)) / (2 * step);
      expect(Math.abs(analytic[i] - numeric)).toBeLessThan(1e-2);
    });
    tf.dispose([weights, x]);
    store.dispose();
  });
});

describe('Linear', () => {
  it('computes x·W + b with the default init bound 1/√in', () => {
    const store = new ParameterStore(createRng(5));
    const linear = new Linear(store, 'fc', 4, 3);
    const weight = valuesOf(linear.weight);
    const bias = valuesOf(linear.bias);
    expect(Math.max(...weight.map(Math.abs))).toBeLessThanOrEqual(0.5);
    const input = [1, -2, 0.5, 3];
    const y = tf.tidy(() => valuesOf(linear.apply(tf.tensor2d(input, [1, 4]))));
    for (let o = 0; o < 3; o++) {
      const expected = input.reduce((s, v, i) => s + v * weight[i * 3 + o], bias[o]);
      expect(Math.abs(y[o] - expected)).toBeLessThan(FLOAT32_TOLERANCE);
    }
    store.dispose();
  });
});
